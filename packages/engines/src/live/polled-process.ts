import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessResult } from '../boltz/failure.ts';
import { runProcess } from '../boltz/process.ts';
import type { RunFolders } from './run-folders.ts';

export interface PolledRun {
  /** The run's persistent folder (packages/engines/src/live/run-folders.ts), where the process group is recorded. */
  folders: RunFolders;
  folder: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** How often `poll` runs while the process does. */
  pollMs: number;
  env?: NodeJS.ProcessEnv;
  logPath?: string;
}

/**
 * Runs a live engine process in its own, recorded process group and calls `poll` while it runs
 * (to commit results as their files appear). Abort ends the group (stop, lost lease, shutdown);
 * so does an error thrown by `poll` — the runner refusing a batch, an unusable output — before
 * the error propagates: no engine process outlives the attempt that started it.
 */
export async function runPolled(executable: string, args: string[], run: PolledRun, poll: () => Promise<void>): Promise<ProcessResult> {
  const local = new AbortController();
  const forward = () => local.abort();
  run.signal.addEventListener('abort', forward, { once: true });
  if (run.signal.aborted) local.abort();
  let done = false;
  const process = runProcess(executable, args, {
    cwd: run.cwd,
    env: run.env,
    timeoutMs: run.timeoutMs,
    signal: local.signal,
    logPath: run.logPath,
    onStart: (group) => run.folders.record(run.folder, group),
  }).finally(() => (done = true));
  try {
    while (!done) {
      // The pause ends with the process, so no timer outlives it.
      const pause = new AbortController();
      await Promise.race([sleep(run.pollMs, undefined, { signal: pause.signal }).catch(() => undefined), process.catch(() => undefined)]);
      pause.abort();
      if (!done) await poll();
    }
    return await process;
  } catch (error) {
    local.abort();
    await process.catch(() => undefined);
    throw error;
  } finally {
    run.signal.removeEventListener('abort', forward);
    await run.folders.released(run.folder);
  }
}
