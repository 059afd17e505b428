import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * A pool of worker threads for the engines' CPU work (spec: the event loop only serves
 * requests). Generic: a task is a module (its URL) and the name of a function it exports,
 * called with one structured-cloneable argument; so the pipelines' test engines can submit
 * their own task modules next to ./synthetic/tasks.ts.
 *
 * Limits: at most `threads` tasks run at once (default: all cores but one, at least one), the
 * rest queue; each worker's heap is capped (`maxHeapMb`); aborting a task's signal terminates
 * its worker. Idle workers exit after `idleTimeoutMs` and never keep the process alive.
 */
export interface WorkerTask {
  module: URL;
  name: string;
}

export interface WorkerPool {
  run<Result>(task: WorkerTask, argument: unknown, signal?: AbortSignal): Promise<Result>;
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  threads?: number;
  maxHeapMb?: number;
  idleTimeoutMs?: number;
}

/**
 * Workers inherit the process's flags (`--import tsx` under the test runner) but not loader hooks
 * registered at run time, which is how `boltz-server` runs its TypeScript sources: when this
 * module itself runs from source, workers load tsx on their own.
 */
function workerExecArgv(): string[] | undefined {
  if (!import.meta.url.endsWith('.ts') || process.execArgv.some((flag) => flag.includes('tsx'))) return undefined;
  return [...process.execArgv, `--import=${import.meta.resolve('tsx')}`];
}

export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const execArgv = workerExecArgv();
  const piscina = new Piscina({
    ...(execArgv ? { execArgv } : {}),
    maxThreads: options.threads ?? Math.max(1, availableParallelism() - 1),
    minThreads: 0,
    idleTimeout: options.idleTimeoutMs ?? 30_000,
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
  });
  return {
    run: (task, argument, signal) => piscina.run(argument, { filename: task.module.href, name: task.name, ...(signal ? { signal } : {}) }),
    close: () => piscina.destroy(),
  };
}

/**
 * A module next to `base` (pass `import.meta.url`), with the caller's own extension: `.ts` when
 * running from source under tsx (workers inherit its loader), `.js` once compiled.
 */
export function siblingModule(relativePath: string, base: string): URL {
  const extension = new URL(base).pathname.match(/\.[cm]?[jt]s$/)?.[0] ?? '.js';
  return new URL(`${relativePath}${extension}`, base);
}

let shared: WorkerPool | undefined;

/** One pool per process for callers that are not handed one (created on first use). */
export function sharedWorkerPool(): WorkerPool {
  shared ??= createWorkerPool();
  return shared;
}
