#!/usr/bin/python3
"""Test oracle: Python RDKit's answers for the chemistry tests (run with Debian's /usr/bin/python3,
which has python3-rdkit). Reads one SMILES per line on stdin, writes one JSON line per molecule.

  rdkit_oracle.py descriptors            the API's descriptors as RDKit's Python computes them
  rdkit_oracle.py catalogs CATALOGS.json the names of the filter-catalog entries each molecule hits

A molecule RDKit cannot parse (or an empty one) is written as null.
"""
import json
import sys

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, rdMolDescriptors
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogEntry, FilterCatalogParams, SmartsMatcher

RDLogger.DisableLog('rdApp.*')

# RDKit 2026.03 (rdkit/rdkit#9060, fixing #8997) stopped counting a three-connected aromatic
# nitrogen (pyrrole, pyridone type) as an H-bond acceptor: NumHBA version 2.0.2. Debian's RDKit
# predates it, so the oracle also counts acceptors with the current definition's SMARTS, taken
# verbatim from Code/GraphMol/Descriptors/Lipinski.cpp.
HBA_2_0_2 = Chem.MolFromSmarts(
    '[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),'
    '$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0X2,o,s;+0])]')


def descriptors(mol):
    return {
        'mol_wt': Descriptors.MolWt(mol),
        'mol_logp': Descriptors.MolLogP(mol),
        'num_h_donors': Descriptors.NumHDonors(mol),
        'num_h_acceptors': Descriptors.NumHAcceptors(mol),
        'num_h_acceptors_2_0_2': len(mol.GetSubstructMatches(HBA_2_0_2, maxMatches=100000)),
        'num_rotatable_bonds': Descriptors.NumRotatableBonds(mol),
        'num_rings': Descriptors.RingCount(mol),
        'num_bridgehead_atoms': rdMolDescriptors.CalcNumBridgeheadAtoms(mol),
        'num_aromatic_rings': Descriptors.NumAromaticRings(mol),
        'num_heteroatoms': Descriptors.NumHeteroatoms(mol),
        'fraction_csp3': Descriptors.FractionCSP3(mol),
        'tpsa': Descriptors.TPSA(mol),
        'canonical_smiles': Chem.MolToSmiles(mol),
    }


def catalog_matcher(catalogs_file):
    """The alerts each molecule hits, per catalog part, twice: with FilterCatalogs built as RDKit
    builds its own (FilterCatalogEntry.cpp, MakeFilterCatalogEntry: SMARTS parsed with mergeHs)
    from the published SMARTS in our filter-catalogs.json, which covers the ChEMBL sets this
    RDKit release lacks; and, under "builtin", with this RDKit's built-in catalogs."""
    catalogs = json.load(open(catalogs_file))['catalogs']
    ours = {}
    for part, entries in catalogs.items():
        catalog = FilterCatalog()
        for name, smarts, *_ in entries:
            catalog.AddEntry(FilterCatalogEntry(name, SmartsMatcher(name, Chem.MolFromSmarts(smarts, mergeHs=True))))
        ours[part] = catalog
    builtin = {}
    for part in ('PAINS_A', 'PAINS_B', 'PAINS_C', 'BRENK', 'NIH'):
        params = FilterCatalogParams()
        params.AddCatalog(getattr(FilterCatalogParams.FilterCatalogs, part))
        builtin[part] = FilterCatalog(params)

    def hits(catalog, mol):
        return sorted({match.GetDescription() for match in catalog.GetMatches(mol)})

    return lambda mol: {
        'ours': {part: hits(catalog, mol) for part, catalog in ours.items()},
        'builtin': {part: hits(catalog, mol) for part, catalog in builtin.items()},
    }


def main():
    mode = sys.argv[1]
    compute = descriptors if mode == 'descriptors' else catalog_matcher(sys.argv[2])
    out = sys.stdout
    for line in sys.stdin:
        mol = Chem.MolFromSmiles(line.rstrip('\n'))
        # An empty SMILES parses as a molecule without atoms, which is not a molecule.
        valid = mol is not None and mol.GetNumAtoms() > 0
        out.write(json.dumps(compute(mol) if valid else None) + '\n')


main()
