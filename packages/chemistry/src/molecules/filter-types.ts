import type { DescriptorName } from './descriptors.ts';

/**
 * `molecule_filters` of the small-molecule pipelines, mirroring the SDK's
 * `MoleculeFilters` (boltz-api `resources/small-molecule/*.ts`; spec/API.md §10). A type test
 * (filter-types.test.ts) keeps the two assignable both ways.
 */
export const SMARTS_CATALOG_FILTER_LEVELS = ['recommended', 'extra', 'aggressive', 'disabled'] as const;
export type SmartsCatalogFilterLevel = (typeof SMARTS_CATALOG_FILTER_LEVELS)[number];

/** The catalogs a `smarts_catalog_filter` may name: the SDK's enum, RDKit's FilterCatalog names. */
export const STRUCTURAL_ALERT_CATALOGS = [
  'PAINS',
  'PAINS_A',
  'PAINS_B',
  'PAINS_C',
  'BRENK',
  'CHEMBL',
  'CHEMBL_BMS',
  'CHEMBL_Dundee',
  'CHEMBL_Glaxo',
  'CHEMBL_Inpharmatica',
  'CHEMBL_LINT',
  'CHEMBL_MLSMR',
  'CHEMBL_SureChEMBL',
  'NIH',
] as const;
export type StructuralAlertCatalog = (typeof STRUCTURAL_ALERT_CATALOGS)[number];

/** Inclusive bounds; an omitted bound does not constrain. */
export interface DescriptorRange {
  min?: number;
  max?: number;
}

/** Rule of five: at most `max_*` each; one violation tolerated with `allow_single_violation`. */
export interface LipinskiFilter {
  type: 'lipinski_filter';
  max_mw: number;
  max_logp: number;
  max_hbd: number;
  max_hba: number;
  allow_single_violation?: boolean;
}

/** Only the descriptors given are checked. */
export type RdkitDescriptorFilter = { type: 'rdkit_descriptor_filter' } & { [name in DescriptorName]?: DescriptorRange };

/** Molecules matching any of the SMARTS patterns are rejected. */
export interface SmartsCustomFilter {
  type: 'smarts_custom_filter';
  patterns: string[];
}

/** Molecules matching any alert of the catalog are rejected. */
export interface SmartsCatalogFilter {
  type: 'smarts_catalog_filter';
  catalog: StructuralAlertCatalog;
}

/** Molecules whose SMILES (as submitted) a pattern finds a match in are rejected. */
export interface SmilesRegexFilter {
  type: 'smiles_regex_filter';
  patterns: string[];
}

export type CustomMoleculeFilter = LipinskiFilter | RdkitDescriptorFilter | SmartsCustomFilter | SmartsCatalogFilter | SmilesRegexFilter;

export interface MoleculeFilters {
  boltz_smarts_catalog_filter_level?: SmartsCatalogFilterLevel;
  /** All must pass. */
  custom_filters?: CustomMoleculeFilter[];
}

/** The level applied when a request omits it (SDK: explore defaults to disabled). */
export function defaultSmartsCatalogFilterLevel(pipeline: 'design' | 'library_screen' | 'explore'): SmartsCatalogFilterLevel {
  return pipeline === 'explore' ? 'disabled' : 'recommended';
}
