import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { loadRdkit } from '../rdkit-module.ts';
import { compileMoleculeFilters } from './molecule-filters.ts';

test('filters compile and evaluate in worker threads, each with its own RDKit, as on the main thread', async () => {
  const filters = { boltz_smarts_catalog_filter_level: 'extra' as const, custom_filters: [{ type: 'lipinski_filter' as const, max_mw: 500, max_logp: 5, max_hbd: 5, max_hba: 10 }] };
  const smiles = ['S=C1SC(=Cc2ccccc2)C(=O)N1', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O', 'O=[N+]([O-])c1ccccc1', 'C1CC', 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'];
  const local = compileMoleculeFilters(await loadRdkit(), filters, 'recommended');
  const expected = smiles.map((s) => local.evaluate(s));
  // A TypeScript entry needs tsx's loader registered inside the worker first.
  const entry = new URL('../../test/filter-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const workers = [0, 1].map(() => new Worker(bootstrap, { eval: true, workerData: { filters } }));
  try {
    const answers = await Promise.all(
      workers.map(async (worker) => {
        worker.postMessage(smiles);
        const [verdicts] = await once(worker, 'message');
        return verdicts;
      }),
    );
    for (const verdicts of answers) assert.deepEqual(verdicts, expected);
    assert.deepEqual(expected.map((v) => v.outcome), ['filtered', 'accepted', 'filtered', 'invalid', 'filtered']);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
});
