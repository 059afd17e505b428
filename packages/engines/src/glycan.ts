/**
 * Glycan residue order (spec/ENGINE.md §5): the API lists residues as a graph whose array order
 * carries no meaning, while a multi-residue ligand chain needs a residue sequence. We walk the
 * bond graph breadth-first from the reducing end, the residue whose anomeric carbon C1 takes part
 * in no internal bond (it is the one attached to the protein); ties, or glycans without such a
 * residue, start from the first listed residue. Neighbours are visited in the order their bonds
 * are listed. Residues not reachable from the root follow in array order.
 */
export interface GlycanInput {
  residues: Array<{ id: string; ccd: string }>;
  bonds: Array<{ atom1: { residue_id: string; atom_id: string }; atom2: { residue_id: string; atom_id: string } }>;
}

export function glycanResidueOrder(glycan: GlycanInput): Array<{ id: string; ccd: string }> {
  const bondedC1 = new Set<string>();
  for (const { atom1, atom2 } of glycan.bonds) {
    for (const atom of [atom1, atom2]) if (atom.atom_id === 'C1') bondedC1.add(atom.residue_id);
  }
  const root = glycan.residues.find((r) => !bondedC1.has(r.id)) ?? glycan.residues[0];
  const byId = new Map(glycan.residues.map((r) => [r.id, r]));
  const visited = new Set<string>([root.id]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    const current = order[i].id;
    for (const { atom1, atom2 } of glycan.bonds) {
      const other = atom1.residue_id === current ? atom2.residue_id : atom2.residue_id === current ? atom1.residue_id : undefined;
      if (other !== undefined && !visited.has(other) && byId.has(other)) {
        visited.add(other);
        order.push(byId.get(other)!);
      }
    }
  }
  for (const residue of glycan.residues) if (!visited.has(residue.id)) order.push(residue);
  return order;
}
