// Worker-thread entry for molecule-filters-worker.test.ts: evaluates the SMILES it is sent with
// filters compiled in this thread's own RDKit instance.
import { parentPort, workerData } from 'node:worker_threads';
import { compileMoleculeFilters, loadRdkit } from '../src/index.ts';

const rdkit = await loadRdkit();
const evaluator = compileMoleculeFilters(rdkit, workerData.filters, 'recommended');
parentPort!.on('message', (smiles: string[]) => parentPort!.postMessage(smiles.map((s) => evaluator.evaluate(s))));
