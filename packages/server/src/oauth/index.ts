import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Storage } from '@boltz/storage';
import { API_AUDIENCE, API_RESOURCE, CLIENT_IP_HEADER, OAUTH_ROUTES, createAuthorizationServer } from './authorization-server.ts';
import { DEVICE_POLL_INTERVAL_SECONDS, DevicePollPacer } from './device-poll-pacer.ts';
import { installInteractionRoutes } from './interactions.ts';
import { errorPage, sendPage } from './pages.ts';
import { RateLimiter } from '../auth/rate-limiter.ts';
import { beginAttempt } from './sign-in-throttle.ts';
import { loadOauthSecrets, publicJwk, type OauthSecrets } from './signing-keys.ts';
import { UserTokenVerifier } from './user-tokens.ts';

const HOUSEKEEPING_INTERVAL_MS = 15 * 60_000;
const EXPIRED_ROW_GRACE_MS = 24 * 3_600_000;

export interface OauthOptions {
  storage: Storage;
  /** The public origin of this server (the OAuth issuer); resolved at first use when unset. */
  publicUrl: () => string;
  behindProxy: boolean;
  signInAttempts: { max: number; windowSeconds: number };
  /** User codes one client address may enter on the device page per window. */
  deviceCodeAttempts: { max: number; windowSeconds: number };
}

export interface OauthServer {
  provider(): Promise<Provider>;
  userTokens(): Promise<UserTokenVerifier>;
}

/** The official CLI sends its audience as `resource`; see API_RESOURCE. */
function rewriteResource(encoded: string): string {
  const params = new URLSearchParams(encoded);
  const resources = params.getAll('resource');
  if (!resources.includes(API_AUDIENCE)) return encoded;
  params.delete('resource');
  for (const resource of resources) params.append('resource', resource === API_AUDIENCE ? API_RESOURCE : resource);
  return params.toString();
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The device code of a device-grant token request, if that is what the form is. */
function devicePoll(form: string): string | undefined {
  const params = new URLSearchParams(form);
  return params.get('grant_type') === DEVICE_CODE_GRANT ? (params.get('device_code') ?? undefined) : undefined;
}

/** oidc-provider's session cookie, which the device page's form is bound to. */
const SESSION_COOKIE = /(?:^|;\s*)_session=/;

/**
 * The device page's form (POST /oauth/device): oidc-provider answers a post without its session
 * cookie with a 500 (it tries to save a session that was never stored), and nothing stops a
 * client from guessing user codes. Both are answered here before the provider sees the form.
 */
function checkDeviceForm(request: FastifyRequest, reply: FastifyReply, entries: RateLimiter): FastifyReply | undefined {
  if (!SESSION_COOKIE.test(request.headers.cookie ?? '')) {
    return sendPage(reply, 400, errorPage('This page has expired', { reason: 'Open the sign-in link from your terminal again, or go to /oauth/device.' }));
  }
  const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
  // Entering a code counts; confirming or cancelling the device that a code named does not.
  if (!form.has('user_code') || form.has('confirm') || form.has('abort')) return undefined;
  const wait = beginAttempt(entries, request.ip);
  if (wait === undefined) return undefined;
  reply.header('retry-after', wait);
  return sendPage(reply, 429, errorPage('Too many codes entered', { reason: `Wait ${Math.ceil(wait / 60)} minutes and try again.` }));
}

/**
 * The request as oidc-provider should see it: same headers and socket, body replaced. It reads
 * bodies itself and only accepts an unread stream without complaint.
 */
function withBody(raw: IncomingMessage, body: string): IncomingMessage {
  const bytes = Buffer.from(body);
  const replacement = Readable.from([bytes]) as unknown as IncomingMessage;
  return Object.assign(replacement, {
    headers: { ...raw.headers, 'content-length': String(bytes.length) },
    rawHeaders: raw.rawHeaders,
    method: raw.method,
    url: raw.url,
    socket: raw.socket,
    httpVersion: raw.httpVersion,
    httpVersionMajor: raw.httpVersionMajor,
    httpVersionMinor: raw.httpVersionMinor,
  });
}

/**
 * Mounts the authorization server (oidc-provider, a Koa app) under /oauth and the discovery
 * document, plus our sign-in and consent pages. The provider is built on first use because its
 * issuer is the server's public URL, which may only be known once it listens.
 */
export function installOauth(app: FastifyInstance, options: OauthOptions): OauthServer {
  let built: Promise<{ provider: Provider; secrets: OauthSecrets; verifier: UserTokenVerifier; handle: ReturnType<Provider['callback']> }> | undefined;
  const build = () => {
    built ??= (async () => {
      const secrets = await loadOauthSecrets(options.storage);
      const issuer = options.publicUrl();
      let verifier: UserTokenVerifier | undefined;
      const provider = createAuthorizationServer({
        issuer,
        storage: options.storage,
        secrets,
        behindProxy: options.behindProxy,
        onGrantRevoked: (grantId) => verifier?.forget(grantId),
      });
      verifier = new UserTokenVerifier(options.storage, provider, issuer, publicJwk(secrets.signingKey));
      // Sign-out and refresh-token revocation end the grant: its access tokens stop at once here.
      provider.on('grant.revoked', (_ctx: unknown, grantId: string) => verifier.forget(grantId));
      provider.on('device_authorization.success', (ctx: { body: Record<string, unknown> }) => {
        ctx.body.interval = DEVICE_POLL_INTERVAL_SECONDS;
      });
      return { provider, secrets, verifier, handle: provider.callback() };
    })();
    return built;
  };

  app.register(async (scope) => {
    // Form bodies stay text here: forwarded requests get the resource rewrite, and the
    // interaction pages parse their own forms.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

    const pacer = new DevicePollPacer();
    const deviceEntries = new RateLimiter(options.deviceCodeAttempts.max, options.deviceCodeAttempts.windowSeconds);
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const { handle } = await build();
      const [path, query] = (request.raw.url ?? '').split('?', 2);
      if (path === OAUTH_ROUTES.code_verification && request.method === 'POST') {
        const refused = checkDeviceForm(request, reply, deviceEntries);
        if (refused) return refused;
      }
      if (query) request.raw.url = `${path}?${rewriteResource(query)}`;
      const deviceCode = path === OAUTH_ROUTES.token && typeof request.body === 'string' ? devicePoll(request.body) : undefined;
      if (deviceCode && !pacer.allow(deviceCode)) {
        return reply
          .code(400)
          .header('cache-control', 'no-store')
          .send({ error: 'slow_down', error_description: `poll at most every ${DEVICE_POLL_INTERVAL_SECONDS} seconds` });
      }
      request.raw.headers[CLIENT_IP_HEADER] = request.ip;
      const raw = typeof request.body === 'string' ? withBody(request.raw, rewriteResource(request.body)) : request.raw;
      reply.hijack();
      await handle(raw, reply.raw);
    };
    const hidden = { schema: { hide: true }, config: { access: 'public' as const } };
    scope.get('/.well-known/openid-configuration', hidden, forward);
    scope.all('/oauth/*', hidden, forward);

    installInteractionRoutes(scope, {
      storage: options.storage,
      provider: async () => (await build()).provider,
      formKey: async () => (await build()).secrets.formKey,
      signInAttempts: options.signInAttempts,
    });
  });

  // Expired codes, sessions and tokens stay a day (so late polls still hear "expired"), then go.
  const housekeeping = setInterval(() => void options.storage.oauthModels.deleteExpired(EXPIRED_ROW_GRACE_MS).catch(() => {}), HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  app.addHook('onClose', async () => clearInterval(housekeeping));

  return {
    provider: async () => (await build()).provider,
    userTokens: async () => (await build()).verifier,
  };
}
