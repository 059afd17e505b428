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
