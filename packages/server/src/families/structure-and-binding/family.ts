import { type JobInput, createBoltzEngine, createSyntheticEngine, needsAutomaticMsa } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import type { ErrorDetails } from '../../errors.ts';
import type { PredictionFamily } from '../family.ts';
import { checkStructureAndBindingInput } from './check-input.ts';
import { structureAndBindingFileInputs } from './file-inputs.ts';
import { StructureAndBindingStartBody } from './input-schema.ts';
import { structureTokens } from './tokens.ts';
import { barnaseBarstar } from './examples.ts';

/** Structure-and-binding predictions (spec/API.md §8; ENGINE.md for the live engine). */
export const STRUCTURE_AND_BINDING: PredictionFamily<'structure_and_binding'> = {
  type: 'prediction',
  kind: 'structure_and_binding',
  application: 'structure_and_binding',
  path: 'predictions/structure-and-binding',
  sdkResource: 'predictions.structureAndBinding',
  tag: 'Predictions: structure and binding',
  noun: 'Prediction',
  model: 'boltz-2.1',
  idPrefix: 'sab_pred_',
  legacyIdPrefixes: ['pred_'],
  startBody: StructureAndBindingStartBody,
  example: { model: 'boltz-2.1', input: barnaseBarstar },
  // The body passed the start-body schema, whose `input` is exactly the SDK's input type.
  inputOf: (body) => body.input as JobInput<'structure_and_binding'>,
  checkInput: (input, chemistry) => checkStructureAndBindingInput(input, chemistry),
  // Unit = sample, priced by size tier (spec/API.md §7.4, ENGINE.md §9).
  quote: (prices, input, chemistry) => quote(prices, 'structure_and_binding', { numUnits: input.num_samples ?? 1, tokens: structureTokens(input, chemistry) }),
  fileInputs: (input) => structureAndBindingFileInputs(input),
  // ENGINE.md §9: `fast` lets clients see `pending` and `running` within a second; `realistic`
  // matches the polling rates of the official clients; `instant` is for clients' unit tests.
  testPendingMs: { instant: 0, fast: 100, realistic: 10_000 },
  // Automatic MSAs send the sequences to an MSA server: only to one the operator chose
  // (docs/configuration.md "MSA server"), never to a public one by default.
  liveInputProblems: (input, config): ErrorDetails =>
    config.boltzEngine && !config.boltzEngine.msaServerUrl && needsAutomaticMsa(input)
      ? {
          'input.entities': `No protein gives an msa, so the MSAs would be computed by an MSA server, and this server has none configured (BOLTZ_ENGINE_MSA_SERVER_URL). Give each protein an msa (an A3M/CSV file, or {"type": "empty"}), or ask the operator to set BOLTZ_ENGINE_MSA_SERVER_URL`,
        }
      : {},
  engines: {
    test(timing, input, chemistry) {
      // Realistic: 20–90 s, growing with tokens × samples (a 51-residue protein, 1 sample ≈ 20 s).
      const work = timing === 'realistic' ? structureTokens(input, chemistry) * (input.num_samples ?? 1) : 0;
      const runningMs = { instant: 0, fast: 300, realistic: Math.round(20_000 + 70_000 * Math.min(1, work / 5_000)) }[timing];
      return createSyntheticEngine({ runningMs });
    },
    live: (config) => (config.boltzEngine ? createBoltzEngine(config.boltzEngine) : undefined),
  },
};
