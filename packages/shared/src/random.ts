import { createHash } from 'node:crypto';

/**
 * A seeded PRNG for test-mode values that must be the same on every run (e.g. keyed by run id
 * and result index). packages/engines/src/synthetic/random.ts has the same generator; it can
 * re-export this one.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
}

/** sfc32 (Small Fast Chaotic, from PractRand): 128-bit state, passes BigCrush. */
export function seededRandom(...seedParts: string[]): Random {
  const digest = createHash('sha256').update(seedParts.join('\0')).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  return { next, between: (min, max) => min + (max - min) * next() };
}
