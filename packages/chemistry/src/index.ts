import { type RdkitModule, loadRdkit, withMolecule } from './rdkit-module.ts';

export * from './atom-maps.ts';
export * from './ccd.ts';
export * from './smiles-size.ts';

/**
 * RDKit (WebAssembly): the field's standard toolkit for SMILES parsing and descriptors.
 * Initialising the module takes ~150 ms, so it is loaded once per process and shared.
 */
export interface MoleculeAtom {
  element: string;
  x: number;
  y: number;
}

export interface ParsedMolecule {
  canonicalSmiles: string;
  heavyAtomCount: number;
  /** RDKit's descriptor set (`exactmw`, `CrippenClogP`, `tpsa`, `NumHBD`, …). */
  descriptors: Record<string, number>;
  /** Heavy atoms in input order with 2D depiction coordinates (Å-like units). */
  atoms: MoleculeAtom[];
}

export interface Chemistry {
  readonly rdkitVersion: string;
  /** Null when RDKit cannot parse or sanitise the SMILES, or it has over MAX_SMILES_ATOMS atoms. */
  parseSmiles(smiles: string): ParsedMolecule | null;
  /**
   * Heavy atoms of the molecule, null exactly when `parseSmiles` is null. Much cheaper: no
   * descriptors, no 2D layout (request validation and pricing call it).
   */
  heavyAtomCount(smiles: string): number | null;
}

let loading: Promise<Chemistry> | undefined;

export function loadChemistry(): Promise<Chemistry> {
  loading ??= loadRdkit().then((rdkit) => new RdkitChemistry(rdkit));
  return loading;
}

function atomsFromMolblock(molblock: string): MoleculeAtom[] {
  const lines = molblock.split('\n');
  const counts = lines[3] ?? '';
  const atomCount = Number(counts.slice(0, 3));
  const atoms: MoleculeAtom[] = [];
  for (let i = 0; i < atomCount; i++) {
    const line = lines[4 + i];
    const element = line.slice(31, 34).trim();
    if (element === 'H') continue;
    atoms.push({ element, x: Number(line.slice(0, 10)), y: Number(line.slice(10, 20)) });
  }
  return atoms;
}

class RdkitChemistry implements Chemistry {
  readonly rdkitVersion: string;

  constructor(private readonly rdkit: RdkitModule) {
    this.rdkitVersion = rdkit.version();
  }

  parseSmiles(smiles: string): ParsedMolecule | null {
    return withMolecule(this.rdkit, smiles, (mol) => {
      const descriptors = JSON.parse(mol.get_descriptors()) as Record<string, number>;
      return {
        canonicalSmiles: mol.get_smiles(),
        heavyAtomCount: descriptors.NumHeavyAtoms,
        descriptors,
        atoms: atomsFromMolblock(mol.get_molblock()),
      };
    });
  }

  heavyAtomCount(smiles: string): number | null {
    return withMolecule(this.rdkit, smiles, (mol) => mol.get_num_atoms(true));
  }
}

export * from './rdkit-module.ts';
export * from './molecules/descriptors.ts';
export * from './molecules/filter-types.ts';
export { SMARTS_CATALOG_LEVEL_CATALOGS } from './molecules/filter-catalogs.ts';
export * from './molecules/molecule-filters.ts';
export * from './molecules/duplicate-counter.ts';
export * from './molecules/library-file.ts';
export * from './molecules/molecule-generator.ts';
export * from './molecules/fingerprints.ts';
export * from './molecules/neighbour-graph.ts';
export * from './molecules/exploration-order.ts';
