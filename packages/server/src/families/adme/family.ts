import { type JobInput, createSyntheticEngine } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import type { PredictionFamily } from '../family.ts';
import { checkAdmeInput } from './check-input.ts';
import { AdmeStartBody } from './input-schema.ts';

/** ADME predictions (spec/API.md §9). No open-source engine exists: live starts answer 501. */
export const ADME: PredictionFamily<'adme'> = {
  type: 'prediction',
  kind: 'adme',
  application: 'adme',
  path: 'predictions/adme',
  sdkResource: 'predictions.adme',
  tag: 'Predictions: ADME',
  noun: 'Prediction',
  model: 'adme-v1',
  idPrefix: 'adme_pred_',
  legacyIdPrefixes: [],
  startBody: AdmeStartBody,
  example: { model: 'adme-v1', input: { molecules: [{ smiles: 'CC(=O)Oc1ccccc1C(=O)O', id: 'aspirin' }, { smiles: 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', id: 'caffeine' }] } },
  inputOf: (body) => body.input as JobInput<'adme'>,
  checkInput: (input) => checkAdmeInput(input),
  // Unit = molecule.
  quote: (prices, input) => quote(prices, 'adme', { numUnits: input.molecules.length }),
  fileInputs: () => [],
  testPendingMs: { instant: 0, fast: 100, realistic: 1_000 },
  engines: {
    test(timing, input) {
      const runningMs = { instant: 0, fast: 300, realistic: Math.min(5_000, 1_000 + 30 * input.molecules.length) }[timing];
      return createSyntheticEngine({ runningMs });
    },
    live: () => undefined,
  },
};
