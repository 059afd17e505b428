import Boltz from 'boltz-api';
import type { Scenario } from '../scenario.ts';

/**
 * Job submissions per second (issue 3): test-mode ADME starts, each one validated with RDKit,
 * inserted into the job table and picked up by the in-process runners while the load runs.
 */
export const startAdmePrediction: Scenario = {
  name: 'POST /compute/v1/predictions/adme (test mode start)',
  prepare: async (context) => ({
    method: 'POST',
    path: '/compute/v1/predictions/adme',
    headers: { 'x-api-key': context.testAdminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'adme-v1', input: { molecules: [{ smiles: 'CC(=O)Oc1ccccc1C(=O)O', id: 'aspirin' }] } }),
  }),
};

/**
 * The event loop while synthetic structures compute (issue 12): authenticated reads measured
 * while the in-process runners work through 1,000-residue test-mode structure-and-binding jobs,
 * whose CPU work runs in the engines' worker threads. Compared with the same route unloaded; on
 * a machine with few cores the workers still compete with the server for CPU.
 */
export const authMeDuringSyntheticStructures: Scenario = {
  name: 'GET /compute/v1/auth/me (1,000-residue test jobs computing)',
  baseline: 'GET /compute/v1/auth/me',
  async prepare(context) {
    const composition = 'AAAAAAAAALLLLLLLLLLGGGGGGGVVVVVVVEEEEEEESSSSSSSIIIIIIKKKKKKRRRRRDDDDDTTTTTPPPPPNNNNQQQQFFFFYYYMMHHCW';
    const client = new Boltz({ apiKey: context.testAdminKey, baseURL: context.baseURL, maxRetries: 0, logLevel: 'off' });
    for (let job = 0; job < 12; job++) {
      const sequence = Array.from({ length: 1000 }, (_, i) => composition[(i * 7919 + job * 104729) % composition.length]).join('');
      await client.predictions.structureAndBinding.start({
        model: 'boltz-2.1',
        input: { entities: [{ type: 'protein', chain_ids: ['A'], value: sequence, msa: { type: 'empty' } }, { type: 'ligand_smiles', chain_ids: ['L'], value: 'CC(=O)Oc1ccccc1C(=O)O' }] } as never,
      });
    }
    return { method: 'GET', path: '/compute/v1/auth/me', headers: { 'x-api-key': context.liveAdminKey } };
  },
};
