import initRDKitModuleUntyped, { type MainModule, type Mol } from '@rdkit/rdkit';
import { MAX_SMILES_ATOMS, smilesAtomCount } from './smiles-size.ts';

/** The RDKit WebAssembly module (types from `@rdkit/rdkit`). */
export type RdkitModule = MainModule;
export type RdkitMolecule = Mol;

// The package's default export is typed as a module namespace; it is the factory function.
const initRDKitModule = initRDKitModuleUntyped as unknown as () => Promise<RdkitModule>;

let loading: Promise<RdkitModule> | undefined;

/**
 * RDKit (WebAssembly), loaded once per thread: initialising it takes ~150 ms. Each worker
 * thread has its own instance (WebAssembly memory is not shared between threads).
 */
export function loadRdkit(): Promise<RdkitModule> {
  loading ??= initRDKitModule().then((rdkit) => {
    // Unparseable SMILES are an expected outcome here (counted as invalid), not a log line.
    rdkit.disable_logging();
    return rdkit;
  });
  return loading;
}

/**
 * Parses and sanitises a SMILES string and hands the molecule to `read`, freeing it afterwards;
 * null when RDKit cannot parse or sanitise it. An empty string would parse as an empty molecule,
 * which is not a molecule, and oversized input never reaches RDKit (smiles-size.ts).
 */
export function withMolecule<T>(rdkit: RdkitModule, smiles: string, read: (mol: RdkitMolecule) => T): T | null {
  if (!smiles.trim() || smilesAtomCount(smiles) > MAX_SMILES_ATOMS) return null;
  const mol = rdkit.get_mol(smiles);
  if (!mol) return null;
  try {
    return mol.is_valid() ? read(mol) : null;
  } finally {
    mol.delete();
  }
}
