import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { readMoleculeLibrary } from '@boltz/chemistry';
import { twoChainCif } from '../../server/src/families/protein-design/examples.ts';
import { libraryScreenBody } from '../../server/src/families/protein-library-screen/examples.ts';
import { binderRedesignBody } from '../../server/src/families/protein-sequence-redesign/examples.ts';
import { EXAMPLE_TARGET } from '../../server/src/families/common/small-molecule.ts';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { type CliResult, runCli } from './cli-process.ts';
import { type IndexEntry, readJsonl, runSkillWorkflow, startAndStopEarly } from './skill-workflow.ts';

/**
 * The five pipeline families after protein design, through the CLI as a process against a real
 * server in test mode: each one's skill workflow (skill-workflow.ts) with a payload file in the
 * shape of the official skills' docs (boltz-bio/boltz-api-skills on GitHub: each skill's
 * instructions and API reference) and the server's own examples, then what each family adds to the
 * download (CLI.md §9.2): `summary.csv` of the small-molecule runs, the screens' `external_id`,
 * explore's CSV library, sequence redesign's stop and resume.
 */
describe('boltz-api pipeline families', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;
  let root: string;
  let cifPath: string;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.testAdminKey };
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'boltz-cli-families-')));
    root = join(dir, 'boltz-experiments');
    cifPath = join(dir, 'target.cif');
    writeFileSync(cifPath, twoChainCif());
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[]) => runCli(args, { env, cwd: dir });

  /** Writes a payload file as the skills author it: YAML with API body field names. */
  function payloadFile(name: string, body: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, stringify(body));
    return path;
  }

  /** The CIF sent by `@data://` reference, as the skills say (never bare `@path`). */
  const cifStructure = () => ({ type: 'base64', media_type: 'chemical/x-cif', data: `@data://${cifPath}` });

  /**
   * Two columns of `results/summary.csv`, read by the explore library reader of packages/chemistry
   * (RFC 4180, every record as wide as the header): the file must be a CSV the server itself reads.
   */
  async function summaryColumns(runDir: string, column: string): Promise<Array<{ smiles: string; value: string }>> {
    const rows: Array<{ smiles: string; value: string }> = [];
    await readMoleculeLibrary(createReadStream(join(runDir, 'results', 'summary.csv')), { format: 'csv', smiles_column: 'smiles', id_column: column }, (records) => {
      for (const record of records) rows.push({ smiles: record.smiles, value: record.id });
    });
    return rows;
  }

  /** What every small-molecule download has (CLI.md §9.2): summary.csv with smiles and id first, one row per result, structures that are CIFs. ADME columns are checked by the families that have them (not explore). */
  async function checkMoleculeDownload(runDir: string, index: IndexEntry[]): Promise<string[]> {
    // Column names are plain words: the header line needs no CSV quoting.
    const header = readFileSync(join(runDir, 'results', 'summary.csv'), 'utf8').split('\n')[0].split(',');
    assert.deepEqual(header.slice(0, 2), ['smiles', 'id']);
    assert.ok(header.includes('metrics.binding_confidence'), header.join(','));
    const rows = await summaryColumns(runDir, 'id');
    assert.deepEqual(rows, index.map((entry) => ({ smiles: entry.smiles, value: entry.id })), 'one row per result, in index order');
    assert.ok(!header.includes('paths') && !header.some((column) => column.startsWith('paths.')) && !header.includes('created_at'));
    for (const entry of index) {
      assert.equal(typeof entry.smiles, 'string');
      assert.equal(entry.paths!.structure, `results/${entry.id}/files/result/predicted_structure.cif`);
      assert.match(readFileSync(join(runDir, entry.paths!.structure), 'utf8'), /^data_/, 'the structure is an mmCIF');
    }
    return header;
  }

  it('protein:library-screen: the protein-screen skill with a structure_template target by @data://; candidates keep their ids', async () => {
    const body = libraryScreenBody(6);
    const payload = payloadFile('protein-screen.yaml', { ...body, target: { ...body.target, structure: cifStructure() } });
    const { index } = await runSkillWorkflow(cli, { resource: 'protein:library-screen', payload, runName: 'protein-screen-a-peptides-v1', root, pollSeconds: 30, idPrefix: 'prot_scr_', results: 6 });
    assert.deepEqual(index.map((entry) => entry.external_id).sort(), body.proteins.map((protein) => protein.id).sort());
    for (const entry of index) {
      const candidate = body.proteins.find((protein) => protein.id === entry.external_id)!;
      assert.equal(entry.entities.find((entity: { chain_ids: string[] }) => entity.chain_ids[0] === 'B').value, candidate.entities[0].value);
      assert.equal(entry.metrics.optimization_score, undefined, 'no optimization_score on protein screens (the skill says so)');
    }
  });

  it('protein:sequence-redesign: the skill workflow, then stop and resume through the CLI ending with exactly num_proteins results', async () => {
    const payload = payloadFile('redesign.yaml', { ...binderRedesignBody(10), structure: cifStructure() });
    const { index } = await runSkillWorkflow(cli, { resource: 'protein:sequence-redesign', payload, runName: 'redesign-b-v1', root, pollSeconds: 30, idPrefix: 'prot_seq_', results: 10 });
    assert.equal(new Set(index.map((entry) => JSON.stringify(entry.entities))).size, 10, 'unique redesigned proteins');

    // Large enough that the stop lands while it runs (10 results every 200 ms); metadata_only keeps
    // the download to the index, which is what the count is about.
    const id = await startAndStopEarly(cli, 'protein:sequence-redesign', payload, '--num-proteins', 300);
    const stoppedRun = JSON.parse((await cli(['protein:sequence-redesign', 'retrieve', id])).stdout);
    assert.equal(stoppedRun.status, 'stopped');
    const download = ['download-results', '--id', id, '--name', 'redesign-stop-resume', '--root-dir', root, '--poll-interval-seconds', '0.1', '--download-mode', 'metadata_only'];
    const first = await cli(download);
    assert.equal(first.code, 0, first.stderr);
    const runDir = first.stdout.trim();
    assert.equal(JSON.parse((await cli(['download-status', '--name', 'redesign-stop-resume', '--root-dir', root])).stdout).phase, 'stopped');
    const partial = readJsonl(join(runDir, 'results', 'index.jsonl')).length;
    assert.ok(partial > 0 && partial < 300, `stopped after ${partial}`);

    const resumed = await cli(['protein:sequence-redesign', 'resume', id, '-r', '--transform', 'status']);
    assert.match(resumed.stdout, /^(pending|running)\n$/, resumed.stderr);
    const second = await cli(download);
    assert.equal(second.code, 0, second.stderr);
    const all = readJsonl(join(runDir, 'results', 'index.jsonl'));
    assert.equal(all.length, 300);
    assert.equal(new Set(all.map((entry) => entry.id)).size, 300);
    assert.deepEqual(all.map((entry) => entry.id), all.map((entry) => entry.id).sort());
    assert.equal(new Set(all.map((entry) => JSON.stringify(entry.entities))).size, 300, 'no redesign repeated across the stop');
    const done = JSON.parse((await cli(['protein:sequence-redesign', 'retrieve', id])).stdout);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.progress.num_proteins_generated, 300);
  });

  it('small-molecule:design: the skill workflow; summary.csv with smiles, id first and ADME, structures are CIFs', async () => {
    const payload = payloadFile('sm-design.yaml', { num_molecules: 10, target: EXAMPLE_TARGET });
    const { runDir, index } = await runSkillWorkflow(cli, { resource: 'small-molecule:design', payload, runName: 'sm-design-abl-batch1-v1', root, pollSeconds: 60, idPrefix: 'sm_des_', results: 10 });
    const header = await checkMoleculeDownload(runDir, index);
    assert.ok(header.some((column) => column.startsWith('adme.')), header.join(','));
    assert.equal(header.includes('external_id'), false, 'designed molecules have no client id');
    assert.equal(new Set(index.map((entry) => entry.smiles)).size, 10, 'distinct designs');
  });

  it('small-molecule:library-screen: the skill workflow; external_id echoes the library ids, invalid molecules are not scored', async () => {
    const molecules = [
      { smiles: 'CC(=O)Nc1ccc(O)cc1', id: 'paracetamol' },
      { smiles: 'CC(C)Cc1ccc(cc1)C(C)C(=O)O', id: 'ibuprofen' },
      { smiles: 'Cn1cnc2c1c(=O)n(C)c(=O)n2C', id: 'caffeine' },
      { smiles: 'CN1CCC[C@H]1c1cccnc1', id: 'nicotine' },
      { smiles: 'COc1ccc2[nH]cc(CCNC(C)=O)c2c1', id: 'melatonin' },
      { smiles: 'C1CC', id: 'broken' },
    ];
    const payload = payloadFile('sm-screen.yaml', { molecules, target: EXAMPLE_TARGET });
    const { runDir, index } = await runSkillWorkflow(cli, { resource: 'small-molecule:library-screen', payload, runName: 'sm-screen-abl-drugs-v1', root, pollSeconds: 30, idPrefix: 'sm_scr_', results: 5 });
    const header = await checkMoleculeDownload(runDir, index);
    assert.ok(header.includes('external_id') && header.some((column) => column.startsWith('adme.')), header.join(','));
    assert.deepEqual(index.map((entry) => entry.external_id).sort(), molecules.slice(0, 5).map((m) => m.id).sort());
    for (const entry of index) assert.equal(entry.smiles, molecules.find((m) => m.id === entry.external_id)!.smiles, 'smiles as submitted');
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.progress.rejection_summary.invalid_count, 1);
    // The screen skill ranks from list-results, typed as it types it.
    const ranked = await cli(['small-molecule:library-screen', 'list-results', '--id', run.id, '--format', 'jsonl']);
    assert.equal(ranked.code, 0, ranked.stderr);
    const hits = ranked.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(
      hits.map((hit) => [hit.id, hit.external_id, hit.smiles, hit.metrics.binding_confidence]),
      index.map((entry) => [entry.id, entry.external_id, entry.smiles, entry.metrics.binding_confidence]),
    );
    assert.deepEqual(await summaryColumns(runDir, 'external_id'), index.map((entry) => ({ smiles: entry.smiles, value: entry.external_id })));
  });

  it('small-molecule:explore: a CSV library by @data://, start, download-results, summary.csv', async () => {
    const rows = [
      ['aspirin', 'CC(=O)Oc1ccccc1C(=O)O'],
      ['paracetamol', 'CC(=O)Nc1ccc(O)cc1'],
      ['ibuprofen', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O'],
      ['caffeine', 'Cn1cnc2c1c(=O)n(C)c(=O)n2C'],
      ['nicotine', 'CN1CCC[C@H]1c1cccnc1'],
      ['melatonin', 'COc1ccc2[nH]cc(CCNC(C)=O)c2c1'],
      ...['F', 'Cl', 'Br', 'C', 'O', 'N', 'OC', 'C(=O)O', 'C#N', 'C(F)(F)F'].flatMap((r, i) => [
        [`phenyl-${i}`, `c1ccc(cc1)${r}`],
        [`pyridyl-${i}`, `c1ccnc(c1)${r}`],
      ]),
    ];
    const csvPath = join(dir, 'library.csv');
    writeFileSync(csvPath, ['id,smiles', ...rows.map(([id, smiles]) => `${id},"${smiles}"`)].join('\n') + '\n');
    const payload = payloadFile('explore.yaml', {
      budget: 12,
      library: { format: 'csv', smiles_column: 'smiles', id_column: 'id', source: { type: 'base64', media_type: 'text/csv', data: `@data://${csvPath}` } },
      target: EXAMPLE_TARGET,
    });
    const { runDir, index } = await runSkillWorkflow(cli, { resource: 'small-molecule:explore', payload, runName: 'sm-explore-abl-v1', root, pollSeconds: 30, idPrefix: 'sm_exp_', results: 12, estimateCost: false });
    const header = await checkMoleculeDownload(runDir, index);
    assert.ok(header.includes('external_id'), header.join(','));
    const ids = new Set(rows.map(([id]) => id));
    assert.equal(new Set(index.map((entry) => entry.external_id)).size, 12, 'twelve different library molecules');
    for (const entry of index) assert.ok(ids.has(entry.external_id), entry.external_id);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.progress.library_size, rows.length);
  });
  it('run with the body piped on stdin: a library screen started and downloaded in one command, summary.csv included', async () => {
    const molecules = [
      { smiles: 'CC(=O)Nc1ccc(O)cc1', id: 'paracetamol' },
      { smiles: 'Cn1cnc2c1c(=O)n(C)c(=O)n2C', id: 'caffeine' },
    ];
    const run = await runCli(['small-molecule:library-screen', 'run', '--name', 'sm-screen-piped', '--root-dir', root, '--poll-interval-seconds', '0.1'], {
      env,
      cwd: dir,
      input: stringify({ molecules, target: EXAMPLE_TARGET }),
    });
    assert.equal(run.code, 0, run.stderr);
    const runDir = join(root, 'sm-screen-piped');
    assert.equal(run.stdout, `${runDir}\n`);
    const index = readJsonl(join(runDir, 'results', 'index.jsonl'));
    assert.equal(index.length, 2);
    await checkMoleculeDownload(runDir, index);
    assert.deepEqual((await summaryColumns(runDir, 'external_id')).map((row) => row.value).sort(), ['caffeine', 'paracetamol']);
  });

  it('bad input: usage errors by family, server validation named by path on stdout, nothing created', async () => {
    const goodCsv = join(dir, 'good.csv');
    const badCsv = join(dir, 'bad-columns.csv');
    writeFileSync(goodCsv, 'id,smiles\na,CCO\nb,CCN\n');
    writeFileSync(badCsv, 'name,smi\na,CCO\n');
    const library = (path: string) => ({ format: 'csv', source: { type: 'base64', media_type: 'text/csv', data: `@data://${path}` } });
    const counts = async () =>
      Promise.all(['protein:library-screen', 'protein:sequence-redesign', 'small-molecule:design', 'small-molecule:library-screen'].map(async (resource) => (await cli([resource, 'list', '--format', 'jsonl'])).stdout.split('\n').filter(Boolean).length));
    const before = await counts();
    const [screenNone, redesignNone, exploreQuote, fewMolecules, badPocket, emptyScreen, overBudget, missingColumn, badRedesign] = await Promise.all([
      cli(['protein:library-screen', 'start']),
      cli(['protein:sequence-redesign', 'start', '--num-proteins', '10']),
      cli(['small-molecule:explore', 'estimate-cost', '--input', `@yaml://${payloadFile('explore-quote.yaml', { budget: 1, library: library(goodCsv), target: EXAMPLE_TARGET })}`]),
      cli(['small-molecule:design', 'start', '--input', `@yaml://${payloadFile('few.yaml', { num_molecules: 5, target: EXAMPLE_TARGET })}`]),
      cli(['small-molecule:design', 'estimate-cost', '--input', `@yaml://${payloadFile('pocket.yaml', { num_molecules: 10, target: { ...EXAMPLE_TARGET, pocket_residues: { A: [9999] } } })}`]),
      cli(['small-molecule:library-screen', 'start', '--input', `@yaml://${payloadFile('empty.yaml', { molecules: [], target: EXAMPLE_TARGET })}`]),
      cli(['small-molecule:explore', 'start', '--input', `@yaml://${payloadFile('over.yaml', { budget: 3, library: library(goodCsv), target: EXAMPLE_TARGET })}`]),
      cli(['small-molecule:explore', 'start', '--input', `@yaml://${payloadFile('columns.yaml', { budget: 1, library: library(badCsv), target: EXAMPLE_TARGET })}`]),
      cli(['protein:sequence-redesign', 'start', '--input', `@yaml://${payloadFile('bad-redesign.yaml', { ...binderRedesignBody(10), structure: cifStructure(), entities: binderRedesignBody(10).entities.slice(0, 1) })}`]),
    ]);
    assert.equal(screenNone.code, 1);
    assert.match(screenNone.stderr, /^Required flags "protein, target" not set\n/);
    assert.match(redesignNone.stderr, /^Required flags "entity, structure, type" not set\n/);
    assert.equal(exploreQuote.code, 1);
    assert.match(exploreQuote.stderr, /unknown command "estimate-cost" for "boltz-api small-molecule:explore"/, 'explore has no estimate-cost endpoint');
    /** The server's refusal: status on stderr, the error body on stdout with `details` keyed by the path. */
    const refused = (result: CliResult, status: number, path: string, message: RegExp) => {
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^POST "http://127\\.0\\.0\\.1:\\d+/compute/v1/[a-z/-]+": ${status} `));
      assert.match(JSON.parse(result.stdout).details[path], message);
    };
    refused(fewMolecules, 400, 'num_molecules', /at least 10/);
    refused(badPocket, 422, 'target.pocket_residues.A[0]', /is 9999, but chain A has 282 residues/);
    refused(emptyScreen, 400, 'molecules', /at least 1 item/);
    refused(overBudget, 422, 'budget', /the budget may not exceed the library/);
    refused(missingColumn, 422, 'library.smiles_column', /line 1: no column "smiles"/);
    refused(badRedesign, 422, 'entities', /does not assign chain B/);
    assert.deepEqual(await counts(), before);
  });
});
