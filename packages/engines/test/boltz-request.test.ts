import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadChemistry, type Chemistry } from '@boltz/chemistry';
import { EngineFailure, toBoltzRequest } from '../src/index.ts';
import { jobOf, REQUEST_FIXTURES, requestCases } from './request-cases.ts';

let chemistry: Chemistry;
before(async () => {
  chemistry = await loadChemistry();
});

describe('live engine: API input → boltz predict YAML and flags (golden fixtures)', () => {
  for (const testCase of requestCases()) {
    it(testCase.name, () => {
      const dir = join(REQUEST_FIXTURES, testCase.name);
      const errorFile = join(dir, 'expected-error.json');
      if (existsSync(errorFile)) {
        assert.throws(
          () => toBoltzRequest(jobOf(testCase), testCase.deployment, chemistry),
          (error: unknown) => {
            assert.ok(error instanceof EngineFailure);
            assert.deepEqual(error.toJobError(), JSON.parse(readFileSync(errorFile, 'utf8')));
            return true;
          },
        );
        return;
      }
      const request = toBoltzRequest(jobOf(testCase), testCase.deployment, chemistry);
      assert.equal(request.yamlText, readFileSync(join(dir, 'expected.yaml'), 'utf8'));
      assert.deepEqual(request.args, JSON.parse(readFileSync(join(dir, 'expected-args.json'), 'utf8')));
      const filesDir = join(dir, 'expected-files');
      const expectedNames = existsSync(filesDir) ? readdirSync(filesDir).sort() : [];
      assert.deepEqual(request.files.map((f) => f.name).sort(), expectedNames);
      for (const file of request.files) assert.ok(file.data.equals(readFileSync(join(filesDir, file.name))), `${file.name} differs`);
    });
  }
});

describe('live engine: request rules (spec/ENGINE.md §3, §5)', () => {
  const byName = (name: string) => requestCases().find((c) => c.name === name)!;
  const build = (name: string) => toBoltzRequest(jobOf(byName(name)), byName(name).deployment, chemistry);
  const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

  it('keeps chain ids and SMILES strings when read as YAML 1.1 (PyYAML)', () => {
    const yaml = parse(build('yaml-1.1-chain-ids').yamlText, { version: '1.1' });
    assert.deepEqual(yaml.sequences[0].protein.id, ['ON', 'NO']);
    assert.equal(yaml.sequences[1].protein.id, 'Y');
    assert.equal(yaml.sequences[2].ligand.id, '1');
    assert.equal(yaml.properties[0].affinity.binder, '1');
    const smiles = 'F/C=C\\F';
    const job = jobOf(byName('yaml-1.1-chain-ids'));
    job.input = { entities: [{ type: 'ligand_smiles', chain_ids: ['OFF'], value: smiles }] };
    const ligand = parse(toBoltzRequest(job, { cacheDir: '/c' }, chemistry).yamlText, { version: '1.1' }).sequences[0].ligand;
    assert.deepEqual(ligand, { id: 'OFF', smiles });
  });

  it('shifts every 0-based API index to Boltz 1-based positions', () => {
    const fc = parse(build('glycosylated-fc').yamlText);
    // bonds: polymer residue_index 4 → 5; glycan residues by bond-graph position.
    assert.deepEqual(fc.constraints.at(-1).bond, { atom1: ['A', 5, 'ND2'], atom2: ['G', 1, 'C1'] });
    const peptide = parse(build('cyclic-phosphopeptide').yamlText);
    assert.deepEqual(peptide.sequences[0].protein.modifications, [{ position: 4, ccd: 'SEP' }, { position: 8, ccd: 'SEP' }]);
    const homeodomain = parse(build('homeodomain-dna-rna-ions').yamlText);
    assert.deepEqual(homeodomain.constraints[0].contact, { token1: ['A', 50], token2: ['C', 5], max_distance: 8, force: false });
  });

  it('passes --step_scale always and MSA flags only when every protein omits msa', () => {
    for (const testCase of requestCases().filter((c) => !existsSync(join(REQUEST_FIXTURES, c.name, 'expected-error.json')))) {
      const request = toBoltzRequest(jobOf(testCase), testCase.deployment, chemistry);
      const proteins = testCase.input.entities.filter((e: any) => e.type === 'protein');
      assert.equal(flag(request.args, '--step_scale'), String(testCase.input.model_options?.step_scale ?? 1.638));
      assert.equal(request.args.includes('--use_msa_server'), proteins.every((p: any) => p.msa === undefined), testCase.name);
    }
  });

  it('gives proteins with the same sequence one MSA file, as Boltz merges them', () => {
    const a3m = { type: 'custom', format: 'a3m', source: { type: 'base64', data: Buffer.from('>q\nMKTAYIAK\n').toString('base64'), media_type: 'text/x-a3m' } };
    const job = jobOf({
      name: 'copies',
      jobId: 'sab_pred_copies',
      deployment: {},
      input: {
        entities: [
          { type: 'protein', chain_ids: ['A'], value: 'MKTAYIAK', msa: a3m },
          { type: 'protein', chain_ids: ['B'], value: 'GSHMLE', msa: { type: 'empty' } },
          { type: 'protein', chain_ids: ['C'], value: 'MKTAYIAK', msa: a3m },
        ],
      },
    });
    const request = toBoltzRequest(job, { cacheDir: '/c' }, chemistry);
    assert.deepEqual(parse(request.yamlText).sequences.map((s: any) => s.protein.msa), ['msa_0.a3m', 'empty', 'msa_0.a3m']);
    assert.deepEqual(request.files.map((f) => f.name), ['msa_0.a3m']);
  });

  it('converts PDB templates to mmCIF keeping the author chain ids', () => {
    const tmpl = build('crambin-custom-msa-templates').files.find((f) => f.name === 'tmpl_1.cif')!.data.toString();
    assert.match(tmpl, /^data_tmpl_1\n/);
    const atoms = tmpl.split('\n').filter((l) => l.startsWith('ATOM '));
    // 12 ATOM records, one alternate location dropped, the water dropped.
    assert.equal(atoms.length, 11);
    assert.ok(atoms.every((l) => / THR A 1 \d /.test(l) && / THR A \S+ 1$/.test(l)));
  });
});
