import type { TSchema } from 'typebox';
import type { Chemistry } from '@boltz/chemistry';
import type { PredictionKind } from '@boltz/storage';
import { type Application, type PriceTable, type Quote, quote } from '../billing/prices.ts';
import type { ErrorDetails } from '../errors.ts';
import { AdmeStartBody } from '../predictions/adme/input-schema.ts';
import { checkAdmeInput } from '../predictions/adme/check-input.ts';
import { checkStructureAndBindingInput } from '../predictions/structure-and-binding/check-input.ts';
import { StructureAndBindingStartBody } from '../predictions/structure-and-binding/input-schema.ts';
import { structureTokens } from '../predictions/structure-and-binding/tokens.ts';

/**
 * What differs between the prediction families (spec/API.md §8, §9); everything else about
 * their jobs (queue, files, idempotency, retention, routes) is shared.
 */
export interface PredictionFamily {
  kind: PredictionKind;
  application: Application;
  /** URL segment under `/compute/v1/predictions/`, and the SDK resource name. */
  path: string;
  sdkResource: string;
  tag: string;
  model: string;
  idPrefix: string;
  /** Older prefixes whose ids still resolve (spec/API.md §7.7: `pred_` → `sab_pred_`). */
  legacyIdPrefixes: readonly string[];
  startBody: TSchema;
  /** Semantic problems of a schema-valid input, keyed by input path; empty when none. */
  checkInput(input: any, chemistry: Chemistry): ErrorDetails;
  quote(prices: PriceTable, input: any, chemistry: Chemistry): Quote;
}

export const STRUCTURE_AND_BINDING: PredictionFamily = {
  kind: 'structure_and_binding',
  application: 'structure_and_binding',
  path: 'structure-and-binding',
  sdkResource: 'predictions.structureAndBinding',
  tag: 'Predictions: structure and binding',
  model: 'boltz-2.1',
  idPrefix: 'sab_pred_',
  legacyIdPrefixes: ['pred_'],
  startBody: StructureAndBindingStartBody,
  checkInput: (input, chemistry) => checkStructureAndBindingInput(input, chemistry),
  // Unit = sample, priced by size tier (spec/API.md §7.4, ENGINE.md §9).
  quote: (prices, input, chemistry) =>
    quote(prices, 'structure_and_binding', { numUnits: input.num_samples ?? 1, tokens: structureTokens(input, chemistry) }),
};

export const ADME: PredictionFamily = {
  kind: 'adme',
  application: 'adme',
  path: 'adme',
  sdkResource: 'predictions.adme',
  tag: 'Predictions: ADME',
  model: 'adme-v1',
  idPrefix: 'adme_pred_',
  legacyIdPrefixes: [],
  startBody: AdmeStartBody,
  checkInput: (input) => checkAdmeInput(input),
  // Unit = molecule.
  quote: (prices, input) => quote(prices, 'adme', { numUnits: input.molecules.length }),
};

export const FAMILY_OF_KIND: Record<PredictionKind, PredictionFamily> = {
  structure_and_binding: STRUCTURE_AND_BINDING,
  adme: ADME,
};

/** `pred_X` is the legacy spelling of `sab_pred_X`. */
export function canonicalJobId(family: PredictionFamily, id: string): string {
  for (const legacy of family.legacyIdPrefixes) {
    if (id.startsWith(legacy) && !id.startsWith(family.idPrefix)) return family.idPrefix + id.slice(legacy.length);
  }
  return id;
}
