import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Storage } from '@boltz/storage';
import { databaseAdapterFactory } from './database-adapter.ts';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage, errorPage, signedOutPage, signOutPage } from './pages.ts';
import type { OauthSecrets } from './signing-keys.ts';

/**
 * The OAuth 2.0 / OpenID Connect authorization server (oidc-provider, spec/CLI.md §6): the
 * official CLI's public client `boltz-cli` signs in with authorization code + PKCE on a
 * loopback redirect, or with the device authorization grant, and receives JWT access tokens
 * for the audience `boltz-compute-api` plus rotating refresh tokens.
 */
export const CLI_CLIENT_ID = 'boltz-cli';
export const API_AUDIENCE = 'boltz-compute-api';
/**
 * RFC 8707 wants an absolute URI as the resource indicator, but the official CLI sends its
 * audience, `boltz-compute-api`, as `resource`. Requests are rewritten to this URN on the way
 * in (see oauth/index.ts); tokens still carry `aud: boltz-compute-api`.
 */
export const API_RESOURCE = 'urn:boltz:compute-api';
export const API_SCOPE = 'compute:run';
/** Set on every request forwarded to the provider, replacing any the client sent (oauth/index.ts). */
export const CLIENT_IP_HEADER = 'x-boltz-client-ip';
export const SUPPORTED_SCOPES = ['openid', 'offline_access', 'profile', 'email', API_SCOPE];

export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  jwks: '/oauth/jwks',
  revocation: '/oauth/revoke',
  device_authorization: '/oauth/device/code',
  code_verification: '/oauth/device',
  end_session: '/oauth/logout',
  introspection: '/oauth/introspect',
  pushed_authorization_request: '/oauth/par',
  registration: '/oauth/register',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
} as const;

export interface AuthorizationServerOptions {
  issuer: string;
  storage: Storage;
  secrets: OauthSecrets;
  /** Behind a TLS-terminating proxy: trust X-Forwarded-Proto for secure cookies and URLs. */
  behindProxy: boolean;
  /** Told when the storage adapter revokes a grant itself (a spent token reused). */
  onGrantRevoked: (grantId: string) => void;
  accessTokenTtlSeconds?: number;
  deviceCodeTtlSeconds?: number;
}

function deviceName(deviceInfo: { ua?: string; ip?: string } | undefined): string {
  const ua = deviceInfo?.ua ?? '';
  const product = /boltz-api[\w./-]*/i.exec(ua)?.[0] ?? (ua.split(' ')[0] || 'an unknown device');
  return deviceInfo?.ip ? `${product} (${deviceInfo.ip})` : product;
}

export function createAuthorizationServer(options: AuthorizationServerOptions): Provider {
  const { storage, secrets } = options;
  const secure = options.issuer.startsWith('https://');
  const cookieOptions = { signed: true, secure, sameSite: 'lax' as const, httpOnly: true };

  const configuration: Configuration = {
    adapter: databaseAdapterFactory(storage, options.onGrantRevoked),
    clients: [
      {
        client_id: CLI_CLIENT_ID,
        client_name: 'Boltz CLI',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        // Native clients may use any port on a loopback redirect (RFC 8252 §7.3).
        redirect_uris: ['http://127.0.0.1/oauth/callback', 'http://localhost/oauth/callback', 'http://[::1]/oauth/callback'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    scopes: SUPPORTED_SCOPES,
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx, sub) {
      const user = await storage.users.findById(sub);
      // A disabled account gets no new tokens: refreshes and pending codes fail.
      if (!user || user.disabled_at) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name ?? undefined }),
      };
    },
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        deviceInfo: (ctx) => ({ ip: ctx.ip, ua: ctx.get('user-agent') }),
        async userCodeInputSource(ctx, form, _out, err) {
          const message = err ? (err.name === 'AbortedError' ? 'The sign-in was cancelled.' : 'That code is not valid or has expired. Check it and try again.') : undefined;
          ctx.type = 'html';
          ctx.body = deviceCodeInputPage(form, message);
        },
        async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
          ctx.type = 'html';
          ctx.body = deviceConfirmPage(form, {
            clientName: client.clientName ?? client.clientId,
            userCode,
            device: deviceName(deviceInfo as { ua?: string; ip?: string }),
          });
        },
        async successSource(ctx) {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage(ctx.oidc.client?.clientName ?? 'The CLI');
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = signOutPage(form, ctx.host);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = signedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== API_RESOURCE) throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          return {
            scope: API_SCOPE,
            audience: API_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtlSeconds ?? 3600,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    // The CLI asks for offline_access with `access_type=offline` rather than prompt=consent;
    // the grant decides, and our first-party CLI always gets a refresh token (rotated on use).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Access tokens are JWTs verified without a lookup; carrying the grant id lets the API
    // refuse them once the grant is revoked (sign-out, refresh token revocation), and the
    // issue time in milliseconds (`iat` has whole seconds) lets it refuse every token issued
    // before a user's sign-ins were ended, and none issued after (user-tokens.ts).
    extraTokenClaims: async (_ctx, token) => ('grantId' in token && token.grantId ? { gid: token.grantId, iat_ms: Date.now() } : undefined),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      DeviceCode: options.deviceCodeTtlSeconds ?? 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 30 * 24 * 3600,
      RefreshToken: 30 * 24 * 3600,
    },
    jwks: { keys: [secrets.signingKey as never] },
    cookies: { keys: secrets.cookieKeys, long: cookieOptions, short: cookieOptions },
    interactions: { url: async (_ctx, interaction) => `/oauth/interaction/${interaction.uid}` },
    routes: OAUTH_ROUTES,
    async renderError(ctx: KoaContextWithOIDC, out) {
      ctx.type = 'html';
      const { error, error_description: description } = out as { error?: string; error_description?: string };
      ctx.body = errorPage('Sign-in failed', { error, error_description: description });
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], requestObjectSigningAlgValues: ['ES256'] },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.behindProxy;
  // Behind proxies the client address is the one Fastify read from X-Forwarded-For through
  // the trusted hops only (config.ts), handed over in this header; Koa's own reading would
  // take the left-most entry, which the client writes.
  provider.app.proxyIpHeader = CLIENT_IP_HEADER;
  return provider;
}
