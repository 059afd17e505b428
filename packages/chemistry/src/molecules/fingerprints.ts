import type { RdkitModule } from '../rdkit-module.ts';
import { withMolecule } from '../rdkit-module.ts';

/**
 * Morgan fingerprints (ECFP4-like: radius 2, 2048 bits; RDKit's `get_morgan_fp_as_uint8array`)
 * stored densely, 64 32-bit words (256 bytes) per molecule, and their Tanimoto similarity.
 */
export const MORGAN_RADIUS = 2;
export const FINGERPRINT_BITS = 2048;
export const FINGERPRINT_WORDS = FINGERPRINT_BITS / 32;

const MORGAN_DETAILS = JSON.stringify({ radius: MORGAN_RADIUS, nBits: FINGERPRINT_BITS });

/** The molecule's fingerprint as 64 words (bit i of the fingerprint is bit i % 32 of word i / 32), or null for invalid SMILES. */
export function morganFingerprint(rdkit: RdkitModule, smiles: string): Uint32Array | null {
  return withMolecule(rdkit, smiles, (mol) => {
    const bytes = mol.get_morgan_fp_as_uint8array(MORGAN_DETAILS) as Uint8Array;
    const words = new Uint32Array(FINGERPRINT_WORDS);
    // RDKit gives one byte per 8 bits, bit 0 first (little-endian within the byte).
    for (let i = 0; i < bytes.length; i++) words[i >> 2] |= bytes[i] << ((i & 3) * 8);
    return words;
  });
}

/** n fingerprints in one array, with their bit counts. */
export class FingerprintTable {
  readonly words: Uint32Array;
  readonly bitCounts: Uint16Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array(size * FINGERPRINT_WORDS);
    this.bitCounts = new Uint16Array(size);
  }

  set(index: number, fingerprint: Uint32Array): void {
    this.words.set(fingerprint, index * FINGERPRINT_WORDS);
    let count = 0;
    for (const word of fingerprint) count += popcount(word);
    this.bitCounts[index] = count;
  }

  /** |A ∩ B| / |A ∪ B|; 0 when both are empty. */
  tanimoto(a: number, b: number): number {
    const words = this.words;
    let common = 0;
    for (let i = 0, x = a * FINGERPRINT_WORDS, y = b * FINGERPRINT_WORDS; i < FINGERPRINT_WORDS; i++) common += popcount(words[x + i] & words[y + i]);
    const union = this.bitCounts[a] + this.bitCounts[b] - common;
    return union === 0 ? 0 : common / union;
  }

  /** The indexes of the set bits of fingerprint `index`. */
  bits(index: number): number[] {
    return fingerprintBits(this.words.subarray(index * FINGERPRINT_WORDS, (index + 1) * FINGERPRINT_WORDS));
  }
}

/** The indexes of the set bits of a fingerprint's words. */
export function fingerprintBits(words: Uint32Array): number[] {
  const bits: number[] = [];
  for (let w = 0; w < words.length; w++) {
    let word = words[w];
    while (word !== 0) {
      const low = word & -word;
      bits.push(w * 32 + 31 - Math.clz32(low));
      word ^= low;
    }
  }
  return bits;
}

export function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
