import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '@boltz/shared';
import { readSmilesFixture } from '../../test/rdkit-oracle.ts';
import { loadRdkit } from '../rdkit-module.ts';
import { chooseExplorationBatch } from './exploration-order.ts';
import { FINGERPRINT_WORDS, FingerprintTable, morganFingerprint } from './fingerprints.ts';
import { type NeighbourGraph, buildNeighbourGraph } from './neighbour-graph.ts';

/** Of the exact k nearest neighbours with similarity ≥ threshold, the share the graph has. */
function recall(table: FingerprintTable, graph: NeighbourGraph, threshold: number): number {
  let wanted = 0;
  let found = 0;
  for (let a = 0; a < table.size; a++) {
    const exact = [];
    for (let b = 0; b < table.size; b++) if (b !== a) exact.push({ b, s: table.tanimoto(a, b) });
    exact.sort((x, y) => y.s - x.s);
    const row = new Set(graph.neighbours.subarray(a * graph.k, (a + 1) * graph.k));
    for (const { b, s } of exact.slice(0, graph.k)) {
      if (s < threshold) break;
      wanted++;
      if (row.has(b)) found++;
    }
  }
  return found / wanted;
}

/** n random fingerprints in families: each a parent's bits with a few flipped (analogue series). */
function analogueSeries(n: number, familySize: number): FingerprintTable {
  const random = seededRandom('analogues');
  const table = new FingerprintTable(n);
  let parent: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % familySize === 0) parent = Array.from({ length: 45 }, () => Math.floor(random.next() * 2048));
    const bits = parent.filter(() => random.next() > 0.15).concat(Array.from({ length: 6 }, () => Math.floor(random.next() * 2048)));
    const words = new Uint32Array(FINGERPRINT_WORDS);
    for (const bit of bits) words[bit >> 5] |= 1 << (bit & 31);
    table.set(i, words);
  }
  return table;
}

describe('fingerprints and the neighbour graph', () => {
  test('Morgan fingerprints (r = 2, 2048 bits) and Tanimoto as RDKit computes them', async () => {
    const rdkit = await loadRdkit();
    const table = new FingerprintTable(2);
    table.set(0, morganFingerprint(rdkit, 'CC(=O)Oc1ccccc1C(=O)O')!);
    table.set(1, morganFingerprint(rdkit, 'CC(=O)Oc1ccccc1C(=O)OC')!);
    // Python: DataStructs.TanimotoSimilarity of AllChem.GetMorganFingerprintAsBitVect(m, 2, 2048).
    assert.deepEqual(table.bits(0), [389, 456, 650, 695, 807, 909, 1017, 1035, 1047, 1057, 1088, 1199, 1380, 1410, 1447, 1468, 1616, 1729, 1750, 1775, 1873, 1917, 1970, 1991]);
    assert.equal(table.bitCounts[0], 24);
    assert.equal(table.tanimoto(0, 1), 2 / 3);
    assert.equal(table.tanimoto(0, 0), 1);
    assert.equal(morganFingerprint(rdkit, 'C1CC'), null);
  });

  test('on real molecules it finds most near neighbours (Tanimoto ≥ 0.5)', async () => {
    const rdkit = await loadRdkit();
    const fingerprints = [...readSmilesFixture('drug-like.smi'), ...readSmilesFixture('filter-library.smi')].flatMap((m) => morganFingerprint(rdkit, m.smiles) ?? []);
    const table = new FingerprintTable(fingerprints.length);
    fingerprints.forEach((fp, i) => table.set(i, fp));
    const graph = buildNeighbourGraph(table, { k: 10, seed: 'test' });
    assert.ok(recall(table, graph, 0.5) >= 0.85, `recall ${recall(table, graph, 0.5)}`);
    assert.deepEqual(buildNeighbourGraph(table, { k: 10, seed: 'test' }).neighbours, graph.neighbours, 'deterministic');
  });

  test('analogue series of 20,000: recall ≥ 0.9 for similarity ≥ 0.5, in near-linear time', () => {
    const table = analogueSeries(20_000, 25);
    const started = performance.now();
    const graph = buildNeighbourGraph(table, { k: 10 });
    const seconds = (performance.now() - started) / 1000;
    const sample = new FingerprintTable(2000);
    for (let i = 0; i < 2000; i++) sample.set(i, table.words.subarray(i * FINGERPRINT_WORDS, (i + 1) * FINGERPRINT_WORDS));
    const sampleGraph = buildNeighbourGraph(sample, { k: 10 });
    assert.ok(recall(sample, sampleGraph, 0.5) >= 0.9, `recall ${recall(sample, sampleGraph, 0.5)}`);
    // Every row is sorted, has no self-loop and no repeat.
    for (let i = 0; i < graph.size; i++) {
      const row = [...graph.neighbours.subarray(i * 10, i * 10 + 10)].filter((v) => v >= 0);
      assert.ok(!row.includes(i) && new Set(row).size === row.length);
      const similarities = graph.similarities.subarray(i * 10, i * 10 + row.length);
      for (let j = 1; j < similarities.length; j++) assert.ok(similarities[j - 1] >= similarities[j]);
    }
    assert.ok(seconds < 30, `${seconds} s`);
  });
});

describe('exploration order', () => {
  const table = analogueSeries(2000, 20);
  const graph = buildNeighbourGraph(table, { k: 10 });

  test('first batch explores; later batches are ~80 % neighbours of the best scorers, ~20 % elsewhere', () => {
    const state = { graph, chosen: new Uint8Array(2000), scores: new Float64Array(2000).fill(Number.NaN) };
    const first = chooseExplorationBatch(state, { batchSize: 50, seed: 'run:0' });
    assert.equal(new Set(first).size, 50);
    // Family 7 (molecules 140–159) scores best.
    for (const molecule of first) state.scores[molecule] = Math.floor(molecule / 20) === 7 ? 9 : 1;
    if (!first.some((m) => Math.floor(m / 20) === 7)) {
      state.chosen[140] = 1;
      state.scores[140] = 9;
    }
    const second = chooseExplorationBatch(state, { batchSize: 20, seed: 'run:1' });
    assert.equal(second.length, 20);
    assert.ok(second.every((m) => !first.includes(m)));
    const inBestFamily = second.filter((m) => Math.floor(m / 20) === 7).length;
    assert.ok(inBestFamily >= 10, `${inBestFamily} of 20 from the best family`);
    assert.ok(second.slice(16).every((m) => Math.floor(m / 20) !== 7), 'the last 4 (20 %) explore elsewhere');
    assert.deepEqual(chooseExplorationBatch({ ...state, chosen: state.chosen.slice() }, { batchSize: 20, seed: 'run:1' }).length, 20);
  });

  test('never repeats a molecule, failures included, and stops when all are chosen', () => {
    const state = { graph, chosen: new Uint8Array(2000), scores: new Float64Array(2000).fill(Number.NaN) };
    const seen = new Set<number>();
    for (let batch = 0; ; batch++) {
      const chosen = chooseExplorationBatch(state, { batchSize: 300, seed: `run:${batch}` });
      if (chosen.length === 0) break;
      for (const m of chosen) {
        assert.ok(!seen.has(m));
        seen.add(m);
        if (m % 7 !== 0) state.scores[m] = (m * 37) % 101; // every 7th fails: stays NaN
      }
    }
    assert.equal(seen.size, 2000);
  });
});
