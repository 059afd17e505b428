import { readFileSync } from 'node:fs';
import type { RdkitModule, RdkitMolecule } from '../rdkit-module.ts';
import type { SmartsCatalogFilterLevel, StructuralAlertCatalog } from './filter-types.ts';

/**
 * Structural-alert catalogs: RDKit's FilterCatalog data (filter-catalogs.json, built by
 * packages/chemistry/scripts/build-filter-catalogs.py; sources, licence and the catalog levels in
 * docs/molecule-filters.md).
 */
type CatalogPart = Exclude<StructuralAlertCatalog, 'PAINS' | 'CHEMBL'>;
/** [name, SMARTS as published, SMARTS as RDKit's FilterCatalog reads it (when it differs)] */
type CatalogEntryData = [name: string, smarts: string, mergedHsSmarts?: string];

const data = JSON.parse(readFileSync(new URL('./filter-catalogs.json', import.meta.url), 'utf8')) as {
  catalogs: Record<CatalogPart, CatalogEntryData[]>;
};

const CHEMBL_PARTS: CatalogPart[] = ['CHEMBL_BMS', 'CHEMBL_Dundee', 'CHEMBL_Glaxo', 'CHEMBL_Inpharmatica', 'CHEMBL_LINT', 'CHEMBL_MLSMR', 'CHEMBL_SureChEMBL'];

/** RDKit's composite catalogs (FilterCatalogParams::PAINS, ::CHEMBL) and the parts themselves. */
const CATALOG_PARTS: Record<StructuralAlertCatalog, CatalogPart[]> = {
  PAINS: ['PAINS_A', 'PAINS_B', 'PAINS_C'],
  PAINS_A: ['PAINS_A'],
  PAINS_B: ['PAINS_B'],
  PAINS_C: ['PAINS_C'],
  BRENK: ['BRENK'],
  NIH: ['NIH'],
  CHEMBL: CHEMBL_PARTS,
  CHEMBL_BMS: ['CHEMBL_BMS'],
  CHEMBL_Dundee: ['CHEMBL_Dundee'],
  CHEMBL_Glaxo: ['CHEMBL_Glaxo'],
  CHEMBL_Inpharmatica: ['CHEMBL_Inpharmatica'],
  CHEMBL_LINT: ['CHEMBL_LINT'],
  CHEMBL_MLSMR: ['CHEMBL_MLSMR'],
  CHEMBL_SureChEMBL: ['CHEMBL_SureChEMBL'],
};

/** Boltz's built-in levels (contents unpublished; ours and why: docs/molecule-filters.md). */
export const SMARTS_CATALOG_LEVEL_CATALOGS: Record<SmartsCatalogFilterLevel, StructuralAlertCatalog[]> = {
  disabled: [],
  recommended: ['PAINS'],
  extra: ['PAINS', 'BRENK'],
  aggressive: ['PAINS', 'BRENK', 'NIH', 'CHEMBL'],
};

export interface StructuralAlert {
  /** The catalog part it belongs to (`PAINS_A`, `BRENK`, `CHEMBL_LINT`, …). */
  catalog: CatalogPart;
  name: string;
  query: RdkitMolecule;
}

// Compiled once per RDKit instance (one per worker thread) and kept for the thread's life.
const compiled = new WeakMap<RdkitModule, Map<CatalogPart, StructuralAlert[]>>();

function compilePart(rdkit: RdkitModule, part: CatalogPart): StructuralAlert[] {
  return data.catalogs[part].map(([name, smarts, mergedHsSmarts]) => {
    const query = rdkit.get_qmol(mergedHsSmarts ?? smarts);
    if (!query) throw new Error(`RDKit cannot parse the SMARTS of ${part} alert ${name}`);
    return { catalog: part, name, query };
  });
}

/** The alerts of the catalogs, each once, in catalog order, compiled on first use. */
export function structuralAlerts(rdkit: RdkitModule, catalogs: readonly StructuralAlertCatalog[]): StructuralAlert[] {
  let parts = compiled.get(rdkit);
  if (!parts) compiled.set(rdkit, (parts = new Map()));
  const alerts: StructuralAlert[] = [];
  for (const part of new Set(catalogs.flatMap((catalog) => CATALOG_PARTS[catalog]))) {
    let partAlerts = parts.get(part);
    if (!partAlerts) parts.set(part, (partAlerts = compilePart(rdkit, part)));
    alerts.push(...partAlerts);
  }
  return alerts;
}

/** Whether RDKit finds the query in the molecule (`get_substruct_match` answers `{}` for none). */
export function hasSubstructure(mol: RdkitMolecule, query: RdkitMolecule): boolean {
  return mol.get_substruct_match(query) !== '{}';
}
