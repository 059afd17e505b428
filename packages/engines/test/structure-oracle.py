#!/usr/bin/python3
"""Independent checks of synthetic structures, with gemmi (Debian python3-gemmi) reading the
mmCIF and RDKit (python3-rdkit) as the chemistry reference. Reads JSON from stdin:

    {"structures": [{"cif": "...", "smiles": {"L": "CCO"}, "ccd": {"M": "ATP"}}], "components": "<path of ccd-components.jsonl.gz>"}

and prints one JSON report per structure: per protein chain the radius of gyration (Cα and all
heavy atoms) and the C–N distances of consecutive residues; residues missing heavy atoms;
non-bonded heavy-atom pairs closer than 2.5 Å; per ligand its bond-length deviations from the
reference geometry, its stereochemistry, and its contacts with the polymers; mean pLDDT (B-factor)
in regular secondary structure, in loops and at termini; per pair of polymer chains the residues of
each side with a heavy atom within 4 Å of the other, and their closest approach.
"""
import gzip
import json
import math
import sys

import gemmi
from rdkit import Chem
from rdkit.Chem import AllChem
from rdkit.Geometry import Point3D

request = json.load(sys.stdin)
components = {}
with gzip.open(request['components'], 'rt', encoding='utf-8') as table:
    for line in table:
        code, name, atoms, bonds = json.loads(line)
        components[code] = {'atoms': atoms, 'bonds': bonds}


def heavy_names(code):
    return [a[0] for a in components[code]['atoms']] if code in components else None


def residue_bonds(residue):
    """Bonded atom-name pairs inside a residue, from the CCD table (by name)."""
    component = components.get(residue.name)
    if not component:
        return set()
    names = [a[0] for a in component['atoms']]
    return {frozenset((names[i], names[j])) for i, j, _ in component['bonds']}


def radius_of_gyration(points):
    n = len(points)
    c = [sum(p[k] for p in points) / n for k in range(3)]
    return math.sqrt(sum(sum((p[k] - c[k]) ** 2 for k in range(3)) for p in points) / n)


def check(structure):
    st = gemmi.make_structure_from_block(gemmi.cif.read_string(structure['cif'])[0])
    st.setup_entities()
    model = st[0]
    report = {'chains': {}, 'missing_atoms': [], 'clashes': 0, 'heavy_atoms': 0, 'ligands': {}}
    polymer_atoms = []
    for chain in model:
        for residue in chain:
            for atom in residue:
                report['heavy_atoms'] += 1
    # Protein chains: Rg, C–N links, completeness, pLDDT by structure class.
    for chain in model:
        residues = list(chain.get_polymer())
        if not residues:
            continue
        is_protein = residues[0].find_atom('CA', '*') is not None
        is_nucleic = not is_protein
        if is_protein or is_nucleic:
            for r in residues:
                for a in r:
                    polymer_atoms.append((chain.name, a.pos))
        if not (is_protein or is_nucleic):
            continue
        for i, r in enumerate(residues):
            expected = heavy_names(r.name)
            if expected is None:
                continue
            leaving = {'OP3'} | ({'OXT'} if i < len(residues) - 1 else set())
            present = {a.name for a in r}
            missing = [n for n in expected if n not in present and n not in leaving]
            if missing:
                report['missing_atoms'].append(f'{chain.name}{r.seqid.num}{r.name}:{",".join(missing)}')
        if is_protein:
            ca = [r.find_atom('CA', '*').pos for r in residues]
            every = [a.pos for r in residues for a in r]
            links = [r.find_atom('C', '*').pos.dist(n.find_atom('N', '*').pos) for r, n in zip(residues, residues[1:])]
            # Regular secondary structure from Cα spacing (helix i→i+3 < 6.2 Å, strand i→i±2 > 6.2 Å).
            regular = []
            for i in range(len(ca)):
                helix = any(0 <= j < len(ca) and ca[i].dist(ca[j]) < 6.2 for j in (i - 3, i + 3))
                strand = 2 <= i < len(ca) - 2 and ca[i].dist(ca[i - 2]) > 6.2 and ca[i].dist(ca[i + 2]) > 6.2
                regular.append(helix or strand)
            plddt = [r[0].b_iso for r in residues]
            core = [p for i, p in enumerate(plddt) if 6 <= i < len(plddt) - 6]
            ends = [p for i, p in enumerate(plddt) if i < 3 or i >= len(plddt) - 3]
            report['chains'][chain.name] = {
                'residues': len(residues),
                'rg_ca': radius_of_gyration([(p.x, p.y, p.z) for p in ca]),
                'rg_all': radius_of_gyration([(p.x, p.y, p.z) for p in every]),
                'cn_min': min(links) if links else None,
                'cn_max': max(links) if links else None,
                'plddt_regular': sum(p for p, g in zip(plddt, regular) if g) / max(1, sum(regular)),
                'plddt_loop': sum(p for p, g in zip(plddt, regular) if not g) / max(1, len(regular) - sum(regular)),
                'plddt_termini': sum(ends) / max(1, len(ends)),
                'plddt_core': sum(core) / max(1, len(core)),
            }
    # Non-bonded close pairs: different residues, not within three bonds across a polymer link.
    ns = gemmi.NeighborSearch(model, st.cell, 5).populate()
    cs = gemmi.ContactSearch(2.5)
    cs.ignore = gemmi.ContactSearch.Ignore.SameResidue
    for mark in cs.find_contacts(ns):
        a, b = mark.partner1, mark.partner2
        if a.chain.name == b.chain.name and abs(a.residue.seqid.num - b.residue.seqid.num) == 1 and a.residue.seqid.num != b.residue.seqid.num and not a.residue.is_water():
            first, second = (a, b) if a.residue.seqid.num < b.residue.seqid.num else (b, a)
            link = ('C', 'N') if first.residue.find_atom('C', '*') and second.residue.find_atom('N', '*') else ("O3'", 'P')
            if within_three_bonds(first, second, link):
                continue
        report['clashes'] += 1
        report.setdefault('clash_examples', []).append(f'{a.chain.name}{a.residue.seqid.num}{a.residue.name}.{a.atom.name}–{b.chain.name}{b.residue.seqid.num}{b.residue.name}.{b.atom.name} {a.atom.pos.dist(b.atom.pos):.2f}')
    # Interfaces between polymer chains: residues of each side with a heavy atom within 4 Å of the other, closest approach.
    polymer_chains = {name for name, _ in polymer_atoms}
    interfaces = {}
    for mark in gemmi.ContactSearch(4.0).find_contacts(ns):
        a, b = mark.partner1, mark.partner2
        if a.chain.name == b.chain.name or a.chain.name not in polymer_chains or b.chain.name not in polymer_chains:
            continue
        (a, b) = (a, b) if a.chain.name < b.chain.name else (b, a)
        entry = interfaces.setdefault(f'{a.chain.name}-{b.chain.name}', {'residues': {a.chain.name: set(), b.chain.name: set()}, 'closest': 99.0})
        entry['residues'][a.chain.name].add(a.residue.seqid.num)
        entry['residues'][b.chain.name].add(b.residue.seqid.num)
        entry['closest'] = min(entry['closest'], a.atom.pos.dist(b.atom.pos))
    report['interfaces'] = {key: {'residues': {c: sorted(r) for c, r in e['residues'].items()}, 'closest': e['closest']} for key, e in interfaces.items()}
    # Ligands.
    for chain_name, smiles in structure.get('smiles', {}).items():
        report['ligands'][chain_name] = ligand_report(model, chain_name, polymer_atoms, smiles=smiles)
    for chain_name, code in structure.get('ccd', {}).items():
        report['ligands'][chain_name] = ligand_report(model, chain_name, polymer_atoms, ccd=code)
    return report


def within_three_bonds(first, second, link):
    """Graph distance ≤ 3 between an atom of residue i and one of residue i+1, through the link bond."""
    def depth(residue, start, target):
        bonds = residue_bonds(residue)
        frontier, seen, d = {start}, {start}, 0
        while frontier and d <= 3:
            if target in frontier:
                return d
            frontier = {n for a in frontier for pair in bonds if a in pair for n in pair if n not in seen}
            seen |= frontier
            d += 1
        return 99
    return depth(first.residue, first.atom.name, link[0]) + 1 + depth(second.residue, link[1], second.atom.name) <= 3


def ligand_report(model, chain_name, polymer_atoms, smiles=None, ccd=None):
    chain = model[chain_name]
    atoms = [a for r in chain for a in r]
    positions = [a.pos for a in atoms]
    contacts = sum(1 for p in positions if any(p.dist(q) <= 4.0 for c, q in polymer_atoms))
    closest = min((p.dist(q) for p in positions for c, q in polymer_atoms), default=None)
    deviations = []
    stereo = None
    if smiles:
        mol = Chem.MolFromSmiles(smiles)
        reference = Chem.AddHs(mol)
        AllChem.EmbedMolecule(reference, randomSeed=7)
        AllChem.MMFFOptimizeMolecule(reference)
        reference = Chem.RemoveHs(reference)
        conformer = Chem.Conformer(mol.GetNumAtoms())
        for i, p in enumerate(positions):
            conformer.SetAtomPosition(i, Point3D(p.x, p.y, p.z))
        mol.AddConformer(conformer, assignId=True)
        for bond in mol.GetBonds():
            i, j = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
            ours = positions[i].dist(positions[j])
            ideal = reference.GetConformer().GetAtomPosition(i).Distance(reference.GetConformer().GetAtomPosition(j))
            deviations.append(abs(ours - ideal))
        placed = Chem.Mol(mol)
        Chem.AssignStereochemistryFrom3D(placed)
        stereo = Chem.MolToSmiles(placed) == Chem.MolToSmiles(Chem.MolFromSmiles(smiles))
    if ccd:
        component = components[ccd]
        names = [a[0] for a in component['atoms']]
        by_name = {a.name: a.pos for a in atoms}
        for i, j, _ in component['bonds']:
            a, b = component['atoms'][i], component['atoms'][j]
            if names[i] in by_name and names[j] in by_name and a[2] is not None:
                ideal = math.dist(a[2:5], b[2:5])
                deviations.append(abs(by_name[names[i]].dist(by_name[names[j]]) - ideal))
    return {'atoms': len(atoms), 'contacts': contacts, 'closest': closest, 'worst_bond_deviation': max(deviations, default=0), 'stereo': stereo}


print(json.dumps([check(s) for s in request['structures']]))
