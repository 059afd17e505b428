import type { Storage } from '@boltz/storage';

/**
 * `last_used_at` without a database write per request (DESIGN.md "hot paths"): uses are
 * remembered in memory and written in one transaction per flush interval and at shutdown.
 */
export class LastUsedTracker {
  /** Key id → time of its latest use in epoch milliseconds (formatted only when read or written). */
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly storage: Storage, private readonly flushIntervalMs: number) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), this.flushIntervalMs);
    this.timer.unref();
  }

  record(apiKeyId: string, atMs: number): void {
    this.pending.set(apiKeyId, atMs);
  }

  /** The not-yet-written value, so that reads are current even before a flush. */
  pendingFor(apiKeyId: string): string | undefined {
    const atMs = this.pending.get(apiKeyId);
    return atMs === undefined ? undefined : new Date(atMs).toISOString();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
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
