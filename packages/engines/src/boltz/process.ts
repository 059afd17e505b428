import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { ProcessResult } from './failure.ts';

/**
 * Runs one `boltz predict` in its own process group (Boltz starts data-loader workers), so a
 * timeout or an abort can end the whole group: SIGTERM first, SIGKILL after a grace period.
 * Output is kept as a bounded tail for failure classification and optionally written in full
 * to `logPath` (spec/ENGINE.md §7: keep the full log on the engine host).
 */
export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  logPath?: string;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** Environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called with the process group id once started (pipeline engines record it to clean up after a crash). */
  onStart?: (processGroup: number) => void;
}

const TAIL_BYTES = 64 * 1024;

export function runProcess(executable: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) options.onStart?.(child.pid);
    const log = options.logPath ? createWriteStream(options.logPath) : undefined;
    let tail = '';
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const collect = (chunk: Buffer) => {
      log?.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 10_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      log?.end();
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      // Workers left behind by a crashed parent must not keep the GPU.
      if (timedOut || aborted) killGroup('SIGKILL');
      log?.end();
      resolve({ exitCode, timedOut, aborted, log: tail });
    });
  });
}
