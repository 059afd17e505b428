import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { DEFAULT_PRICE_TABLE, ESTIMATE_DISCLAIMER, parsePriceTable, quote, sizeTier, toEstimateCostResponse } from './prices.ts';

/** The price table and estimate-cost bodies (spec/ENGINE.md §9, spec/API.md §7.4). */
describe('prices', () => {
  it('prices structure-and-binding at 20 milli-USD per sample and size tier of 256 tokens', () => {
    assert.deepEqual(quote(DEFAULT_PRICE_TABLE, 'structure_and_binding', { numUnits: 1, tokens: 57 }), {
      application: 'structure_and_binding',
      costPerUnitMilliUsd: 20,
      numUnits: 1,
      totalMilliUsd: 20,
    });
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'structure_and_binding', { numUnits: 5, tokens: 256 }).totalMilliUsd, 100);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'structure_and_binding', { numUnits: 5, tokens: 257 }).totalMilliUsd, 200);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'structure_and_binding', { numUnits: 10, tokens: 600 }).costPerUnitMilliUsd, 60);
    assert.deepEqual([0, 1, 256, 257, 512, 513].map(sizeTier), [1, 1, 1, 2, 2, 3]);
  });

  it('prices the other applications per unit, protein pipelines per size tier', () => {
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'adme', { numUnits: 128 }).totalMilliUsd, 1280);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'small_molecule_design', { numUnits: 10 }).totalMilliUsd, 250);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'small_molecule_library_screen', { numUnits: 50, tokens: 10_000 }).totalMilliUsd, 1250);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'protein_design', { numUnits: 10, tokens: 200 }).totalMilliUsd, 250);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'protein_library_screen', { numUnits: 10, tokens: 300 }).totalMilliUsd, 500);
    assert.equal(quote(DEFAULT_PRICE_TABLE, 'protein_redesign', { numUnits: 1, tokens: 1024 }).totalMilliUsd, 100);
    assert.throws(() => quote(DEFAULT_PRICE_TABLE, 'protein_design', { numUnits: 10 }), /token count/);
  });

  it('renders the estimate-cost body with 4-decimal USD strings, rounding the unit price up', () => {
    assert.deepEqual(toEstimateCostResponse(quote(DEFAULT_PRICE_TABLE, 'protein_design', { numUnits: 10, tokens: 100 })), {
      estimated_cost_usd: '0.2500',
      disclaimer: ESTIMATE_DISCLAIMER,
      breakdown: { application: 'protein_design', cost_per_unit_usd: '0.0250', num_units: 10 },
    });
    assert.equal(ESTIMATE_DISCLAIMER, 'Estimate only; the final charge is based on completed work.');
    const big = toEstimateCostResponse({ application: 'adme', costPerUnitMilliUsd: 10, numUnits: 12_345_678, totalMilliUsd: 123_456_780 });
    assert.equal(big.estimated_cost_usd, '123456.7800');
    assert.equal(toEstimateCostResponse({ application: 'adme', costPerUnitMilliUsd: 0, numUnits: 3, totalMilliUsd: 0 }).estimated_cost_usd, '0.0000');
    // A unit price with a fraction of a tenth of a milli-USD rounds up, never down.
    const fractional = toEstimateCostResponse({ application: 'protein_design', costPerUnitMilliUsd: 100 / 3, numUnits: 3, totalMilliUsd: 100 });
    assert.equal(fractional.breakdown.cost_per_unit_usd, '0.0334');
    assert.equal(fractional.estimated_cost_usd, '0.1000');
  });

  it('takes overrides from BOLTZ_PRICE_TABLE and refuses malformed ones', () => {
    assert.deepEqual(parsePriceTable(undefined), DEFAULT_PRICE_TABLE);
    const table = loadConfig({ BOLTZ_PRICE_TABLE: '{"adme": 12, "structure_and_binding": 0}' }).prices;
    assert.equal(table.adme, 12);
    assert.equal(table.structure_and_binding, 0);
    assert.equal(table.protein_design, 25);
    for (const bad of ['{"adme": -1}', '{"adme": 1.5}', '{"adme": "12"}', '{"chess": 1}', '[1]', 'adme=12']) {
      assert.throws(() => loadConfig({ BOLTZ_PRICE_TABLE: bad }), ConfigError, bad);
    }
  });
});
