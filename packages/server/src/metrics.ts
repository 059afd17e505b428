import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Storage } from '@boltz/storage';

/** How a job ended, as the runner saw it (jobs/runner.ts). */
export interface JobEnded {
  kind: string;
  /** The engine and its version that ran it (the job's `version`). */
  engine: string;
  status: 'succeeded' | 'failed';
  /** The failure's code (`engine_failed`, `validation_error`, …). */
  errorCode?: string;
  runSeconds: number;
}

export interface JobObserver {
  jobEnded(ended: JobEnded): void;
}

/**
 * Prometheus metrics of this process (docs/operations.md "Monitoring"), on `GET /metrics`:
 * requests by route and status, the job queue (read from the database when scraped, so every
 * API replica reports the same queue), jobs this process ran by family, engine and outcome,
 * engine failures, and Node's own (memory, event-loop lag, GC).
 */
export class Metrics implements JobObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status_code'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status_code'>;
  private readonly jobs: Counter<'kind' | 'engine' | 'outcome'>;
  private readonly jobSeconds: Histogram<'kind' | 'engine' | 'outcome'>;
  private readonly engineFailures: Counter<'kind' | 'engine' | 'code'>;

  constructor(storage: Storage, now: () => Date) {
    const registers = [this.registry];
    // Standard names (process_*, nodejs_*), which ready-made dashboards expect.
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'boltz_http_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['method', 'route', 'status_code'], registers });
    this.requestSeconds = new Histogram({
      name: 'boltz_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.jobs = new Counter({ name: 'boltz_jobs_finished_total', help: 'Jobs this process ran to an end, by family, engine and outcome', labelNames: ['kind', 'engine', 'outcome'], registers });
    this.jobSeconds = new Histogram({
      name: 'boltz_job_run_duration_seconds',
      help: 'Run time of the jobs this process ended (the last attempt), by family, engine and outcome',
      labelNames: ['kind', 'engine', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
      registers,
    });
    this.engineFailures = new Counter({ name: 'boltz_engine_failures_total', help: 'Jobs that ended failed, by family, engine and error code', labelNames: ['kind', 'engine', 'code'], registers });
    // One query serves both gauges of a scrape.
    const collect = () => refresh();
    const depth = new Gauge({ name: 'boltz_jobs_queued', help: 'Jobs pending or running now, by family, mode and status (from the database)', labelNames: ['kind', 'mode', 'status'], registers, collect });
    const age = new Gauge({ name: 'boltz_jobs_oldest_age_seconds', help: 'Age of the oldest pending or running job, by family, mode and status', labelNames: ['kind', 'mode', 'status'], registers, collect });
    let pending: Promise<void> | undefined;
    const refresh = () => {
      pending ??= storage.jobs
        .queueStats()
        .then((stats) => {
          depth.reset();
          age.reset();
          for (const stat of stats) {
            const labels = { kind: stat.kind, mode: stat.mode, status: stat.status };
            depth.set(labels, stat.count);
            age.set(labels, Math.max(0, (now().getTime() - Date.parse(stat.oldest)) / 1000));
          }
        })
        .finally(() => (pending = undefined));
      return pending;
    };
  }

  jobEnded(ended: JobEnded): void {
    const labels = { kind: ended.kind, engine: ended.engine, outcome: ended.status };
    this.jobs.inc(labels);
    this.jobSeconds.observe(labels, ended.runSeconds);
    if (ended.status === 'failed') this.engineFailures.inc({ kind: ended.kind, engine: ended.engine, code: ended.errorCode ?? 'unknown' });
  }

  /** Counts every answered request under its route template (bounded label values). */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? '(no route)', status_code: String(reply.statusCode) };
      this.requests.inc(labels);
      this.requestSeconds.observe(labels, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } as Record<string, unknown>, logLevel: 'warn' }, async (_request, reply) =>
      reply.type(this.registry.contentType).send(await this.registry.metrics()),
    );
  }
}
