/**
 * A minimal mmCIF writer: `_entity`, `_entity_poly`, `_entity_poly_seq`, `_struct_asym` and the
 * `_atom_site` loop with the columns gemmi and Biopython read (label and auth ids both set, the
 * author chain id equal to the request's chain id, as Boltz writes them, spec/ENGINE.md §4).
 */
export type PolymerType = 'polypeptide(L)' | 'polyribonucleotide' | 'polydeoxyribonucleotide';

export interface CifEntity {
  id: number;
  type: 'polymer' | 'non-polymer' | 'branched';
  description: string;
  /** Polymers only: their residue names in order, for `_entity_poly_seq`. */
  polymer?: { type: PolymerType; residueNames: string[] };
  chainIds: string[];
}

export interface CifAtom {
  group: 'ATOM' | 'HETATM';
  element: string;
  atomName: string;
  residueName: string;
  chainId: string;
  entityId: number;
  /** 1-based residue number; `label_seq_id` is `.` for non-polymers. */
  residueNumber: number;
  /** `auth_seq_id` when it differs from the label numbering (converted PDB files). */
  authResidueNumber?: number;
  polymer: boolean;
  x: number;
  y: number;
  z: number;
  bFactor: number;
}

/** CIF 1.1 token rules: quote values with blanks or a reserved first character. */
export function cifValue(value: string): string {
  if (value === '') return '?';
  if (/\s/.test(value) || /^[_#$'"[\];]/.test(value) || value === '.' || value === '?') {
    return value.includes("'") ? `"${value}"` : `'${value}'`;
  }
  return value;
}

function loop(category: string, columns: string[], rows: string[][]): string {
  const header = ['loop_', ...columns.map((c) => `_${category}.${c}`)];
  return [...header, ...rows.map((row) => row.join(' ')), '#'].join('\n') + '\n';
}

export function writeMmcif(name: string, entities: readonly CifEntity[], atoms: readonly CifAtom[]): string {
  const blockName = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  let out = `data_${blockName}\n#\n_entry.id ${cifValue(blockName)}\n#\n`;
  out += loop(
    'entity',
    ['id', 'type', 'pdbx_description'],
    entities.map((e) => [String(e.id), e.type, cifValue(e.description)]),
  );
  const polymers = entities.filter((e) => e.polymer);
  if (polymers.length > 0) {
    out += loop(
      'entity_poly',
      ['entity_id', 'type', 'pdbx_strand_id'],
      polymers.map((e) => [String(e.id), cifValue(e.polymer!.type), cifValue(e.chainIds.join(','))]),
    );
    out += loop(
      'entity_poly_seq',
      ['entity_id', 'num', 'mon_id', 'hetero'],
      polymers.flatMap((e) => e.polymer!.residueNames.map((res, i) => [String(e.id), String(i + 1), cifValue(res), 'n'])),
    );
  }
  out += loop(
    'struct_asym',
    ['id', 'entity_id'],
    entities.flatMap((e) => e.chainIds.map((chain) => [cifValue(chain), String(e.id)])),
  );
  out += loop(
    'atom_site',
    [
      'group_PDB', 'id', 'type_symbol', 'label_atom_id', 'label_alt_id', 'label_comp_id', 'label_asym_id',
      'label_entity_id', 'label_seq_id', 'pdbx_PDB_ins_code', 'Cartn_x', 'Cartn_y', 'Cartn_z', 'occupancy',
      'B_iso_or_equiv', 'auth_seq_id', 'auth_comp_id', 'auth_asym_id', 'auth_atom_id', 'pdbx_PDB_model_num',
    ],
    atoms.map((a, i) => [
      a.group,
      String(i + 1),
      a.element,
      cifValue(a.atomName),
      '.',
      cifValue(a.residueName),
      cifValue(a.chainId),
      String(a.entityId),
      a.polymer ? String(a.residueNumber) : '.',
      '?',
      a.x.toFixed(3),
      a.y.toFixed(3),
      a.z.toFixed(3),
      '1.00',
      a.bFactor.toFixed(2),
      String(a.authResidueNumber ?? a.residueNumber),
      cifValue(a.residueName),
      cifValue(a.chainId),
      cifValue(a.atomName),
      '1',
    ]),
  );
  return out;
}
