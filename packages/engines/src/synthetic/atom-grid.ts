import type { Vec3 } from './vector.ts';

/**
 * A spatial hash of placed atoms for clash and contact queries in O(1) per atom: cubic cells
 * hashed into a fixed bucket table, each bucket a linked list through `next`. Atoms are removed
 * only in the reverse order of insertion (`truncate`), which is all that trial placement and
 * backtracking need, and which keeps removal O(1): the newest atom is always its bucket's head.
 *
 * Each atom carries a `group` (e.g. a residue's global index): queries can skip atoms of chosen
 * groups, such as a residue's own atoms and its bonded neighbour.
 */
const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

export class AtomGrid {
  private readonly heads = new Int32Array(1 << TABLE_BITS).fill(-1);
  private next: Int32Array;
  private coords: Float64Array;
  private groups: Int32Array;
  private buckets: Int32Array;
  private count = 0;
  private readonly seenBuckets = new Int32Array(27);

  constructor(
    private readonly cellSize: number,
    capacity = 1024,
  ) {
    this.next = new Int32Array(capacity);
    this.coords = new Float64Array(capacity * 3);
    this.groups = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  private bucketOf(ix: number, iy: number, iz: number): number {
    return (Math.imul(ix, 73856093) ^ Math.imul(iy, 19349663) ^ Math.imul(iz, 83492791)) & TABLE_MASK;
  }

  private grow(): void {
    const capacity = this.next.length * 2;
    const resize = <T extends Int32Array | Float64Array>(array: T, size: number): T => {
      const bigger = new (array.constructor as new (n: number) => T)(size);
      bigger.set(array);
      return bigger;
    };
    this.next = resize(this.next, capacity);
    this.coords = resize(this.coords, capacity * 3);
    this.groups = resize(this.groups, capacity);
    this.buckets = resize(this.buckets, capacity);
  }

  add(position: Vec3, group: number): number {
    if (this.count === this.next.length) this.grow();
    const i = this.count++;
    const s = this.cellSize;
    const bucket = this.bucketOf(Math.floor(position[0] / s), Math.floor(position[1] / s), Math.floor(position[2] / s));
    this.coords[i * 3] = position[0];
    this.coords[i * 3 + 1] = position[1];
    this.coords[i * 3 + 2] = position[2];
    this.groups[i] = group;
    this.buckets[i] = bucket;
    this.next[i] = this.heads[bucket];
    this.heads[bucket] = i;
    return i;
  }

  /** Removes the atoms added after the first `size` (newest first). */
  truncate(size: number): void {
    while (this.count > size) {
      const i = --this.count;
      this.heads[this.buckets[i]] = this.next[i];
    }
  }

  /**
   * Calls `visit(index, squaredDistance, group)` for every atom within `radius` (≤ the cell
   * size) of `position`; stops early when `visit` returns true, and then returns true.
   */
  forEachNear(position: Vec3, radius: number, visit: (index: number, distanceSquared: number, group: number) => boolean | void): boolean {
    const [x, y, z] = position;
    const r2 = radius * radius;
    const buckets = this.neighbourBuckets(position);
    for (let k = 0; k < buckets; k++) {
      for (let i = this.heads[this.seenBuckets[k]]; i >= 0; i = this.next[i]) {
        const d2 = (this.coords[i * 3] - x) ** 2 + (this.coords[i * 3 + 1] - y) ** 2 + (this.coords[i * 3 + 2] - z) ** 2;
        if (d2 <= r2 && visit(i, d2, this.groups[i]) === true) return true;
      }
    }
    return false;
  }

  /** The distinct buckets of the 27 cells around `position`, into `seenBuckets`; returns how many (two cells can share a bucket). */
  private neighbourBuckets(position: Vec3): number {
    const s = this.cellSize;
    const cx = Math.floor(position[0] / s);
    const cy = Math.floor(position[1] / s);
    const cz = Math.floor(position[2] / s);
    let count = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          const bucket = this.bucketOf(cx + dx, cy + dy, cz + dz);
          let repeated = false;
          for (let k = 0; k < count; k++) repeated ||= this.seenBuckets[k] === bucket;
          if (!repeated) this.seenBuckets[count++] = bucket;
        }
      }
    }
    return count;
  }

  /**
   * True when an atom lies closer than its kind's limit: atoms are of kind `group & kindMask`,
   * `squaredLimits[kind]` is the squared minimum distance to that kind, and atoms whose group
   * lies in [skipFrom, skipTo] are ignored. Every limit is at most the cell size.
   * (The hot path of structure building: written without callbacks.)
   */
  clashes(position: Vec3, squaredLimits: ArrayLike<number>, kindMask: number, skipFrom: number, skipTo: number): boolean {
    const [x, y, z] = position;
    const buckets = this.neighbourBuckets(position);
    for (let k = 0; k < buckets; k++) {
      for (let i = this.heads[this.seenBuckets[k]]; i >= 0; i = this.next[i]) {
        const group = this.groups[i];
        if (group >= skipFrom && group <= skipTo) continue;
        const d2 = (this.coords[i * 3] - x) ** 2 + (this.coords[i * 3 + 1] - y) ** 2 + (this.coords[i * 3 + 2] - z) ** 2;
        if (d2 < squaredLimits[group & kindMask]) return true;
      }
    }
    return false;
  }

  /** Squared distance to the nearest atom within `radius` (≤ the cell size), or Infinity. */
  nearestSquared(position: Vec3, radius: number): number {
    let best = Infinity;
    this.forEachNear(position, radius, (_i, d2) => {
      if (d2 < best) best = d2;
    });
    return best;
  }

  /** Atoms within `radius` (≤ the cell size) of `position`. */
  countNear(position: Vec3, radius: number): number {
    return this.countWithin(position, radius * radius);
  }

  private countWithin(position: Vec3, squaredRadius: number): number {
    const [x, y, z] = position;
    const buckets = this.neighbourBuckets(position);
    let n = 0;
    for (let k = 0; k < buckets; k++) {
      for (let i = this.heads[this.seenBuckets[k]]; i >= 0; i = this.next[i]) {
        const d2 = (this.coords[i * 3] - x) ** 2 + (this.coords[i * 3 + 1] - y) ** 2 + (this.coords[i * 3 + 2] - z) ** 2;
        if (d2 <= squaredRadius) n++;
      }
    }
    return n;
  }
}
