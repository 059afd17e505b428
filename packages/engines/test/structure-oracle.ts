import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The independent structure checks of ./structure-oracle.py (gemmi reads the mmCIF, RDKit is the
 * chemistry reference; Debian's python3-gemmi and python3-rdkit), for the synthetic engine's tests.
 */
const ORACLE = fileURLToPath(new URL('./structure-oracle.py', import.meta.url));
const COMPONENTS = fileURLToPath(new URL('../../chemistry/tables/ccd-components.jsonl.gz', import.meta.url));

export interface ChainReport {
  residues: number;
  rg_ca: number;
  rg_all: number;
  cn_min: number;
  cn_max: number;
  plddt_regular: number;
  plddt_loop: number;
  plddt_termini: number;
  plddt_core: number;
}
export interface LigandReport {
  atoms: number;
  contacts: number;
  closest: number;
  worst_bond_deviation: number;
  stereo: boolean | null;
}
export interface Report {
  chains: Record<string, ChainReport>;
  missing_atoms: string[];
  clashes: number;
  clash_examples?: string[];
  heavy_atoms: number;
  ligands: Record<string, LigandReport>;
  /** Per pair of polymer chains ("A-B"): residue numbers of each side within 4 Å of the other, closest approach (Å). */
  interfaces: Record<string, { residues: Record<string, number[]>; closest: number }>;
}

export function oracle(structures: Array<{ cif: string; smiles?: Record<string, string>; ccd?: Record<string, string> }>): Report[] {
  const run = spawnSync('/usr/bin/python3', [ORACLE], { input: JSON.stringify({ structures, components: COMPONENTS }), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}
