import { UsageError } from './errors.ts';

/** Flags accepted before or after any command (CLI.md §2, §10: `--api-key` works anywhere). */
export interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  format: OutputFormat;
  formatError: OutputFormat;
  transform?: string;
  transformError?: string;
  rawOutput: boolean;
  debug: boolean;
  /** OAuth settings by flag name (`auth-issuer-url`, `org`, `listen-port`, …), resolved in oauth/profile.ts. */
  auth: Record<string, string | string[]>;
}

export const OUTPUT_FORMATS = ['auto', 'explore', 'json', 'jsonl', 'pretty', 'raw', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

interface GlobalFlag {
  name: string;
  short?: string;
  takesValue: boolean;
  description: string;
  apply(options: GlobalOptions, value: string): void;
}

function format(value: string, flag: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`${flag === 'format' ? 'format' : 'format-error'} must be one of: ${OUTPUT_FORMATS.join(', ')}`);
  }
  return value as OutputFormat;
}

const authFlag = (name: string, description: string, repeatable = false): GlobalFlag => ({
  name,
  takesValue: true,
  description,
  apply(options, value) {
    if (repeatable) options.auth[name] = [...((options.auth[name] as string[] | undefined) ?? []), value];
    else options.auth[name] = value;
  },
});

export const GLOBAL_FLAGS: GlobalFlag[] = [
  { name: 'api-key', takesValue: true, description: 'API key to authenticate with (env BOLTZ_API_KEY)', apply: (o, v) => (o.apiKey = v) },
  { name: 'base-url', takesValue: true, description: 'server URL (env BOLTZ_BASE_URL; default https://api.boltz.bio/)', apply: (o, v) => (o.baseUrl = v) },
  { name: 'format', takesValue: true, description: `output format: ${OUTPUT_FORMATS.join(', ')} (default auto = json)`, apply: (o, v) => (o.format = format(v, 'format')) },
  { name: 'format-error', takesValue: true, description: 'output format for API error bodies (same values as --format)', apply: (o, v) => (o.formatError = format(v, 'format-error')) },
  { name: 'transform', takesValue: true, description: 'GJSON path applied to the output, e.g. id or data.#.name', apply: (o, v) => (o.transform = v) },
  { name: 'transform-error', takesValue: true, description: 'GJSON path applied to API error bodies', apply: (o, v) => (o.transformError = v) },
  { name: 'raw-output', short: 'r', takesValue: false, description: 'print a string result without quotes (like jq -r)', apply: (o) => (o.rawOutput = true) },
  { name: 'debug', takesValue: false, description: 'log HTTP requests and responses to stderr (keys redacted)', apply: (o) => (o.debug = true) },
  authFlag('auth-issuer-url', 'OAuth issuer URL'),
  authFlag('auth-client-id', 'OAuth client id (default boltz-cli)'),
  authFlag('auth-audience', 'OAuth audience (default boltz-compute-api)'),
  authFlag('auth-scope', 'OAuth scope (repeatable)', true),
  authFlag('auth-authorization-url', 'OAuth authorization endpoint override'),
  authFlag('auth-token-url', 'OAuth token endpoint override'),
  authFlag('auth-userinfo-url', 'OAuth userinfo endpoint override'),
  authFlag('auth-revocation-url', 'OAuth revocation endpoint override'),
  authFlag('org', 'organization to act in (OAuth sessions)'),
  authFlag('listen-port', 'loopback port for OAuth login (default 8421)'),
];

export function defaultGlobalOptions(): GlobalOptions {
  return { format: 'auto', formatError: 'auto', rawOutput: false, debug: false, auth: {} };
}

/**
 * Removes the global flags from anywhere in argv and applies them; the remaining tokens keep their
 * order. `--` stops the scan (everything after it is the command's).
 */
export function extractGlobalFlags(argv: string[]): { options: GlobalOptions; rest: string[] } {
  const options = defaultGlobalOptions();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const flag = matchGlobal(token);
    if (!flag) {
      rest.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    if (!flag.takesValue) {
      if (eq >= 0 && token.slice(eq + 1) === 'false') continue;
      flag.apply(options, 'true');
      continue;
    }
    let value: string;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`flag needs an argument: --${flag.name}`);
    flag.apply(options, value);
  }
  return { options, rest };
}

function matchGlobal(token: string): GlobalFlag | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2).split('=')[0];
    return GLOBAL_FLAGS.find((flag) => flag.name === name);
  }
  if (token.startsWith('-') && token.length === 2) return GLOBAL_FLAGS.find((flag) => flag.short === token[1]);
  return undefined;
}
