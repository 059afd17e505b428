import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator.ts';
import type { LastUsedTracker } from '../auth/last-used.ts';
import { type Access, type Principal, isAdmin } from '../auth/principal.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import { forbidden, rateLimited, unauthorized } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** `x-api-key` wins over `Authorization`; a Bearer value starting `sk_bc_` is an API key. */
export function apiKeyFromHeaders(headers: FastifyRequest['headers']): string | undefined {
  const header = headers['x-api-key'];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey) return apiKey.trim();
  const authorization = headers.authorization;
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

interface AuthenticationDeps {
  authenticator: ApiKeyAuthenticator;
  rateLimiter: RateLimiter;
  lastUsed: LastUsedTracker;
}

/**
 * Order of checks (spec/API.md §2.3): authentication (401) → rate limit (429) → permission
 * (403); each route declares its `access` and nothing else re-checks it.
 */
export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url;
    if (!url) return;
    // Routes of the API namespace are authenticated unless they say otherwise.
    const access = request.routeOptions.config.access ?? (url.startsWith('/compute/') ? 'any' : 'public');
    if (access === 'public') return;

    const rawKey = apiKeyFromHeaders(request.headers);
    if (!rawKey) throw unauthorized();
    const principal = await deps.authenticator.authenticate(rawKey, request.ip);

    const decision = deps.rateLimiter.take(principal.apiKeyId);
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', decision.resetAt);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);

    deps.lastUsed.record(principal.apiKeyId, new Date().toISOString());
    if (access === 'admin' && !isAdmin(principal)) throw forbidden('This endpoint requires an admin API key');
    request.principal = principal;
  });
}
