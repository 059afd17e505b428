import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { randomBase62 } from '@boltz/shared';
import type { Storage } from '@boltz/storage';

export interface Readiness {
  shuttingDown: boolean;
}

/** `/healthz`: the process answers. `/readyz`: it can serve traffic (database reachable, not draining). */
export function installHealthRoutes(app: FastifyInstance, storage: Storage, readiness: Readiness): void {
  const hidden = { hide: true } as Record<string, unknown>;
  app.get('/healthz', { config: { access: 'public' }, schema: hidden, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: hidden, logLevel: 'warn' }, async (_request, reply) => {
    if (readiness.shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await sql`select 1`.execute(storage.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database_unavailable' });
    }
  });
}

/**
 * Every response carries its request id. It is set when the request arrives rather than when
 * the reply is sent, so error replies carry it too and no per-reply hook is needed.
 */
export function installRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}

/**
 * Fresh request ids: a random prefix per process and a counter, unique across replicas. A
 * random id per request cost measurable time on every request (`npm run bench`).
 */
export function requestIdSequence(): () => string {
  const prefix = `req_${randomBase62(12)}`;
  let counter = 0;
  return () => prefix + (++counter).toString(36);
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honour a caller's `x-request-id` when it is sane, so logs can be joined across services. */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : fresh();
}
