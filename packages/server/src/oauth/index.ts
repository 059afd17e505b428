import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Storage } from '@boltz/storage';
import { API_AUDIENCE, API_RESOURCE, CLIENT_IP_HEADER, OAUTH_ROUTES, createAuthorizationServer } from './authorization-server.ts';
import { DEVICE_POLL_INTERVAL_SECONDS, DevicePollPacer } from './device-poll-pacer.ts';
import { installInteractionRoutes } from './interactions.ts';
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
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const { handle } = await build();
      const [path, query] = (request.raw.url ?? '').split('?', 2);
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
