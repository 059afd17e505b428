import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Storage } from '@boltz/storage';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator.ts';
import { WorkspaceCache } from './routes/admin/workspaces/workspace-cache.ts';
import { LastUsedTracker } from './auth/last-used.ts';
import { RateLimiter } from './auth/rate-limiter.ts';
import type { ServerConfig } from './config.ts';
import { RequestCpuPool } from './cpu/request-cpu-pool.ts';
import { ErrorBody } from './schemas/common.ts';
import { installAuthentication } from './plugins/authentication.ts';
import { installErrorHandler, renderFrameworkError } from './plugins/error-handler.ts';
import { installBodyLimits } from './plugins/body-limits.ts';
import { installJsonBodyParser } from './plugins/json-body.ts';
import { installOpenApi } from './plugins/openapi.ts';
import { installHealthRoutes, installRequestIdHeader, type Readiness, requestIdFrom, requestIdSequence } from './plugins/operability.ts';
import { installValidation, parseQuery } from './plugins/validation.ts';
import { installAdminAudit } from './audit.ts';
import { Metrics } from './metrics.ts';
import { ROUTES } from './routes/index.ts';
import { JobProcessing, createJobServices } from './jobs/processing.ts';
import { installOauth } from './oauth/index.ts';
import type { App, Services } from './services.ts';

export interface BuildAppOptions {
  config: ServerConfig;
  storage: Storage;
  now?: () => Date;
  /** Pino logger options, or false to silence logs (tests). */
  logger?: boolean | Record<string, unknown>;
}

export interface BuiltApp {
  app: App;
  services: Services;
  readiness: Readiness;
}

/** `TRUST_PROXY=2`: the socket peer and the next hop are proxies; the entry before them is the client. */
function trustedHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/**
 * The public origin when none is configured: where this process listens, which is loopback
 * (a server on any other address must be given BOLTZ_PUBLIC_URL, config.ts).
 */
function listenOrigin(app: App): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('BOLTZ_PUBLIC_URL is required when not listening on TCP');
  const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  return `http://${address.family === 'IPv6' && host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function buildApp(options: BuildAppOptions): Promise<BuiltApp> {
  const { config, storage } = options;
  const freshRequestId = requestIdSequence();
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      // Credentials must never reach the logs.
      redact: ['req.headers["x-api-key"]', 'req.headers.authorization'],
    },
    // A hop count or a list of proxies, read right to left (config.ts).
    trustProxy: typeof config.trustProxy === 'number' ? trustedHops(config.trustProxy) : config.trustProxy,
    bodyLimit: config.bodyLimits.default,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id'], freshRequestId),
    requestIdHeader: false,
    routerOptions: { querystringParser: parseQuery, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    ajv: { customOptions: { strict: false } },
    frameworkErrors: renderFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const now = options.now ?? (() => new Date());
  const jobServices = createJobServices(config);
  const metrics = new Metrics(storage, now);
  const jobProcessing = new JobProcessing({ ...jobServices, storage, config, now, log: app.log, observer: metrics }, { runners: config.jobs.runInProcess });
  const requestCpu = new RequestCpuPool(config.requestCpu);
  const publicUrl = () => config.publicUrl ?? listenOrigin(app);
  const services: Services = {
    config,
    storage,
    authenticator: new ApiKeyAuthenticator(storage, config.keyCacheTtlMs),
    workspaceCache: new WorkspaceCache(storage, config.keyCacheTtlMs),
    lastUsed: new LastUsedTracker(storage, config.lastUsedFlushMs),
    now,
    ...jobServices,
    jobQueue: jobProcessing,
    requestCpu,
    publicUrl,
  };
  const readiness: Readiness = { shuttingDown: false };
  app.decorate('services', services);

  app.addSchema(ErrorBody);
  installRequestIdHeader(app);
  installValidation(app, requestCpu);
  installBodyLimits(app, config.bodyLimits);
  installJsonBodyParser(app, requestCpu);
  installErrorHandler(app);
  const oauth = installOauth(app, {
    storage,
    publicUrl,
    behindProxy: config.trustProxy !== false,
    signInAttempts: config.signInAttempts,
    deviceCodeAttempts: config.deviceCodeAttempts,
  });
  installAuthentication(app, {
    authenticator: services.authenticator,
    userTokens: { authenticate: async (token, organizationId) => (await oauth.userTokens()).authenticate(token, organizationId) },
    rateLimiter: new RateLimiter(config.rateLimit.max, config.rateLimit.windowSeconds),
    lastUsed: services.lastUsed,
  });
  await installOpenApi(app);
  installHealthRoutes(app, storage, readiness, () => jobServices.engines.probes());
  metrics.install(app);
  installAdminAudit(app, storage);
  for (const route of ROUTES) route(app);

  app.addHook('onReady', async () => services.lastUsed.start());
  app.addHook('preClose', async () => {
    readiness.shuttingDown = true;
  });
  app.addHook('onReady', async () => jobProcessing.start());
  app.addHook('onClose', async () => services.lastUsed.stop());
  app.addHook('onClose', async () => jobProcessing.stop());
  app.addHook('onClose', async () => requestCpu.close());
  return { app, services, readiness };
}
