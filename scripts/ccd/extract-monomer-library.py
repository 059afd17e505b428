#!/usr/bin/python3
"""Builds packages/chemistry/tables/ccd-components.jsonl.gz, the chemical component table the
server ships (packages/chemistry/src/ccd.ts): every component of the CCP4 monomer library (the
Debian package `refmac-dictionary`, whose components follow the wwPDB Chemical Component
Dictionary's codes and atom names) with its heavy atoms, ideal coordinates and bonds.

Run with Debian's Python (gemmi comes from `python3-gemmi`):

    apt-get install refmac-dictionary python3-gemmi
    /usr/bin/python3 scripts/ccd/extract-monomer-library.py [/usr/share/refmac/monomers]

One JSON array per line, sorted by code:
    [code, name, [[atom, element, x, y, z], ...], [[i, j, order], ...]]
order: 1, 2, 3 or 1.5 (aromatic or delocalised); x, y, z null when the library has no
coordinates (the 20 standard amino acids, whose geometry the engines build themselves).
"""
import gzip
import json
import os
import sys

import gemmi

SOURCE = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/refmac/monomers'
TARGET = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'chemistry', 'tables', 'ccd-components.jsonl.gz')
ORDERS = {'single': 1, 'sinlge': 1, 'double': 2, 'triple': 3, 'aromatic': 1.5, 'aromat': 1.5, 'deloc': 1.5}
# The monomer library describes standard amino acids inside a chain; the CCD also lists the
# terminal carboxylate oxygen OXT (bonded to C), which requests may name.
AMINO_ACIDS = set('ALA ARG ASN ASP CYS GLN GLU GLY HIS ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL'.split())
SKIP = {'HOH', 'DOD', 'DUM'}


def blocks(path):
    text = open(path, encoding='latin-1').read()
    # A few files carry text before their first block header.
    start = text.find('data_')
    return gemmi.cif.read_string(text[start:]) if start >= 0 else []


def component(block):
    code = block.name[len('comp_'):]
    if code in SKIP or '-' in code:
        return None
    atoms = []
    index = {}
    table = block.find('_chem_comp_atom.', ['atom_id', 'type_symbol', '?x', '?y', '?z'])
    for row in table:
        element = row[1].upper()
        if element in ('H', 'D'):
            continue
        name = gemmi.cif.as_string(row[0])
        xyz = [round(gemmi.cif.as_number(row[k]), 3) if row.has(k) else None for k in (2, 3, 4)]
        index[name] = len(atoms)
        atoms.append([name, element, *xyz])
    if not atoms:
        return None
    bonds = []
    for row in block.find('_chem_comp_bond.', ['atom_id_1', 'atom_id_2', 'type']):
        a, b = gemmi.cif.as_string(row[0]), gemmi.cif.as_string(row[1])
        if a in index and b in index and row[2] in ORDERS:
            bonds.append([index[a], index[b], ORDERS[row[2]]])
    if code in AMINO_ACIDS and 'OXT' not in index:
        atoms.append(['OXT', 'O', None, None, None])
        bonds.append([index['C'], len(atoms) - 1, 1.5])
    return code, atoms, bonds


def names(path):
    doc = blocks(path)
    listing = doc.find_block('comp_list') if doc else None
    if listing is None:
        return {}
    return {gemmi.cif.as_string(r[0]): gemmi.cif.as_string(r[1]).strip() for r in listing.find('_chem_comp.', ['id', 'name'])}


def main():
    entries = {}
    for folder in sorted(os.listdir(SOURCE)):
        directory = os.path.join(SOURCE, folder)
        if not os.path.isdir(directory):
            continue
        for file in sorted(os.listdir(directory)):
            if not file.endswith('.cif'):
                continue
            path = os.path.join(directory, file)
            titles = names(path)
            for block in blocks(path):
                if not block.name.startswith('comp_') or block.name == 'comp_list':
                    continue
                parsed = component(block)
                if parsed:
                    code, atoms, bonds = parsed
                    entries[code] = [code, titles.get(code, code), atoms, bonds]
    with gzip.GzipFile(TARGET, 'wb', mtime=0) as out:
        for code in sorted(entries):
            out.write((json.dumps(entries[code], separators=(',', ':'), ensure_ascii=False) + '\n').encode('utf-8'))
    print(f'{len(entries)} components written to {os.path.normpath(TARGET)}')


main()
