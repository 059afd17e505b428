#!/usr/bin/python3
"""Builds packages/chemistry/src/molecules/filter-catalogs.json from RDKit's FilterCatalog data.

Usage: build-filter-catalogs.py RDKIT_SOURCE_DIR RDKIT_COMMIT > filter-catalogs.json
  RDKIT_SOURCE_DIR holds RDKit's Code/GraphMol/FilterCatalog/ (e.g. `git archive <commit>
  Code/GraphMol/FilterCatalog | tar -x -C DIR` in a clone of github.com/rdkit/rdkit).

Each entry is [name, smarts] as published (the .in files, and Filters.cpp for BRENK), plus a
third element when RDKit's reading of the SMARTS differs from the text: RDKit's FilterCatalog
parses its SMARTS with mergeHs (explicit [#1] neighbours become H-count queries, see
MakeFilterCatalogEntry in FilterCatalogEntry.cpp), which RDKit's WebAssembly build cannot ask
for (get_qmol has no options), so the merged query is written out as SMARTS here by Python RDKit.
The chemistry tests check that the result matches exactly what Python's FilterCatalog matches.
"""
import json
import re
import sys
from pathlib import Path

from rdkit import Chem, RDLogger

RDLogger.DisableLog('rdApp.*')

# Catalog name (as the SDK's `smarts_catalog_filter.catalog` spells it) → C array and file.
SOURCES = {
    'PAINS_A': ('PAINS_A', 'pains_a.in'),
    'PAINS_B': ('PAINS_B', 'pains_b.in'),
    'PAINS_C': ('PAINS_C', 'pains_c.in'),
    'BRENK': ('BRENK', 'Filters.cpp'),
    'NIH': ('NIH', 'nih.in'),
    'CHEMBL_BMS': ('CHEMBL_BMS', 'chembl_bms.in'),
    'CHEMBL_Dundee': ('CHEMBL_Dundee', 'chembl_dundee.in'),
    'CHEMBL_Glaxo': ('CHEMBL_Glaxo', 'chembl_glaxo.in'),
    'CHEMBL_Inpharmatica': ('CHEMBL_Inpharmatica', 'chembl_inpharmatica.in'),
    'CHEMBL_LINT': ('CHEMBL_LINT', 'chembl_lint.in'),
    'CHEMBL_MLSMR': ('CHEMBL_MLSMR', 'chembl_mlsmr.in'),
    'CHEMBL_SureChEMBL': ('CHEMBL_SureChEMBL', 'chembl_surechembl.in'),
}

STRING = r'"(?:[^"\\]|\\.)*"'
# {"name", "smarts" "continued…", max, "comment"}: adjacent C string literals concatenate.
ENTRY = re.compile(rf'\{{\s*({STRING})\s*,\s*((?:{STRING}\s*)+),\s*(\d+)\s*,\s*({STRING})\s*\}}')


def literal(text):
    return ''.join(json.loads(part) for part in re.findall(STRING, text))


def entries(source_dir, array, file_name):
    text = (source_dir / file_name).read_text()
    start = text.index(f'const FilterData_t {array}[] = {{')
    block = text[start:text.index('};', start)]
    for match in ENTRY.finditer(block):
        name, smarts, max_count = literal(match[1]), literal(match[2]), int(match[3])
        # SmartsMatcher's minCount = max + 1; none of the catalogs the API names use a count.
        assert max_count == 0, f'{array} {name}: counted entries are not supported'
        merged = Chem.MolFromSmarts(smarts, mergeHs=True)
        assert merged is not None, f'{array} {name}: RDKit cannot parse {smarts}'
        # Compared as written out, so that Hs merged inside recursive SMARTS count too.
        merged_smarts = Chem.MolToSmarts(merged)
        if merged_smarts == Chem.MolToSmarts(Chem.MolFromSmarts(smarts)):
            yield [name, smarts]
        else:
            yield [name, smarts, merged_smarts]


def main():
    source_dir = Path(sys.argv[1]) / 'Code/GraphMol/FilterCatalog'
    catalogs = {name: list(entries(source_dir, *source)) for name, source in SOURCES.items()}
    document = {
        'source': f'RDKit FilterCatalog data, github.com/rdkit/rdkit Code/GraphMol/FilterCatalog/ at {sys.argv[2]}',
        'licence': 'BSD-3-Clause (RDKit, license.txt); references per catalog in docs/molecule-filters.md',
        'entry': '[name, smarts as published, smarts with RDKit mergeHs applied (when it differs)]',
        'catalogs': catalogs,
    }
    json.dump(document, sys.stdout, separators=(',', ':'), ensure_ascii=False)
    sys.stdout.write('\n')


main()
