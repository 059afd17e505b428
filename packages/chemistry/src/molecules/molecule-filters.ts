import { RE2JS } from 're2js';
import { type RdkitModule, type RdkitMolecule, withMolecule } from '../rdkit-module.ts';
import { DESCRIPTOR_NAMES, type MoleculeDescriptors, moleculeDescriptors } from './descriptors.ts';
import { SMARTS_CATALOG_LEVEL_CATALOGS, hasSubstructure, structuralAlerts } from './filter-catalogs.ts';
import {
  type CustomMoleculeFilter,
  type LipinskiFilter,
  type MoleculeFilters,
  type RdkitDescriptorFilter,
  SMARTS_CATALOG_FILTER_LEVELS,
  STRUCTURAL_ALERT_CATALOGS,
  type SmartsCatalogFilterLevel,
} from './filter-types.ts';

/**
 * The evaluator of `molecule_filters` (spec/API.md §10, PIPELINE-ENGINES.md §4.5): per molecule
 * accepted, invalid (RDKit cannot parse or sanitise it) or filtered by the first filter it fails.
 * Filters run in request order: the built-in catalog level first, then `custom_filters`.
 * Pure and synchronous; meant for a worker thread (each has its own RDKit instance).
 */
export type MoleculeVerdict =
  | { outcome: 'accepted'; canonicalSmiles: string }
  | { outcome: 'filtered'; canonicalSmiles: string; filter: FailedFilter }
  | { outcome: 'invalid' };

export interface FailedFilter {
  /** Where the filter is in `molecule_filters`: `boltz_smarts_catalog_filter_level` or `custom_filters[i]`. */
  path: string;
  /** What failed: `PAINS_A:ene_six_het_A(483)`, `lipinski_filter`, `rdkit_descriptor_filter:tpsa`, `smarts_custom_filter:<SMARTS>`, `smiles_regex_filter:<regex>`. */
  name: string;
}

export interface MoleculeFilterEvaluator {
  evaluate(smiles: string): MoleculeVerdict;
  /** Frees the run's own SMARTS queries (the catalogs stay compiled for the thread). */
  dispose(): void;
}

/** A request value the filters cannot use; `path` is relative to `molecule_filters`. */
export interface MoleculeFilterIssue {
  path: string;
  message: string;
}

export class InvalidMoleculeFiltersError extends Error {
  constructor(readonly issues: MoleculeFilterIssue[]) {
    super(`Invalid molecule_filters: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

/** One compiled check: the name of what failed, or null when the molecule passes. */
type Check = (molecule: MoleculeUnderTest) => string | null;

interface MoleculeUnderTest {
  smiles: string;
  mol: RdkitMolecule;
  descriptors(): MoleculeDescriptors;
}

/**
 * The semantic problems of a `molecule_filters` value whose shape the request schema has already
 * checked: unknown level or catalog, SMARTS RDKit cannot parse, regular expressions RE2 cannot
 * compile, descriptor ranges with min > max. Empty when the filters can run.
 */
export function checkMoleculeFilters(rdkit: RdkitModule, filters: MoleculeFilters): MoleculeFilterIssue[] {
  const issues: MoleculeFilterIssue[] = [];
  try {
    compileChecks(rdkit, filters, 'disabled', issues).dispose();
  } catch (error) {
    if (!(error instanceof InvalidMoleculeFiltersError)) throw error;
  }
  return issues;
}

/**
 * Compiles the filters of a run once (throws InvalidMoleculeFiltersError with every issue);
 * `defaultLevel` applies when the request omits the catalog level
 * (`defaultSmartsCatalogFilterLevel`).
 */
export function compileMoleculeFilters(
  rdkit: RdkitModule,
  filters: MoleculeFilters | undefined,
  defaultLevel: SmartsCatalogFilterLevel,
): MoleculeFilterEvaluator {
  const { checks, dispose } = compileChecks(rdkit, filters ?? {}, defaultLevel, []);
  return {
    evaluate(smiles) {
      const verdict = withMolecule(rdkit, smiles, (mol): MoleculeVerdict => {
        let descriptors: MoleculeDescriptors | undefined;
        const molecule: MoleculeUnderTest = { smiles, mol, descriptors: () => (descriptors ??= moleculeDescriptors(mol)) };
        const canonicalSmiles = mol.get_smiles();
        for (const { path, check } of checks) {
          const failed = check(molecule);
          if (failed !== null) return { outcome: 'filtered', canonicalSmiles, filter: { path, name: failed } };
        }
        return { outcome: 'accepted', canonicalSmiles };
      });
      return verdict ?? { outcome: 'invalid' };
    },
    dispose,
  };
}

function compileChecks(rdkit: RdkitModule, filters: MoleculeFilters, defaultLevel: SmartsCatalogFilterLevel, issues: MoleculeFilterIssue[]) {
  const ownQueries: RdkitMolecule[] = [];
  const checks: Array<{ path: string; check: Check }> = [];
  const level = filters.boltz_smarts_catalog_filter_level ?? defaultLevel;
  if (!SMARTS_CATALOG_FILTER_LEVELS.includes(level)) {
    issues.push({ path: 'boltz_smarts_catalog_filter_level', message: `must be one of ${SMARTS_CATALOG_FILTER_LEVELS.join(', ')}` });
  } else if (level !== 'disabled') {
    checks.push({ path: 'boltz_smarts_catalog_filter_level', check: catalogCheck(rdkit, SMARTS_CATALOG_LEVEL_CATALOGS[level]) });
  }
  (filters.custom_filters ?? []).forEach((filter, index) => {
    const path = `custom_filters[${index}]`;
    const check = compileCustomFilter(rdkit, filter, path, issues, ownQueries);
    if (check) checks.push({ path, check });
  });
  const dispose = () => {
    for (const query of ownQueries.splice(0)) query.delete();
  };
  if (issues.length > 0) {
    dispose();
    throw new InvalidMoleculeFiltersError(issues);
  }
  return { checks, dispose };
}

function catalogCheck(rdkit: RdkitModule, catalogs: Parameters<typeof structuralAlerts>[1]): Check {
  const alerts = structuralAlerts(rdkit, catalogs);
  return ({ mol }) => {
    for (const alert of alerts) if (hasSubstructure(mol, alert.query)) return `${alert.catalog}:${alert.name}`;
    return null;
  };
}

function compileCustomFilter(
  rdkit: RdkitModule,
  filter: CustomMoleculeFilter,
  path: string,
  issues: MoleculeFilterIssue[],
  ownQueries: RdkitMolecule[],
): Check | null {
  switch (filter.type) {
    case 'lipinski_filter':
      return lipinskiCheck(filter);
    case 'rdkit_descriptor_filter':
      return descriptorRangeCheck(filter, path, issues);
    case 'smarts_catalog_filter':
      if (!STRUCTURAL_ALERT_CATALOGS.includes(filter.catalog)) {
        issues.push({ path: `${path}.catalog`, message: `must be one of ${STRUCTURAL_ALERT_CATALOGS.join(', ')}` });
        return null;
      }
      return catalogCheck(rdkit, [filter.catalog]);
    case 'smarts_custom_filter': {
      const queries = filter.patterns.map((smarts, index) => {
        const query = smarts.trim() ? rdkit.get_qmol(smarts) : null;
        if (query) ownQueries.push(query);
        else issues.push({ path: `${path}.patterns[${index}]`, message: `RDKit cannot parse the SMARTS ${JSON.stringify(smarts)}` });
        return { smarts, query };
      });
      return ({ mol }) => {
        for (const { smarts, query } of queries) if (query && hasSubstructure(mol, query)) return `smarts_custom_filter:${smarts}`;
        return null;
      };
    }
    case 'smiles_regex_filter': {
      // RE2 (linear time, no backtracking): a pattern from a request cannot stall the worker.
      const regexes = filter.patterns.flatMap((pattern, index) => {
        try {
          return [{ pattern, regex: RE2JS.compile(pattern) }];
        } catch (error) {
          issues.push({ path: `${path}.patterns[${index}]`, message: `not a valid regular expression (RE2 syntax): ${(error as Error).message}` });
          return [];
        }
      });
      return ({ smiles }) => {
        for (const { pattern, regex } of regexes) if (regex.matcher(smiles).find()) return `smiles_regex_filter:${pattern}`;
        return null;
      };
    }
    default:
      issues.push({ path: `${path}.type`, message: 'unknown filter type' });
      return null;
  }
}

function lipinskiCheck(filter: LipinskiFilter): Check {
  const allowed = filter.allow_single_violation ? 1 : 0;
  return ({ descriptors }) => {
    const d = descriptors();
    const violations =
      Number(d.mol_wt > filter.max_mw) + Number(d.mol_logp > filter.max_logp) + Number(d.num_h_donors > filter.max_hbd) + Number(d.num_h_acceptors > filter.max_hba);
    return violations > allowed ? 'lipinski_filter' : null;
  };
}

function descriptorRangeCheck(filter: RdkitDescriptorFilter, path: string, issues: MoleculeFilterIssue[]): Check {
  const ranges = DESCRIPTOR_NAMES.flatMap((name) => {
    const range = filter[name];
    if (!range) return [];
    if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
      issues.push({ path: `${path}.${name}`, message: `min (${range.min}) is above max (${range.max})` });
    }
    return [{ name, min: range.min ?? -Infinity, max: range.max ?? Infinity }];
  });
  return ({ descriptors }) => {
    const d = descriptors();
    for (const { name, min, max } of ranges) if (!(d[name] >= min && d[name] <= max)) return `rdkit_descriptor_filter:${name}`;
    return null;
  };
}
