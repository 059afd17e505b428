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

/**
 * A molecule's heavy atoms and bonds, as the engines need them to build 3D coordinates: 2D
 * depiction coordinates (RDKit, ~1.5 units per bond), formal charges, atom-map numbers (0 when
 * none), and bonds with their order (aromatic = 1.5) and the wedge/hash marks that fix each
 * stereocentre relative to the depiction (the wedge's first atom is the stereocentre).
 */
export interface MoleculeGraph {
  atoms: Array<{ element: string; x: number; y: number; charge: number; atomMap: number }>;
  bonds: Array<{ begin: number; end: number; order: 1 | 1.5 | 2 | 3; stereo: 'wedge' | 'hash' | null }>;
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
  /** Heavy atoms and bonds with a 2D layout; null exactly when `parseSmiles` is null. */
  moleculeGraph(smiles: string): MoleculeGraph | null;
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

const BOND_ORDERS: Record<string, 1 | 1.5 | 2 | 3> = { '1': 1, '2': 2, '3': 3, '4': 1.5 };

/** V2000 molblock → heavy-atom graph (explicit hydrogens, kept by RDKit only for stereo, are dropped). */
function graphFromMolblock(molblock: string): MoleculeGraph {
  const lines = molblock.split('\n');
  const atomCount = Number(lines[3].slice(0, 3));
  const bondCount = Number(lines[3].slice(3, 6));
  const heavyIndex: number[] = [];
  const atoms: MoleculeGraph['atoms'] = [];
  for (let i = 0; i < atomCount; i++) {
    const line = lines[4 + i];
    const element = line.slice(31, 34).trim();
    if (element === 'H') {
      heavyIndex.push(-1);
      continue;
    }
    heavyIndex.push(atoms.length);
    // Columns after the element: mass difference, charge (old style), … , atom-atom mapping (10th).
    const fields = line.slice(34).trim().split(/\s+/).map(Number);
    atoms.push({ element, x: Number(line.slice(0, 10)), y: Number(line.slice(10, 20)), charge: 0, atomMap: fields[9] ?? 0 });
  }
  const bonds: MoleculeGraph['bonds'] = [];
  for (let b = 0; b < bondCount; b++) {
    const line = lines[4 + atomCount + b];
    const [begin, end] = [heavyIndex[Number(line.slice(0, 3)) - 1], heavyIndex[Number(line.slice(3, 6)) - 1]];
    if (begin < 0 || end < 0) continue;
    const stereo = Number(line.slice(9, 12));
    bonds.push({ begin, end, order: BOND_ORDERS[line.slice(6, 9).trim()] ?? 1, stereo: stereo === 1 ? 'wedge' : stereo === 6 ? 'hash' : null });
  }
  for (const line of lines.slice(4 + atomCount + bondCount)) {
    if (!line.startsWith('M  CHG')) continue;
    const values = line.slice(9).trim().split(/\s+/).map(Number);
    for (let k = 0; k + 1 < values.length; k += 2) {
      const index = heavyIndex[values[k] - 1];
      if (index >= 0) atoms[index].charge = values[k + 1];
    }
  }
  return { atoms, bonds };
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

  moleculeGraph(smiles: string): MoleculeGraph | null {
    return withMolecule(this.rdkit, smiles, (mol) => graphFromMolblock(mol.get_molblock(JSON.stringify({ kekulize: false }))));
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
