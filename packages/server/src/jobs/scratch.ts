import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from '@boltz/engines';

/**
 * Scratch folders of job runs, named after the process that made them
 * (`boltz-run-<pid>-<job id>-XXXXXX` in the OS temporary folder), so that after a crash the next
 * start on the host can tell its leftovers from folders that live runs still use.
 */
const PREFIX = 'boltz-run-';

export function makeScratchFolder(jobId: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-${jobId}-`));
}

/** Removes the scratch folders of processes that are gone (killed mid-run); returns how many. */
export async function removeOrphanedScratchFolders(): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpdir())) {
    const pid = Number(/^boltz-run-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processIsAlive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
