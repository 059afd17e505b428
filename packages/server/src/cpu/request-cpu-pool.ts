import { Piscina } from 'piscina';
import type { JobKind } from '@boltz/shared';
import type { PriceTable, Quote } from '../billing/prices.ts';
import type { ParsedJson } from '../plugins/json-text.ts';
import type { DecodedFile } from '../files/base64-file.ts';
import { bufferOf } from '@boltz/shared';
import type { CheckAndQuoteResult, CheckAndQuoteTask, CompileValidatorTask, DecodeFileTask, ParseJsonTask, SniffFileTask, TimedTask } from './request-tasks.ts';

/**
 * Worker threads for the CPU work of requests (DESIGN.md: the event loop serves requests only):
 * RDKit parsing in request validation and quoting, and the parsing of large JSON bodies. Each
 * task has a time limit, counted from when it starts running, and each thread a heap limit;
 * a task over either is stopped (its thread replaced) and reported as CpuLimitExceeded. A task
 * that cannot start in time because every thread is busy is reported as CpuPoolSaturated.
 * Job work (the engines) has pools of its own, so jobs never starve request validation.
 */
export interface RequestCpuLimits {
  /** BOLTZ_REQUEST_WORKERS */
  threads: number;
  /**
   * BOLTZ_REQUEST_TASK_TIMEOUT_MS: longest a validation task may run once started. Its cost
   * depends on what the input holds (RDKit on one SMILES can take minutes), not on its size.
   */
  taskTimeoutMs: number;
  /** BOLTZ_REQUEST_TASK_MEMORY_MB: V8 heap limit of each worker thread. */
  taskMemoryMb: number;
}

/**
 * Tasks waiting per thread before new ones are turned away at once (503): far more than bursts
 * of ordinary requests queue (a hundred concurrent starts), few enough to bound what waits.
 */
const QUEUE_PER_THREAD = 512;
/**
 * Longest a task may wait for a thread, a new thread's start-up included (loading its modules
 * and RDKit takes seconds on a busy host), before its request is answered 503.
 */
const START_DEADLINE_MS = 45_000;
/** How often a queued task is checked for having started (its time limit runs from then). */
const START_POLL_MS = 50;

/**
 * Time limit of the tasks whose cost only grows with bytes that the body limits already cap
 * (parsing, base64 decoding, sniffing): a safety net, not a policy a client meets.
 */
const BYTES_TASK_TIMEOUT_MS = 30_000;
/** Bytes of a streamed file input a check may take a millisecond for, beyond its base time limit. */
const STREAMED_BYTES_PER_MS = 10_000;

export class CpuLimitExceeded extends Error {
  constructor(
    readonly limit: 'time' | 'memory',
    readonly timeoutMs: number,
    readonly memoryMb: number,
  ) {
    super(limit === 'time' ? `took more than ${timeoutMs} ms of CPU time` : `needed more than ${memoryMb} MB of memory`);
  }
}

export class CpuPoolSaturated extends Error {
  constructor() {
    super('every request worker is busy');
  }
}

/**
 * The worker module beside this file: request-tasks.js once compiled; from the TypeScript
 * sources, a shim that first registers tsx in the worker thread (request-tasks-tsx.mjs).
 */
function workerFilename(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? './request-tasks-tsx.mjs' : './request-tasks.js', import.meta.url).href;
}

export class RequestCpuPool {
  private readonly pool: Piscina;

  constructor(private readonly limits: RequestCpuLimits) {
    this.pool = new Piscina({
      filename: workerFilename(),
      minThreads: 1,
      maxThreads: limits.threads,
      maxQueue: limits.threads * QUEUE_PER_THREAD,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: limits.taskMemoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.ceil(limits.taskMemoryMb / 8)) },
    });
    // A worker loads its modules and RDKit in seconds, many on a busy host: start one now
    // rather than on the first request (which would wait for it).
    this.pool.run(undefined, { name: 'warmUp' }).catch(() => {});
  }

  /** JSON text → value, with the depth limit and NUL search of plugins/json-text.ts. */
  parseJson(bytes: Buffer): Promise<ParsedJson> {
    // The bytes move to the worker rather than being copied when they own their memory.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const view = owned ? bytes : Uint8Array.prototype.slice.call(bytes);
    return this.run<ParseJsonTask, ParsedJson>('parseJsonBody', BYTES_TASK_TIMEOUT_MS, (clock) => ({ clock, bytes: view }), [view.buffer as ArrayBuffer]);
  }

  /** A route schema compiled to Ajv's standalone code (plugins/validation.ts). */
  compileValidator(schema: unknown, forParameters: boolean): Promise<string> {
    return this.run<CompileValidatorTask, string>('compileValidator', BYTES_TASK_TIMEOUT_MS, (clock) => ({ clock, schema, forParameters }));
  }

  /** The time limit grows with streamed files (an explore library is read at no less than 10 MB/s). */
  checkAndQuote(kind: JobKind, input: unknown, files: CheckAndQuoteTask['files'], prices: PriceTable): Promise<CheckAndQuoteResult> {
    const streamedBytes = files.reduce((total, file) => total + ('size' in file ? file.size : 0), 0);
    const timeoutMs = this.limits.taskTimeoutMs + Math.ceil(streamedBytes / STREAMED_BYTES_PER_MS);
    return this.run<CheckAndQuoteTask, CheckAndQuoteResult>('checkAndQuote', timeoutMs, (clock) => ({ clock, kind, input, files, prices }));
  }

  /** A base64 file input decoded, size-checked and sniffed against its declared media type. */
  async decodeFile(data: string, mediaType: string, maxBytes: number): Promise<DecodedFile> {
    const decoded = await this.run<DecodeFileTask, DecodedFile>('decodeFile', BYTES_TASK_TIMEOUT_MS, (clock) => ({ clock, data, mediaType, maxBytes }));
    return decoded.ok ? { ok: true, bytes: bufferOf(decoded.bytes) } : decoded;
  }

  /** The first of `allowedMediaTypes` whose shape the bytes have (shared with the worker when in shared memory). */
  sniffFile(bytes: Buffer, allowedMediaTypes: string[]): Promise<string | undefined> {
    return this.run<SniffFileTask, string | undefined>('sniffFile', BYTES_TASK_TIMEOUT_MS, (clock) => ({ clock, bytes, allowedMediaTypes }));
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async run<T extends TimedTask, R>(name: string, timeoutMs: number, task: (clock: Float64Array) => T, transferList?: ArrayBuffer[]): Promise<R> {
    const clock = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
    const abort = new AbortController();
    const queuedAt = Date.now();
    let stopped: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    // Before the task starts, its deadline is the longest wait; once it runs, its time limit.
    const watch = () => {
      const startedAt = clock[0];
      const deadline = startedAt ? startedAt + timeoutMs : queuedAt + START_DEADLINE_MS;
      const left = deadline - Date.now();
      if (left > 0) {
        // A waiting task may start at any moment: look again soon, to time it from then.
        timer = setTimeout(watch, startedAt ? left : Math.min(left, START_POLL_MS));
        return;
      }
      stopped = startedAt ? new CpuLimitExceeded('time', timeoutMs, this.limits.taskMemoryMb) : new CpuPoolSaturated();
      abort.abort(stopped);
    };
    timer = setTimeout(watch, START_POLL_MS);
    try {
      return (await this.pool.run(task(clock), { name, signal: abort.signal, transferList })) as R;
    } catch (error) {
      if (stopped) throw stopped;
      const { code, message } = error as { code?: string; message?: string };
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') throw new CpuLimitExceeded('memory', timeoutMs, this.limits.taskMemoryMb);
      if (message === 'Task queue is at limit') throw new CpuPoolSaturated();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
