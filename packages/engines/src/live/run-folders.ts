import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Persistent folders of live pipeline runs, `<root>/<run id>/`: unlike the runner's per-attempt
 * scratch folder they outlive a stop, a lost lease or a server crash, so a resumed run reruns its
 * unfinished chunk in place and the engine skips what exists (BoltzGen `--reuse`, `boltz predict`
 * without `--override`, the executable contract's rerun rule).
 *
 * While an engine process runs, `engine.pid` records its process group and the server process
 * that started it. A server killed with SIGKILL cannot end its engine processes; whoever next
 * prepares the run (the runner that takes it over) ends the recorded group first, and every
 * start-up ends the groups of server processes that are gone (`endOrphanedEngines`).
 */
const PID_FILE = 'engine.pid';

interface PidRecord {
  processGroup: number;
  owner: number;
}

/** Whether a process exists (EPERM: it does, but belongs to another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function endGroup(processGroup: number): void {
  try {
    process.kill(-processGroup, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function readRecord(folder: string): Promise<PidRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(folder, PID_FILE), 'utf8')) as PidRecord;
    return Number.isInteger(record.processGroup) && record.processGroup > 1 ? record : undefined;
  } catch {
    return undefined;
  }
}

export class RunFolders {
  constructor(readonly root: string) {}

  folder(runId: string): string {
    return join(this.root, runId);
  }

  /** The run's folder, created if needed, with any engine process an earlier attempt left behind ended. */
  async prepare(runId: string): Promise<string> {
    const folder = this.folder(runId);
    await mkdir(folder, { recursive: true });
    const record = await readRecord(folder);
    if (record) endGroup(record.processGroup);
    await rm(join(folder, PID_FILE), { force: true });
    return folder;
  }

  /** Records a started engine process group, synchronously (before anything can kill this server) and whole (temp file, then rename). */
  record(folder: string, processGroup: number): void {
    const temp = join(folder, `${PID_FILE}.tmp`);
    writeFileSync(temp, JSON.stringify({ processGroup, owner: process.pid } satisfies PidRecord));
    renameSync(temp, join(folder, PID_FILE));
  }

  async released(folder: string): Promise<void> {
    await rm(join(folder, PID_FILE), { force: true });
  }

  /** A finished run's folder is removed; a stopped one is kept for resume. */
  async remove(runId: string): Promise<void> {
    await rm(this.folder(runId), { recursive: true, force: true });
  }

  /** At start-up: ends the engine process groups of server processes that no longer exist; returns how many. */
  async endOrphanedEngines(): Promise<number> {
    let ended = 0;
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return 0;
    }
    for (const name of names) {
      const record = await readRecord(join(this.root, name));
      if (!record || record.owner === process.pid || processIsAlive(record.owner)) continue;
      endGroup(record.processGroup);
      await rm(join(this.root, name, PID_FILE), { force: true });
      ended++;
    }
    return ended;
  }
}
