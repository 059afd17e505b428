import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator.ts';
import type { LastUsedTracker } from '../auth/last-used.ts';
import { type Access, type Principal, isAdmin, principalId } from '../auth/principal.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import { forbidden, rateLimited, unauthorized } from '../errors.ts';
import { notFoundError } from './error-handler.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Verifies OAuth access tokens (Bearer values that are not API keys). */
export interface UserTokenAuthenticator {
  authenticate(token: string, selectedOrganizationId: string | undefined): Promise<Principal>;
}

interface AuthenticationDeps {
  authenticator: ApiKeyAuthenticator;
  userTokens?: UserTokenAuthenticator;
  rateLimiter: RateLimiter;
  lastUsed: LastUsedTracker;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** `x-api-key` wins; a Bearer value is an API key when it looks like one, else an OAuth token. */
async function authenticate(request: FastifyRequest, deps: AuthenticationDeps): Promise<Principal> {
  const apiKey = header(request, 'x-api-key');
  if (apiKey) return deps.authenticator.authenticate(apiKey, request.ip);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];
  if (!bearer) throw unauthorized();
  if (bearer.startsWith('sk_bc_') || !deps.userTokens) return deps.authenticator.authenticate(bearer, request.ip);
  return deps.userTokens.authenticate(bearer, header(request, 'x-boltz-organization-id'));
}

/**
 * Order of checks (spec/API.md §2.3): authentication (401) → rate limit (429) → permission
 * (403); each route declares its `access` and nothing else re-checks it. This runs when the
 * request arrives (`onRequest`), so a request is authenticated before its body is read: an
 * unauthenticated or unknown-route request never has its body parsed.
 */
export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // `routeOptions` is a getter that builds a fresh object: read it once per request.
    const { config } = request.routeOptions;
    const url = config.url;
    // An unknown route is answered here, before its body would be read and parsed.
    if (!url) throw notFoundError(request);
    // Routes of the API namespace are authenticated unless they say otherwise.
    const access = config.access ?? (url.startsWith('/compute/') ? 'any' : 'public');
    if (access === 'public') return;

    const principal = await authenticate(request, deps);

    const decision = deps.rateLimiter.take(principalId(principal));
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', decision.resetAt);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);

    if (principal.kind === 'api_key') deps.lastUsed.record(principal.apiKeyId, Date.now());
    // Set before the permission check, so that a denied attempt's audit record names who tried.
    request.principal = principal;
    if (access === 'admin' && !isAdmin(principal)) throw forbidden('This endpoint requires an admin API key');
  });
}
