import { createHash } from 'node:crypto';

/**
 * A keyed pseudo-random permutation of [0, size), for any size (BigInt): a balanced Feistel
 * network over the smallest even power of two ≥ size, with cycle-walking back into the range.
 * Test-mode engines use it to draw the k-th of `size` possibilities so that different k never
 * draw the same one — distinct without remembering what was drawn, deterministic per key, and
 * as scattered as random draws. Cycle-walking costs at most four network passes on average.
 */
export class KeyedPermutation {
  private readonly halfBits: bigint;
  private readonly halfMask: bigint;
  private readonly roundBytes: number;

  constructor(
    private readonly key: string,
    readonly size: bigint,
  ) {
    if (size < 1n) throw new RangeError('a permutation needs a non-empty range');
    const bits = Math.max(2, (size - 1n).toString(2).length);
    const half = Math.ceil(bits / 2);
    this.halfBits = BigInt(half);
    this.halfMask = (1n << this.halfBits) - 1n;
    this.roundBytes = Math.ceil(half / 8);
  }

  /** The image of `index` (0 ≤ index < size). */
  at(index: bigint): bigint {
    if (index < 0n || index >= this.size) throw new RangeError(`${index} is outside the permutation's range of ${this.size}`);
    let value = this.encrypt(index);
    while (value >= this.size) value = this.encrypt(value);
    return value;
  }

  private encrypt(value: bigint): bigint {
    let left = value >> this.halfBits;
    let right = value & this.halfMask;
    for (let round = 0; round < 4; round++) [left, right] = [right, left ^ this.round(round, right)];
    return (left << this.halfBits) | right;
  }

  /** The round function: SHA-256 of (key, round, input), stretched by a counter to half a block. */
  private round(round: number, input: bigint): bigint {
    const chunks: Buffer[] = [];
    for (let counter = 0; chunks.length * 32 < this.roundBytes; counter++) {
      chunks.push(createHash('sha256').update(`${this.key}\u0000${round}\u0000${counter}\u0000${input.toString(16)}`).digest());
    }
    return BigInt(`0x${Buffer.concat(chunks).subarray(0, this.roundBytes).toString('hex')}`) & this.halfMask;
  }
}
