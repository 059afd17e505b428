import type { Storage } from '@boltz/storage';

/**
 * `last_used_at` without a database write per request (DESIGN.md "hot paths"): uses are
 * remembered in memory and written in one transaction per flush interval and at shutdown.
 */
export class LastUsedTracker {
  /** Key id → time of its latest use in epoch milliseconds (formatted only when read or written). */
  private pending = new Map<string, number>();
  /**
   * The batch being written, kept until the next flush: a read that began before its commit
   * returns the older stored value, and `pendingFor` must still supply the newer one.
   */
  private lastBatch = new Map<string, number>();
  /** Flushes run one after another (the interval and shutdown may overlap). */
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly storage: Storage, private readonly flushIntervalMs: number) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), this.flushIntervalMs);
    this.timer.unref();
  }

  record(apiKeyId: string, atMs: number): void {
    this.pending.set(apiKeyId, atMs);
  }

  /**
   * The latest use this process has seen that a read of the database may not show yet; the
   * caller shows the later of it and the stored value (another replica may have a later one).
   */
  pendingFor(apiKeyId: string): string | undefined {
    const atMs = this.pending.get(apiKeyId) ?? this.lastBatch.get(apiKeyId);
    return atMs === undefined ? undefined : new Date(atMs).toISOString();
  }

  flush(): Promise<void> {
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => {});
    return run;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.lastBatch = batch;
    try {
      await this.storage.apiKeys.recordLastUsed(new Map([...batch].map(([id, atMs]) => [id, new Date(atMs).toISOString()])));
    } catch (error) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
