/**
 * The price table and quotes (spec/ENGINE.md §9, spec/API.md §7.4). Prices are integers in
 * milli-USD per billed unit; for tiered applications per unit *and* per size tier, where
 * tier = ⌈tokens / 256⌉ (tokens = polymer residues + ligand/glycan heavy atoms over all copies).
 */
export const APPLICATIONS = [
  'structure_and_binding',
  'small_molecule_design',
  'small_molecule_library_screen',
  'protein_design',
  'protein_redesign',
  'protein_library_screen',
  'adme',
] as const;

export type Application = (typeof APPLICATIONS)[number];

/** Milli-USD per unit (per unit and tier for the applications in TIERED_APPLICATIONS). */
export type PriceTable = Record<Application, number>;

export const DEFAULT_PRICE_TABLE: PriceTable = {
  structure_and_binding: 20,
  adme: 10,
  small_molecule_library_screen: 25,
  small_molecule_design: 25,
  protein_library_screen: 25,
  protein_design: 25,
  protein_redesign: 25,
};

/** Applications whose price scales with the size of the system (ENGINE.md §9). */
const TIERED_APPLICATIONS: ReadonlySet<Application> = new Set(['structure_and_binding', 'protein_library_screen', 'protein_design', 'protein_redesign']);

export const TOKENS_PER_TIER = 256;

export class PriceTableError extends Error {}

/**
 * `BOLTZ_PRICE_TABLE` is a JSON object overriding some entries of the default table,
 * e.g. `{"adme": 12, "structure_and_binding": 30}`.
 */
export function parsePriceTable(json: string | undefined): PriceTable {
  if (json === undefined || json.trim() === '') return { ...DEFAULT_PRICE_TABLE };
  let overrides: unknown;
  try {
    overrides = JSON.parse(json);
  } catch {
    throw new PriceTableError('BOLTZ_PRICE_TABLE must be a JSON object such as {"adme": 12}');
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new PriceTableError('BOLTZ_PRICE_TABLE must be a JSON object such as {"adme": 12}');
  }
  const table = { ...DEFAULT_PRICE_TABLE };
  for (const [application, price] of Object.entries(overrides)) {
    if (!(APPLICATIONS as readonly string[]).includes(application)) {
      throw new PriceTableError(`BOLTZ_PRICE_TABLE: unknown application "${application}" (one of ${APPLICATIONS.join(', ')})`);
    }
    if (!Number.isSafeInteger(price) || (price as number) < 0) {
      throw new PriceTableError(`BOLTZ_PRICE_TABLE: the price of ${application} must be a whole number of milli-USD ≥ 0`);
    }
    table[application as Application] = price as number;
  }
  return table;
}

export interface Quote {
  application: Application;
  /** The price of one unit including the size tier. */
  costPerUnitMilliUsd: number;
  numUnits: number;
  totalMilliUsd: number;
}

export function sizeTier(tokens: number): number {
  // A system always occupies at least one tier, however small.
  return Math.max(1, Math.ceil(tokens / TOKENS_PER_TIER));
}

/**
 * What `numUnits` units of `application` cost. Tiered applications need `tokens` (for protein
 * pipelines: target crop + candidate); leaving them out is a programming error, not tier 1.
 */
export function quote(prices: PriceTable, application: Application, units: { numUnits: number; tokens?: number }): Quote {
  let costPerUnitMilliUsd = prices[application];
  if (TIERED_APPLICATIONS.has(application)) {
    if (units.tokens === undefined) throw new TypeError(`quote(${application}) needs the token count of the system`);
    costPerUnitMilliUsd *= sizeTier(units.tokens);
  }
  return { application, costPerUnitMilliUsd, numUnits: units.numUnits, totalMilliUsd: costPerUnitMilliUsd * units.numUnits };
}

export const ESTIMATE_DISCLAIMER = 'Estimate only; the final charge is based on completed work.';

/** Milli-USD → USD as a decimal string with 4 decimals, rounding any remainder up. */
function usd(milliUsd: number): string {
  const tenThousandths = Math.ceil(milliUsd * 10);
  const whole = Math.floor(tenThousandths / 10_000);
  return `${whole}.${String(tenThousandths % 10_000).padStart(4, '0')}`;
}

/** The body of every `POST …/estimate-cost` (spec/API.md §7.4). */
export function toEstimateCostResponse(q: Quote) {
  return {
    estimated_cost_usd: usd(q.totalMilliUsd),
    disclaimer: ESTIMATE_DISCLAIMER,
    breakdown: {
      application: q.application,
      cost_per_unit_usd: usd(q.costPerUnitMilliUsd),
      num_units: q.numUnits,
    },
  };
}
