import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { randomBase62 } from '@boltz/shared';
import type { EngineProbe } from '@boltz/engines';
import type { Storage } from '@boltz/storage';

export interface Readiness {
  shuttingDown: boolean;
}

/** Probing spawns each engine's Python: a load balancer polling `/readyz` every second must not. */
const PROBE_CACHE_MS = 30_000;

/**
 * `/healthz`: the process answers. `/readyz`: it can serve traffic (database reachable, not
 * draining, every configured live engine's executable runnable) and which live engines run which
 * families. Public, so no host paths: the problems themselves go to the log.
 */
export function installHealthRoutes(app: FastifyInstance, storage: Storage, readiness: Readiness, probeEngines: () => EngineProbe[] = () => []): void {
  let probed: { at: number; probes: EngineProbe[] } | undefined;
  const engines = () => {
    if (!probed || Date.now() - probed.at > PROBE_CACHE_MS) {
      probed = { at: Date.now(), probes: probeEngines() };
      for (const probe of probed.probes) if (!probe.ok) app.log.warn({ engine: probe.engine, problems: probe.problems }, 'live engine has problems');
    }
    return probed.probes.map((probe) => ({ engine: probe.engine, version: probe.version ?? null, families: probe.families, ok: probe.ok }));
  };
  const hidden = { hide: true } as Record<string, unknown>;
  app.get('/healthz', { config: { access: 'public' }, schema: hidden, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: hidden, logLevel: 'warn' }, async (_request, reply) => {
    if (readiness.shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await sql`select 1`.execute(storage.db);
    } catch {
      return reply.code(503).send({ status: 'database_unavailable' });
    }
    const live = engines();
    if (probed?.probes.some((probe) => !probe.runnable)) return reply.code(503).send({ status: 'engine_unavailable', engines: live });
    return { status: 'ready', engines: live };
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
