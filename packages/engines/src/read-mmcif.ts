/**
 * A reader for the part of mmCIF that templates and uploaded structures need: the `_atom_site`
 * loop of the first model, grouped into chains and residues. Chains are named by their author
 * chain id (`auth_asym_id`, what viewers and users see), falling back to `label_asym_id`;
 * residues are in file order, so the API's 0-based residue index k of a chain is its k-th
 * residue (`label_seq_id` k + 1 in a well-formed file, spec/PIPELINE-ENGINES.md §2).
 */
export interface CifAtomSite {
  name: string;
  element: string;
  x: number;
  y: number;
  z: number;
  bFactor: number;
}

export interface CifResidue {
  /** Three-letter (or CCD) residue name, e.g. `ALA`. */
  name: string;
  /** `label_seq_id`; null for non-polymer residues. */
  labelSeq: number | null;
  polymer: boolean;
  atoms: CifAtomSite[];
}

export interface CifChain {
  id: string;
  residues: CifResidue[];
}

export class MmcifError extends Error {}

/** Splits one line of a CIF loop into values: whitespace separated, `'…'` and `"…"` quoted. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (char === ' ' || char === '\t') {
      i++;
      continue;
    }
    if (char === "'" || char === '"') {
      // A quote ends a value only when followed by whitespace or the end of the line.
      let end = i + 1;
      while (end < line.length && !(line[end] === char && (end + 1 === line.length || line[end + 1] === ' ' || line[end + 1] === '\t'))) end++;
      out.push(line.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
    out.push(line.slice(i, end));
    i = end;
  }
  return out;
}

const REQUIRED = ['label_atom_id', 'label_comp_id', 'Cartn_x', 'Cartn_y', 'Cartn_z'] as const;

/** Chains of the first model, in file order; throws MmcifError when there is no usable `_atom_site` loop. */
export function readMmcifChains(text: string): CifChain[] {
  const lines = text.split(/\r?\n/);
  let start = -1;
  const columns: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== 'loop_') continue;
    let j = i + 1;
    const names: string[] = [];
    while (j < lines.length && lines[j].trimStart().startsWith('_')) names.push(lines[j++].trim());
    if (names[0]?.startsWith('_atom_site.')) {
      columns.push(...names.map((name) => name.slice('_atom_site.'.length)));
      start = j;
      break;
    }
  }
  if (start < 0) throw new MmcifError('the file has no _atom_site loop (no atoms)');
  const col = (name: string) => columns.indexOf(name);
  for (const name of REQUIRED) if (col(name) < 0) throw new MmcifError(`the _atom_site loop has no ${name} column`);
  const at = {
    group: col('group_PDB'),
    atom: col('label_atom_id'),
    comp: col('label_comp_id'),
    labelAsym: col('label_asym_id'),
    authAsym: col('auth_asym_id'),
    labelSeq: col('label_seq_id'),
    authSeq: col('auth_seq_id'),
    insertion: col('pdbx_PDB_ins_code'),
    altLoc: col('label_alt_id'),
    element: col('type_symbol'),
    x: col('Cartn_x'),
    y: col('Cartn_y'),
    z: col('Cartn_z'),
    b: col('B_iso_or_equiv'),
    model: col('pdbx_PDB_model_num'),
  };
  const chains = new Map<string, CifChain & { lastKey?: string }>();
  let firstModel: string | undefined;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (trimmed === '#' && chains.size > 0) break;
      continue;
    }
    if (trimmed.startsWith('_') || trimmed === 'loop_' || trimmed.startsWith('data_')) break;
    const values = tokens(line);
    if (values.length < columns.length) throw new MmcifError(`_atom_site row ${i + 1} has ${values.length} values for ${columns.length} columns`);
    const value = (index: number) => (index < 0 ? undefined : values[index]);
    const model = value(at.model);
    firstModel ??= model;
    if (model !== firstModel) break;
    const altLoc = value(at.altLoc);
    if (altLoc !== undefined && altLoc !== '.' && altLoc !== '?' && altLoc !== 'A') continue;
    const chainId = [value(at.authAsym), value(at.labelAsym)].find((id) => id !== undefined && id !== '.' && id !== '?');
    if (!chainId) throw new MmcifError(`_atom_site row ${i + 1} names no chain`);
    const labelSeqText = value(at.labelSeq);
    const labelSeq = labelSeqText === undefined || labelSeqText === '.' || labelSeqText === '?' ? null : Number(labelSeqText);
    const residueKey = `${value(at.comp)}|${labelSeqText}|${value(at.authSeq)}|${value(at.insertion)}`;
    let chain = chains.get(chainId);
    if (!chain) {
      chain = { id: chainId, residues: [] };
      chains.set(chainId, chain);
    }
    if (chain.lastKey !== residueKey) {
      chain.lastKey = residueKey;
      chain.residues.push({ name: value(at.comp)!, labelSeq, polymer: value(at.group) !== 'HETATM' && labelSeq !== null, atoms: [] });
    }
    const coordinate = (index: number) => {
      const number = Number(values[index]);
      if (!Number.isFinite(number)) throw new MmcifError(`_atom_site row ${i + 1} has a non-numeric coordinate`);
      return number;
    };
    chain.residues[chain.residues.length - 1].atoms.push({
      name: value(at.atom)!,
      element: (value(at.element) ?? value(at.atom)!.replace(/[^A-Za-z]/g, '')[0] ?? 'X').toUpperCase(),
      x: coordinate(at.x),
      y: coordinate(at.y),
      z: coordinate(at.z),
      bFactor: at.b < 0 ? 0 : Number(values[at.b]) || 0,
    });
  }
  if (chains.size === 0) throw new MmcifError('the _atom_site loop is empty (no atoms)');
  return [...chains.values()].map(({ id, residues }) => ({ id, residues }));
}

/** One-letter codes of the standard amino acids (and common modified ones by their parent). */
export const ONE_LETTER: Record<string, string> = {
  ALA: 'A', ARG: 'R', ASN: 'N', ASP: 'D', CYS: 'C', GLN: 'Q', GLU: 'E', GLY: 'G', HIS: 'H', ILE: 'I',
  LEU: 'L', LYS: 'K', MET: 'M', PHE: 'F', PRO: 'P', SER: 'S', THR: 'T', TRP: 'W', TYR: 'Y', VAL: 'V',
  MSE: 'M', SEP: 'S', TPO: 'T', PTR: 'Y', HYP: 'P', MLY: 'K', CSO: 'C',
};

/** The protein sequence of a chain's polymer residues (X for unknown residues); '' when it has none. */
export function proteinSequenceOf(chain: CifChain): string {
  return chain.residues.filter((residue) => residue.polymer).map((residue) => ONE_LETTER[residue.name] ?? 'X').join('');
}
