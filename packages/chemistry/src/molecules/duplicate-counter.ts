/**
 * Counts repeated strings among millions without keeping them: each string is reduced to a 64-bit
 * hash (two independent 32-bit FNV-1a variants) held in an open-addressing table of 32-bit pairs,
 * 8 bytes a slot, so 5,000,000 distinct SMILES need ~80 MiB instead of the ~500 MiB a Set of the
 * strings would. Two distinct strings collide with probability ~n²/2⁶⁵ (≈ 7·10⁻⁷ for n = 5·10⁶),
 * in which case the second is miscounted as a duplicate.
 */
export class DuplicateCounter {
  private slots: Uint32Array;
  private mask: number;
  private size = 0;
  /** Strings seen before (each repeat counts once). */
  duplicates = 0;

  constructor(expectedDistinct = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, expectedDistinct * 2)));
    this.slots = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  /** True when the string was new; false (and one more duplicate) when it was seen before. */
  add(value: string): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ value.length;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    // 0/0 marks an empty slot, so the pair is kept away from it.
    h1 = (h1 ^ (h1 >>> 16)) >>> 0 || 1;
    h2 >>>= 0;
    if (added(this.slots, this.mask, h1, h2)) {
      if (++this.size * 2 > this.mask + 1) this.grow();
      return true;
    }
    this.duplicates++;
    return false;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) added(this.slots, this.mask, old[i], old[i + 1]);
  }
}

function added(slots: Uint32Array, mask: number, h1: number, h2: number): boolean {
  let slot = (h2 ^ Math.imul(h1, 0x9e3779b1)) & mask;
  for (;;) {
    const at = slot * 2;
    if (slots[at] === 0) {
      slots[at] = h1;
      slots[at + 1] = h2;
      return true;
    }
    if (slots[at] === h1 && slots[at + 1] === h2) return false;
    slot = (slot + 1) & mask;
  }
}
