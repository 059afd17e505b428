import assert from 'node:assert/strict';
import { compileMoleculeFilters, generateDrugLikeMolecule, loadChemistry, loadRdkit } from '@boltz/chemistry';
import { after, test } from 'node:test';
import { createMemoryResultFiles, createSyntheticExploreEngine, createWorkerPool, EXPLORE_LIBRARY_PATH } from '../src/index.ts';
import type { JobInput, PipelineRun, ResultBatch, ResultSink } from '../src/index.ts';

/**
 * The test-mode explore engine on its own (spec/PIPELINE-ENGINES.md §4.6): selection guided by the
 * neighbour graph must find more of a library's best molecules than screening the same number
 * at random, and a run must be a deterministic function of its id and input.
 */
const pool = createWorkerPool({ threads: 2 });
after(() => pool.close());

/** A combinatorial library like the make-on-demand spaces explore is for: analogue series from shared building blocks. */
async function combinatorialLibrary(size: number): Promise<string[]> {
  const [chemistry, rdkit] = await Promise.all([loadChemistry(), loadRdkit()]);
  const filters = compileMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: 'disabled' }, 'disabled');
  const taken = new Set<string>();
  for (let index = 0; taken.size < size; index++) {
    taken.add(generateDrugLikeMolecule({ chemistry, filters, runId: 'explore-library', resultIndex: index, isTaken: (s) => taken.has(s) }).canonicalSmiles);
  }
  filters.dispose();
  return [...taken];
}
const smiles = await combinatorialLibrary(1000);
const library = Buffer.from(['smiles', ...smiles].join('\n') + '\n');
const target = {
  entities: [{ type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQHDFSAGEGLYTHMKALRPDEDRLSPLHSVYVDQWDWERVMGDGERQFSTLKSTVEAIWAGIKATEAAVSEEFGLAPFLPDQIHFVHSQELLSRYPDLDAKGRERAIAKDLGAVFLVGIGGKLSDGHRHDVRAPDYDDWUAVTHSLLTAG'.replace('U', 'S') }],
};

async function explore(runId: string, budget: number) {
  const engine = createSyntheticExploreEngine({ timing: { batchSize: 10, intervalMs: 0 }, pool });
  const batches: Array<ResultBatch<'small_molecule_explore'>> = [];
  const sink: ResultSink<'small_molecule_explore'> = { files: createMemoryResultFiles(), commit: async (batch) => void batches.push(batch) };
  const input = { budget, library: { format: 'csv', source: { type: 'base64', data: '', media_type: 'text/csv' } }, target } as unknown as JobInput<'small_molecule_explore'>;
  const run: PipelineRun<'small_molecule_explore'> = {
    id: runId,
    kind: 'small_molecule_explore',
    livemode: false,
    input,
    inputFiles: new Map([[EXPLORE_LIBRARY_PATH, { data: library, mediaType: 'text/csv' }]]),
    workDir: '/nonexistent',
    resultCount: 0,
    checkpoint: null,
    progress: null,
  };
  const outcome = await engine.run(run, sink, new AbortController().signal);
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  return { batches, rows: batches.flatMap((batch) => batch.results) };
}

test('neighbour-guided selection finds more of the best molecules than random screening, deterministically', async () => {
  const all = await explore('sm_exp_landscape', smiles.length);
  const size = all.batches.at(-1)!.progress.library_size!;
  assert.equal(all.rows.length, size, 'a budget of the whole library scores all of it');
  const score = new Map(all.rows.map((row) => [row.smiles, row.metrics.optimization_score]));
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]);
  const best = new Set(ranked.slice(0, Math.round(size * 0.05)).map(([s]) => s));

  const budget = Math.round(size * 0.15);
  const guided = await explore('sm_exp_landscape', budget);
  assert.equal(guided.rows.length, budget);
  assert.deepEqual(guided.batches.map((b) => b.progress.phase), ['building_graph', 'scoring', ...Array(guided.batches.length - 2).fill('scoring')]);
  const found = guided.rows.filter((row) => best.has(row.smiles)).length;
  const randomExpectation = best.size * (budget / size);
  assert.ok(found >= 2 * randomExpectation, `found ${found} of the top ${best.size}; random screening of ${budget} expects ${randomExpectation.toFixed(1)}`);

  const again = await explore('sm_exp_landscape', budget);
  assert.deepEqual(again.rows.map((row) => [row.smiles, row.metrics, row.external_id]), guided.rows.map((row) => [row.smiles, row.metrics, row.external_id]));
});
