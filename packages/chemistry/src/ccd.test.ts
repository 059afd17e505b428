import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ccdComponentCount, lookupCcd } from './index.ts';

const heavyAtomCount = (code: string) => lookupCcd(code)?.atoms.length;

describe('lookupCcd', () => {
  it('knows common ligands and cofactors with their CCD heavy-atom counts', () => {
    // Heavy-atom counts as in the CCD.
    const expected: Record<string, number> = { ATP: 31, ADP: 27, GTP: 32, SAH: 26, SAM: 27, HEM: 43, NAD: 44, FAD: 53, COA: 48, EOH: 3 };
    for (const [code, count] of Object.entries(expected)) assert.equal(heavyAtomCount(code), count, code);
  });

  it('names atoms with the CCD atom ids, primes included', () => {
    const atp = lookupCcd('ATP')!;
    assert.equal(atp.name, "ADENOSINE-5'-TRIPHOSPHATE");
    const names = atp.atoms.map((a) => a.name);
    for (const name of ['PG', 'O1G', 'PA', "O5'", "C1'", 'N9', 'N6']) assert.ok(names.includes(name), name);
    assert.deepEqual(atp.atoms.find((a) => a.name === 'PG'), { name: 'PG', element: 'P' });
  });

  it('has ions as one atom with an upper-case element symbol', () => {
    for (const code of ['MG', 'ZN', 'CA', 'NA', 'CL', 'K', 'MN', 'FE']) {
      assert.deepEqual(lookupCcd(code)!.atoms, [{ name: code, element: code }], code);
    }
    assert.deepEqual(lookupCcd('IOD')!.atoms, [{ name: 'I', element: 'I' }]);
  });

  it('has modified residues and glycan sugars with the atoms that bonds refer to', () => {
    assert.deepEqual(lookupCcd('MSE')!.atoms.find((a) => a.name === 'SE'), { name: 'SE', element: 'SE' });
    assert.ok(lookupCcd('SEP')!.atoms.some((a) => a.name === 'P'));
    for (const code of ['NAG', 'MAN', 'BMA', 'GAL', 'FUC', 'SIA', 'GLC']) {
      const names = lookupCcd(code)!.atoms.map((a) => a.name);
      assert.ok(names.includes('C1') && names.includes('O4'), code);
    }
    assert.ok(lookupCcd('NAG')!.atoms.some((a) => a.name === 'N2'));
  });

  it('lists the backbone atoms of every standard amino acid, OXT included', () => {
    for (const code of 'ALA ARG ASN ASP CYS GLN GLU GLY HIS ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL'.split(' ')) {
      const names = lookupCcd(code)!.atoms.map((a) => a.name);
      for (const backbone of ['N', 'CA', 'C', 'O', 'OXT']) assert.ok(names.includes(backbone), `${code} ${backbone}`);
    }
    assert.equal(heavyAtomCount('TRP'), 15);
  });

  it('holds heavy atoms only and no water', () => {
    assert.equal(lookupCcd('HOH'), undefined);
    for (const code of ['ATP', 'NAG', 'ALA', 'A', 'DT', 'STI']) {
      assert.ok(lookupCcd(code)!.atoms.every((a) => a.element !== 'H'), code);
    }
  });

  it('answers undefined for codes outside the table, lower case, and object keys', () => {
    for (const code of ['XYZ1', 'QQQQQ', 'atp', '', 'constructor', 'toString']) assert.equal(lookupCcd(code), undefined, code);
  });

  it('lists thousands of components, with ideal coordinates and bonds that agree with them', () => {
    assert.ok(ccdComponentCount() > 10_000);
    for (const code of ['ATP', 'HEM', 'NAG', 'STI', 'SEP', 'IMN', 'DA']) {
      const component = lookupCcd(code)!;
      assert.ok(component.coordinates, code);
      assert.equal(component.coordinates.length, component.atoms.length);
      assert.ok(component.bonds.length >= component.atoms.length - 1, code);
      for (const [i, j, order] of component.bonds) {
        const length = Math.hypot(...component.coordinates[i].map((v, k) => v - component.coordinates![j][k]));
        const metal = [component.atoms[i], component.atoms[j]].some((a) => a.element === 'FE');
        assert.ok(length > 1.0 && length < (metal ? 2.6 : 2.0), `${code} ${component.atoms[i].name}–${component.atoms[j].name} ${length.toFixed(2)} Å`);
        assert.ok([1, 1.5, 2, 3].includes(order));
      }
    }
    // Standard amino acids: atoms and bonds, their geometry is built by the engines.
    assert.equal(lookupCcd('ALA')!.coordinates, undefined);
    assert.ok(lookupCcd('ALA')!.bonds.some(([i, j]) => lookupCcd('ALA')!.atoms[i].name === 'CA' && lookupCcd('ALA')!.atoms[j].name === 'CB'));
  });
});
