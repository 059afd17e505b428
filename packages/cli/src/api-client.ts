import Boltz, { type ClientOptions } from 'boltz-api';
import { CliError } from './errors.ts';
import type { GlobalOptions } from './global-flags.ts';
import { type Bearer, openSignedInSession } from './oauth/signed-in-session.ts';
import { CLI_VERSION } from './version.ts';

export const DEFAULT_BASE_URL = 'https://api.boltz.bio/';

export type ApiKeySource = 'flag' | 'BOLTZ_API_KEY' | 'BOLTZ_COMPUTE_API_KEY';

/** Environment values are trimmed; empty means unset (CLI.md §7). */
export function readEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Credential precedence (§6.1): --api-key, BOLTZ_API_KEY, BOLTZ_COMPUTE_API_KEY. Never from files. */
export function resolveApiKey(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): { key: string; source: ApiKeySource } | undefined {
  const flag = globals.apiKey?.trim();
  if (flag) return { key: flag, source: 'flag' };
  for (const name of ['BOLTZ_API_KEY', 'BOLTZ_COMPUTE_API_KEY'] as const) {
    const value = readEnv(name, env);
    if (value) return { key: value, source: name };
  }
  return undefined;
}

export function resolveBaseUrl(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const baseUrl = globals.baseUrl?.trim() || readEnv('BOLTZ_BASE_URL', env) || DEFAULT_BASE_URL;
  if (!/^https?:\/\//i.test(baseUrl)) throw new CliError(`--base-url "${baseUrl}" is missing a scheme (expected http:// or https://)`);
  return baseUrl;
}

/**
 * The official SDK configured from the command line. Requests pass through a fetch wrapper that
 * remembers the last method and URL (for the `<METHOD> "<URL>": <status>` error line, §5) and, with
 * --debug, logs traffic with credentials redacted.
 */
export class ApiConnection {
  lastRequest: { method: string; url: string } | undefined;

  constructor(private readonly globals: GlobalOptions) {}

  /**
   * `credential: 'optional'` is for public endpoints such as `cli version` (§10): an API key is
   * sent when there is one, a stored sign-in is not used. Otherwise an API key wins, then the
   * stored OAuth session (§6.1).
   */
  client(credential: 'required' | 'optional' = 'required'): Boltz {
    const apiKey = resolveApiKey(this.globals)?.key;
    if (apiKey || credential === 'optional') return new Boltz(this.options(apiKey));
    const session = openSignedInSession(this.globals);
    return new BearerClient(this.options(undefined), () => session.bearer());
  }

  /** A client that signs its requests with the given access token (right after a login). */
  bearerClient(bearer: () => Promise<Bearer>): Boltz {
    return new BearerClient(this.options(undefined), bearer);
  }

  private options(apiKey: string | undefined): ClientOptions {
    return {
      apiKey: apiKey ?? null,
      baseURL: resolveBaseUrl(this.globals),
      logLevel: 'off',
      defaultHeaders: { 'User-Agent': `boltz-api-ts/${CLI_VERSION}`, ...(apiKey ? {} : { 'x-api-key': null }) },
      fetch: (url, init) => this.fetch(String(url), init),
    };
  }

  private async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    this.lastRequest = { method, url };
    if (this.globals.debug) debugRequest(method, url, init);
    const response = await fetch(url, init);
    if (this.globals.debug) process.stderr.write(`< ${response.status} ${response.statusText}\n${formatHeaders(response.headers)}\n`);
    return response;
  }
}

/**
 * OAuth mode (§6.2): `Authorization: Bearer <access token>` and, when an organization is
 * selected, `X-Boltz-Organization-Id`. The token is fetched (and refreshed if need be) before
 * the request is sent, so a failed refresh surfaces as the auth error it is rather than as a
 * connection error.
 */
class BearerClient extends Boltz {
  constructor(
    options: ClientOptions,
    private readonly bearer: () => Promise<Bearer>,
  ) {
    super(options);
  }

  protected override async prepareRequest(request: RequestInit): Promise<void> {
    const { token, organization } = await this.bearer();
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (organization) headers.set('x-boltz-organization-id', organization);
    request.headers = headers;
  }
}

const REDACTED = new Set(['x-api-key', 'authorization']);

function formatHeaders(headers: Headers): string {
  return [...headers.entries()].map(([name, value]) => `${name}: ${REDACTED.has(name.toLowerCase()) ? '<redacted>' : value}`).join('\n');
}

function debugRequest(method: string, url: string, init: RequestInit): void {
  const body = typeof init.body === 'string' ? `\n${init.body}` : '';
  process.stderr.write(`> ${method} ${url}\n${formatHeaders(new Headers(init.headers))}${body}\n`);
}
