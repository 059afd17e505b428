import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Storage } from '@boltz/storage';
import type { ApiKeyAuthenticator } from './auth/api-key-authenticator.ts';
import type { LastUsedTracker } from './auth/last-used.ts';
import type { ServerConfig } from './config.ts';
import type { RequestCpuPool } from './cpu/request-cpu-pool.ts';
import type { JobQueue, JobServices } from './jobs/processing.ts';
import type { WorkspaceCache } from './routes/admin/workspaces/workspace-cache.ts';

/** What routes may use; it arrives on the Fastify instance, never as a module singleton. */
export interface Services extends JobServices {
  config: ServerConfig;
  storage: Storage;
  authenticator: ApiKeyAuthenticator;
  workspaceCache: WorkspaceCache;
  lastUsed: LastUsedTracker;
  now: () => Date;
  jobQueue: JobQueue;
  /**
   * The origin clients reach this server by (BOLTZ_PUBLIC_URL, else the loopback address it
   * listens on): presigned URLs and the OAuth issuer, never a request's `Host` header.
   */
  publicUrl: () => string;
  /** Worker threads for the CPU work of requests (cpu/request-cpu-pool.ts). */
  requestCpu: RequestCpuPool;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
