/**
 * Database records a replica keeps for a few seconds (`KEY_CACHE_TTL_MS`) so that hot reads —
 * an API key on every request, a workspace on its GET — cost no query. A change made on this
 * replica removes its entry at once; other replicas see it when the entry expires. Bounded: the
 * least recently stored entry goes first. A TTL of 0 keeps nothing.
 */
export class RecordCache<V> {
  private readonly entries = new Map<string, { value: V; cachedUntil: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (hit && hit.cachedUntil > now) return hit.value;
    if (hit) this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, now: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, cachedUntil: now + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
