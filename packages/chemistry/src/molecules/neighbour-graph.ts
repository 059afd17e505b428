import { type Random, seededRandom } from '@boltz/shared';
import { FINGERPRINT_BITS, type FingerprintTable } from './fingerprints.ts';

/**
 * An approximate k-nearest-neighbour graph by Tanimoto similarity, for explore's
 * `building_graph` phase (PIPELINE-ENGINES.md §4.6). Exact all pairs costs n² similarities
 * (2.5·10¹³ for 5,000,000 molecules); this costs about n·bands·window.
 *
 * Method: MinHash locality-sensitive hashing (Broder 1997; Indyk & Motwani 1998). Tanimoto on
 * bit sets is their Jaccard index, and two sets share a MinHash value with probability equal to
 * it. Each molecule gets `bands × rowsPerBand` MinHash values of its set bits; molecules whose
 * values agree on all rows of some band share that band's bucket, which happens with probability
 * 1 − (1 − s^rows)^bands for similarity s (defaults 8 × 2: 0.53 at s = 0.3, 0.90 at 0.5, 0.99 at
 * 0.7), so near neighbours meet and far ones rarely do. Within a bucket (in random order) each
 * molecule is compared exactly with the next `window` members, which bounds the work of the
 * huge buckets that common scaffolds make; the k most similar found are kept. Measured recall
 * against exact search: neighbour-graph.test.ts.
 */
export interface NeighbourGraph {
  size: number;
  k: number;
  /** Row i (i·k … i·k + k − 1): i's neighbours, most similar first; −1 past the last one found. */
  neighbours: Int32Array;
  similarities: Float32Array;
}

export interface NeighbourGraphOptions {
  k?: number;
  bands?: number;
  rowsPerBand?: number;
  window?: number;
  /** Seeds the hash functions and bucket orders (e.g. the run id): same input, same graph. */
  seed?: string;
}

export function buildNeighbourGraph(table: FingerprintTable, options: NeighbourGraphOptions = {}): NeighbourGraph {
  const { k = 10, bands = 8, rowsPerBand = 2, window = 8, seed = 'neighbour-graph' } = options;
  const n = table.size;
  const random = seededRandom(seed);
  const hashes = bands * rowsPerBand;
  const signatures = minHashSignatures(table, Array.from({ length: hashes }, () => permutation(FINGERPRINT_BITS, random)));
  const graph: NeighbourGraph = { size: n, k, neighbours: new Int32Array(n * k).fill(-1), similarities: new Float32Array(n * k) };
  const keys = new Uint32Array(n);
  for (let band = 0; band < bands; band++) {
    for (let i = 0; i < n; i++) {
      let key = 0x811c9dc5;
      for (let row = 0; row < rowsPerBand; row++) key = Math.imul(key ^ signatures[i * hashes + band * rowsPerBand + row], 0x01000193);
      keys[i] = key >>> 0;
    }
    const order = sortedByKey(keys, permutation(n, random));
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && keys[order[end]] === keys[order[start]]) end++;
      for (let p = start; p < end; p++) {
        for (let q = p + 1; q < Math.min(end, p + 1 + window); q++) {
          const a = order[p];
          const b = order[q];
          const similarity = table.tanimoto(a, b);
          offer(graph, a, b, similarity);
          offer(graph, b, a, similarity);
        }
      }
      start = end;
    }
  }
  return graph;
}

/** Puts `candidate` among `node`'s k best (most similar first) unless it is there or worse than all. */
function offer(graph: NeighbourGraph, node: number, candidate: number, similarity: number): void {
  const { k, neighbours, similarities } = graph;
  const row = node * k;
  if (neighbours[row + k - 1] !== -1 && similarities[row + k - 1] >= similarity) return;
  for (let i = row; i < row + k; i++) if (neighbours[i] === candidate) return;
  let at = row + k - 1;
  while (at > row && (neighbours[at - 1] === -1 || similarities[at - 1] < similarity)) {
    neighbours[at] = neighbours[at - 1];
    similarities[at] = similarities[at - 1];
    at--;
  }
  neighbours[at] = candidate;
  similarities[at] = similarity;
}

function minHashSignatures(table: FingerprintTable, permutations: Uint32Array[]): Uint32Array {
  const hashes = permutations.length;
  const signatures = new Uint32Array(table.size * hashes);
  for (let i = 0; i < table.size; i++) {
    const bits = table.bits(i);
    for (let h = 0; h < hashes; h++) {
      const permuted = permutations[h];
      // An empty fingerprint gets a value no set bit can have, so empties bucket together.
      let min = FINGERPRINT_BITS;
      for (const bit of bits) if (permuted[bit] < min) min = permuted[bit];
      signatures[i * hashes + h] = min;
    }
  }
  return signatures;
}

/** A uniformly random permutation of 0 … n − 1 (Fisher–Yates). */
export function permutation(n: number, random: Random): Uint32Array {
  const items = new Uint32Array(n);
  for (let i = 0; i < n; i++) items[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items;
}

/** `items` stably sorted by keys[item]: two 16-bit counting-sort passes, O(n). */
function sortedByKey(keys: Uint32Array, items: Uint32Array): Uint32Array {
  let from: Uint32Array = items;
  let to: Uint32Array = new Uint32Array(items.length);
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (const item of from) counts[((keys[item] >>> shift) & 0xffff) + 1]++;
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    for (const item of from) to[counts[(keys[item] >>> shift) & 0xffff]++] = item;
    [from, to] = [to, from];
  }
  return from;
}
