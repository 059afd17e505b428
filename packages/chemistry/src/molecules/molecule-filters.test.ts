import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { askRdkitOracle, readSmilesFixture } from '../../test/rdkit-oracle.ts';
import { loadRdkit, withMolecule } from '../rdkit-module.ts';
import { type MoleculeDescriptors, moleculeDescriptors } from './descriptors.ts';
import { SMARTS_CATALOG_LEVEL_CATALOGS, hasSubstructure, structuralAlerts } from './filter-catalogs.ts';
import { STRUCTURAL_ALERT_CATALOGS, defaultSmartsCatalogFilterLevel } from './filter-types.ts';
import { InvalidMoleculeFiltersError, type MoleculeVerdict, checkMoleculeFilters, compileMoleculeFilters } from './molecule-filters.ts';

type Hits = Record<string, string[]>;
interface OracleCatalogHits {
  ours: Hits;
  builtin: Hits;
}

const CATALOGS_FILE = new URL('./filter-catalogs.json', import.meta.url).pathname;
const library = readSmilesFixture('filter-library.smi');
const rdkit = await loadRdkit();
const oracle = askRdkitOracle<OracleCatalogHits>(['catalogs', CATALOGS_FILE], library.map((m) => m.smiles));

function tally(verdicts: MoleculeVerdict[]) {
  return {
    accepted: verdicts.filter((v) => v.outcome === 'accepted').length,
    filtered_count: verdicts.filter((v) => v.outcome === 'filtered').length,
    invalid_count: verdicts.filter((v) => v.outcome === 'invalid').length,
  };
}

describe('structural-alert catalogs', () => {
  test('RDKit WebAssembly hits exactly the alerts Python RDKit FilterCatalog hits, alert by alert', () => {
    const parts = Object.keys(oracle.find((o) => o)!.ours);
    const alerts = structuralAlerts(rdkit, STRUCTURAL_ALERT_CATALOGS);
    let compared = 0;
    library.forEach(({ smiles, id }, index) => {
      const expected = oracle[index];
      const ours = withMolecule(rdkit, smiles, (mol) => {
        const hits: Hits = Object.fromEntries(parts.map((part) => [part, [] as string[]]));
        for (const alert of alerts) if (hasSubstructure(mol, alert.query)) hits[alert.catalog].push(alert.name);
        for (const part of parts) hits[part] = [...new Set(hits[part])].sort();
        return hits;
      });
      assert.equal(ours === null, expected === null, `${id} ${smiles}: parsed by one RDKit only`);
      if (!ours || !expected) return;
      assert.deepEqual(ours, expected.ours, `${id} ${smiles}`);
      compared++;
    });
    assert.equal(compared, library.length - 10);
  });

  test('the catalog data is RDKit’s: PAINS, BRENK and NIH hit as Python RDKit’s built-in catalogs do', () => {
    for (const expected of oracle) {
      if (!expected) continue;
      for (const [part, names] of Object.entries(expected.builtin)) assert.deepEqual(expected.ours[part], names, part);
    }
  });

  test('the seeded library has hits in every catalog part', () => {
    for (const part of Object.keys(oracle[0]!.ours)) {
      assert.ok(oracle.filter((o) => o && o.ours[part].length > 0).length >= 10, part);
    }
  });
});

describe('molecule filters', () => {
  test('catalog levels: exact filtered_count and invalid_count against Python RDKit', () => {
    for (const [level, catalogs] of Object.entries(SMARTS_CATALOG_LEVEL_CATALOGS)) {
      const parts = new Set(catalogs.flatMap((c) => (c === 'PAINS' ? ['PAINS_A', 'PAINS_B', 'PAINS_C'] : c === 'CHEMBL' ? Object.keys(oracle[0]!.ours).filter((p) => p.startsWith('CHEMBL')) : [c])));
      const expected = {
        accepted: oracle.filter((o) => o && [...parts].every((p) => o.ours[p].length === 0)).length,
        filtered_count: oracle.filter((o) => o && [...parts].some((p) => o.ours[p].length > 0)).length,
        invalid_count: oracle.filter((o) => o === null).length,
      };
      const evaluator = compileMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: level as 'extra' }, 'recommended');
      assert.deepEqual(tally(library.map((m) => evaluator.evaluate(m.smiles))), expected, level);
      evaluator.dispose();
    }
    assert.equal(oracle.filter((o) => o === null).length, 10);
  });

  test('the level defaults to recommended (PAINS), and to disabled for explore', () => {
    const rhodanine = 'S=C1SC(=Cc2ccccc2)C(=O)N1';
    const design = compileMoleculeFilters(rdkit, undefined, defaultSmartsCatalogFilterLevel('design'));
    assert.deepEqual(design.evaluate(rhodanine), {
      outcome: 'filtered',
      canonicalSmiles: 'O=C1NC(=S)SC1=Cc1ccccc1',
      filter: { path: 'boltz_smarts_catalog_filter_level', name: 'PAINS_A:ene_rhod_A(235)' },
    });
    const explore = compileMoleculeFilters(rdkit, {}, defaultSmartsCatalogFilterLevel('explore'));
    assert.equal(explore.evaluate(rhodanine).outcome, 'accepted');
    assert.equal(defaultSmartsCatalogFilterLevel('library_screen'), 'recommended');
  });

  test('Lipinski with and without one allowed violation, against Python RDKit’s descriptors', () => {
    const descriptors = askRdkitOracle<MoleculeDescriptors & { num_h_acceptors_2_0_2: number }>(['descriptors'], library.map((m) => m.smiles));
    const rule = { type: 'lipinski_filter', max_mw: 500, max_logp: 5, max_hbd: 5, max_hba: 10 } as const;
    const violations = descriptors.map((d) =>
      d === null ? null : Number(d.mol_wt > 500) + Number(d.mol_logp > 5) + Number(d.num_h_donors > 5) + Number(d.num_h_acceptors_2_0_2 > 10),
    );
    for (const allow of [false, true]) {
      const evaluator = compileMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: 'disabled', custom_filters: [{ ...rule, allow_single_violation: allow }] }, 'recommended');
      const verdicts = library.map((m) => evaluator.evaluate(m.smiles));
      assert.deepEqual(tally(verdicts), {
        accepted: violations.filter((v) => v !== null && v <= (allow ? 1 : 0)).length,
        filtered_count: violations.filter((v) => v !== null && v > (allow ? 1 : 0)).length,
        invalid_count: 10,
      });
      if (!allow) assert.ok(tally(verdicts).filtered_count >= 20, 'the library has Lipinski violators');
      for (const verdict of verdicts) if (verdict.outcome === 'filtered') assert.deepEqual(verdict.filter, { path: 'custom_filters[0]', name: 'lipinski_filter' });
    }
  });

  test('descriptor ranges are inclusive and name the first descriptor out of range', () => {
    const aspirin = 'CC(=O)Oc1ccccc1C(=O)O';
    const exact = withMolecule(rdkit, aspirin, moleculeDescriptors)!;
    const inclusive = compileMoleculeFilters(
      rdkit,
      { custom_filters: [{ type: 'rdkit_descriptor_filter', tpsa: { min: exact.tpsa, max: exact.tpsa }, num_rings: { max: 1 }, fraction_csp3: { min: 0 } }] },
      'disabled',
    );
    assert.equal(inclusive.evaluate(aspirin).outcome, 'accepted');
    const tight = compileMoleculeFilters(rdkit, { custom_filters: [{ type: 'rdkit_descriptor_filter', mol_wt: { max: 150 }, mol_logp: { max: 0 } }] }, 'disabled');
    assert.deepEqual(tight.evaluate(aspirin), {
      outcome: 'filtered',
      canonicalSmiles: 'CC(=O)Oc1ccccc1C(=O)O',
      filter: { path: 'custom_filters[0]', name: 'rdkit_descriptor_filter:mol_wt' },
    });
  });

  test('SMARTS, catalog and SMILES-regex custom filters; the first failing filter is reported', () => {
    const evaluator = compileMoleculeFilters(
      rdkit,
      {
        boltz_smarts_catalog_filter_level: 'disabled',
        custom_filters: [
          { type: 'smiles_regex_filter', patterns: ['Br', '^CCCC'] },
          { type: 'smarts_custom_filter', patterns: ['[N+](=O)[O-]', 'C(=O)Cl'] },
          { type: 'smarts_catalog_filter', catalog: 'BRENK' },
        ],
      },
      'recommended',
    );
    assert.deepEqual(evaluator.evaluate('c1ccccc1Br'), { outcome: 'filtered', canonicalSmiles: 'Brc1ccccc1', filter: { path: 'custom_filters[0]', name: 'smiles_regex_filter:Br' } });
    assert.deepEqual(evaluator.evaluate('O=[N+]([O-])c1ccccc1'), {
      outcome: 'filtered',
      canonicalSmiles: 'O=[N+]([O-])c1ccccc1',
      filter: { path: 'custom_filters[1]', name: 'smarts_custom_filter:[N+](=O)[O-]' },
    });
    assert.deepEqual(evaluator.evaluate('CC(=O)Cl').outcome, 'filtered');
    assert.deepEqual(evaluator.evaluate('CC=CC=CC(=O)NC1CC1'), {
      outcome: 'filtered',
      canonicalSmiles: 'CC=CC=CC(=O)NC1CC1',
      filter: { path: 'custom_filters[2]', name: 'BRENK:Michael_acceptor_1' },
    });
    // BRENK flags paracetamol (hydroquinone-like aminophenol); ibuprofen passes all three.
    assert.deepEqual(evaluator.evaluate('CC(=O)Nc1ccc(O)cc1').outcome, 'filtered');
    assert.deepEqual(evaluator.evaluate('CC(C)Cc1ccc(cc1)C(C)C(=O)O'), { outcome: 'accepted', canonicalSmiles: 'CC(C)Cc1ccc(C(C)C(=O)O)cc1' });
    assert.deepEqual(evaluator.evaluate('C1CC'), { outcome: 'invalid' });
    evaluator.dispose();
  });

  test('a regular expression cannot stall the worker (RE2: linear time)', () => {
    const evaluator = compileMoleculeFilters(rdkit, { custom_filters: [{ type: 'smiles_regex_filter', patterns: ['^(C+)+$'] }] }, 'disabled');
    const started = performance.now();
    assert.equal(evaluator.evaluate(`${'C'.repeat(60)}N`).outcome, 'accepted');
    assert.ok(performance.now() - started < 1000);
  });

  test('unusable filters are refused with every issue, by path', () => {
    const filters = {
      custom_filters: [
        { type: 'smarts_custom_filter' as const, patterns: ['c1ccccc1', 'C((', ''] },
        { type: 'smiles_regex_filter' as const, patterns: ['(?<=C)N', '[a-'] },
        { type: 'rdkit_descriptor_filter' as const, tpsa: { min: 90, max: 20 } },
        { type: 'smarts_catalog_filter' as const, catalog: 'ZINC' as 'NIH' },
      ],
    };
    const issues = checkMoleculeFilters(rdkit, filters);
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ['custom_filters[0].patterns[1]', 'custom_filters[0].patterns[2]', 'custom_filters[1].patterns[0]', 'custom_filters[1].patterns[1]', 'custom_filters[2].tpsa', 'custom_filters[3].catalog'],
    );
    assert.match(issues[0].message, /RDKit cannot parse the SMARTS "C\(\("/);
    assert.throws(() => compileMoleculeFilters(rdkit, filters, 'recommended'), InvalidMoleculeFiltersError);
    assert.deepEqual(checkMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: 'extreme' as 'extra' }), [
      { path: 'boltz_smarts_catalog_filter_level', message: 'must be one of recommended, extra, aggressive, disabled' },
    ]);
    assert.deepEqual(checkMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: 'aggressive', custom_filters: [{ type: 'lipinski_filter', max_mw: 500, max_logp: 5, max_hbd: 5, max_hba: 10 }] }), []);
  });
});
