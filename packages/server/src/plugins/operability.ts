import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
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

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honour a caller's `x-request-id` when it is sane, so logs can be joined across services. */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : fresh();
}
