import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalServer, runCli } from './cli-process.ts';

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const PREFIXES: Record<string, string> = {
  'protein/design': 'prot_des',
  'protein/library-screen': 'prot_scr',
  'protein/sequence-redesign': 'prot_seq',
  'small-molecule/design': 'sm_des',
  'small-molecule/library-screen': 'sm_scr',
  'small-molecule/explore': 'sm_exp',
};

/**
 * A stand-in for the pipeline routes that other branches are building: it records every request
 * and answers like the API (run objects, cursor pages of results with archive URLs, archives), so
 * the tests can check the requests the CLI builds and what download-results writes.
 */
class RecordingApi extends LocalServer {
  readonly requests: Recorded[] = [];
  results: Array<Record<string, unknown>> = [];
  archive = Buffer.alloc(0);
  /** How every run answers: `failed` runs carry an engine error code. */
  runStatus = 'succeeded';

  last(): Recorded {
    return this.requests[this.requests.length - 1];
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url!, this.origin);
    const text = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: request.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), body: text ? JSON.parse(text) : undefined });
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (url.pathname.startsWith('/files/')) {
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': this.archive.length });
      response.end(this.archive);
      return;
    }
    const match = url.pathname.match(/^\/compute\/v1\/((?:protein|small-molecule)\/[a-z-]+)(?:\/([^/]+))?(?:\/([a-z-]+))?$/);
    if (!match) return send(404, { error: { type: 'not_found', message: 'no route' } });
    const [, resource, id, action] = match;
    const run = { id: id && !['estimate-cost', 'curated-specifications'].includes(id) ? id : `${PREFIXES[resource]}_rec1`, status: this.runStatus, workspace_id: 'ws_rec', started_at: null, completed_at: null, stopped_at: null, error: this.runStatus === 'failed' ? { code: 'engine_failed', message: 'x' } : null, progress: { latest_result_id: null } };
    if (id === 'estimate-cost') return send(200, { estimated_cost_usd: '1.00', disclaimer: '', breakdown: {} });
    if (action === 'results') {
      const after = url.searchParams.get('after_id');
      const start = after ? this.results.findIndex((result) => result.id === after) + 1 : 0;
      const data = this.results.slice(start, start + Number(url.searchParams.get('limit') ?? 100));
      return send(200, { data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: start + data.length < this.results.length });
    }
    if (!id && request.method === 'GET') return send(200, { data: [run], first_id: run.id, last_id: run.id, has_more: false });
    return send(200, run);
  }
}

/**
 * The pipeline commands of the families whose routes are not on this server yet (CLI.md §1.1):
 * the HTTP requests they send — paths, methods, query parameters and the body that `--input`,
 * `--input.<field>`, per-field flags, repeatable flags, files and stdin build — and a
 * small-molecule download's layout with `results/summary.csv` (§9.2).
 */
describe('boltz-api pipeline requests (recording server)', () => {
  let api: RecordingApi;
  let dir: string;
  const cli = (args: string[], options: { input?: string } = {}) => runCli(args, { env: { BOLTZ_BASE_URL: api.origin, BOLTZ_API_KEY: 'sk_bc_test_recording' }, cwd: dir, ...options });

  const target = { entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQR' }] };

  before(async () => {
    api = new RecordingApi();
    await api.start();
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'boltz-cli-requests-')));
    writeFileSync(join(dir, 'target.json'), JSON.stringify(target));
    writeFileSync(join(dir, 'library.csv'), 'smiles,id\nCCO,ethanol\n');
    writeFileSync(join(dir, 'candidate.json'), JSON.stringify({ entities: [{ type: 'protein', chain_ids: ['B'], value: 'EVQLVESGGG' }] }));
  });
  after(() => api.close());

  it('small-molecule:library-screen start: --input, repeatable --molecule with dotted fields, a dotted object flag, the key flags winning', async () => {
    const result = await cli([
      'small-molecule:library-screen', 'start',
      '--input', '{target: {entities: [{type: protein, chain_ids: [A], value: MKTAYIAKQR}]}, molecules: [{smiles: C}], idempotency_key: inside, workspace_id: ws_inside}',
      '--molecule', '{smiles: CCO, id: ethanol}',
      '--molecule.smiles', 'CCN', '--molecule.id', 'ethylamine',
      '--molecule-filters.boltz-smarts-catalog-filter-level', 'disabled',
      '--workspace-id', 'ws_flag',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).id, 'sm_scr_rec1');
    assert.deepEqual(api.last(), {
      method: 'POST',
      path: '/compute/v1/small-molecule/library-screen',
      query: {},
      body: {
        target,
        molecules: [{ smiles: 'CCO', id: 'ethanol' }, { smiles: 'CCN', id: 'ethylamine' }],
        idempotency_key: 'inside',
        workspace_id: 'ws_flag',
        molecule_filters: { boltz_smarts_catalog_filter_level: 'disabled' },
      },
    });
  });

  it('small-molecule:design and explore: --input.<field> over --input, per-field flags over both, files', async () => {
    const design = await cli(['small-molecule:design', 'estimate-cost', '--input', '{num_molecules: 10, chemical_space: enamine_real}', '--input.num-molecules', '50', '--target', '@json://target.json', '--chemical-space', 'none']);
    assert.equal(design.code, 0, design.stderr);
    assert.deepEqual(api.last(), { method: 'POST', path: '/compute/v1/small-molecule/design/estimate-cost', query: {}, body: { num_molecules: 50, chemical_space: 'none', target } });

    const explore = await cli(['small-molecule:explore', 'start', '--budget', '0x10', '--library', '{format: csv, smiles_column: smiles, id_column: id, source: {type: base64, data: "@data://library.csv"}}', '--target', '@json://target.json']);
    assert.equal(explore.code, 0, explore.stderr);
    assert.deepEqual(api.last().body, {
      budget: 16,
      library: { format: 'csv', smiles_column: 'smiles', id_column: 'id', source: { type: 'base64', data: Buffer.from('smiles,id\nCCO,ethanol\n').toString('base64') } },
      target,
    });
  });

  it('protein:library-screen and sequence-redesign: repeatable object flags from files, stdin merged under the flags, an emptied filter list', async () => {
    const screen = await cli(['protein:library-screen', 'start', '--protein', '@json://candidate.json', '--protein', '{entities: [{type: protein, chain_ids: [B], value: QVQLQ}], id: second}'], {
      input: `target: ${JSON.stringify(target)}\nproteins: [{entities: []}]\n`,
    });
    assert.equal(screen.code, 0, screen.stderr);
    assert.deepEqual(api.last().body, {
      target,
      proteins: [{ entities: [{ type: 'protein', chain_ids: ['B'], value: 'EVQLVESGGG' }] }, { entities: [{ type: 'protein', chain_ids: ['B'], value: 'QVQLQ' }], id: 'second' }],
    });

    const redesign = await cli(['protein:sequence-redesign', 'start', '--type', 'binder', '--num-proteins', '10', '--structure', '{type: url, url: "https://example.org/complex.cif"}', '--entity', '{chain_id: A, role: target}', '--input.global-design-filters', '[]']);
    assert.equal(redesign.code, 0, redesign.stderr);
    assert.deepEqual(api.last().body, { global_design_filters: [], type: 'binder', num_proteins: 10, structure: { type: 'url', url: 'https://example.org/complex.cif' }, entities: [{ chain_id: 'A', role: 'target' }] });
  });

  it('every verb of every family: method, path, query; explore has only the SDK methods', async () => {
    const cases: Array<[string[], string, string, Record<string, string>]> = [];
    for (const [resource, prefix] of Object.entries(PREFIXES)) {
      const name = resource.replace('/', ':');
      const id = `${prefix}_abc`;
      cases.push(
        [[name, 'retrieve', id, '--workspace-id', 'ws_1'], 'GET', `/compute/v1/${resource}/${id}`, { workspace_id: 'ws_1' }],
        [[name, 'list-results', '--id', id, '--ids', 'pres_1,pres_2', '--limit', '5'], 'GET', `/compute/v1/${resource}/${id}/results`, { ids: 'pres_1,pres_2', limit: '5' }],
        [[name, 'stop', id], 'POST', `/compute/v1/${resource}/${id}/stop`, {}],
        [[name, 'resume', '--id', id], 'POST', `/compute/v1/${resource}/${id}/resume`, {}],
      );
      if (resource !== 'small-molecule/explore') {
        cases.push([[name, 'list', '--after-id', `${prefix}_0`], 'GET', `/compute/v1/${resource}`, { after_id: `${prefix}_0` }], [[name, 'delete-data', id], 'POST', `/compute/v1/${resource}/${id}/delete-data`, {}]);
      }
    }
    for (const [args, method, path, query] of cases) {
      const result = await cli(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.deepEqual(api.last(), { method, path, query, body: undefined }, args.join(' '));
    }
    const missing = await Promise.all(['list', 'delete-data', 'estimate-cost'].map((verb) => cli(['small-molecule:explore', verb])));
    for (const result of missing) {
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^Incorrect Usage: unknown command "[a-z-]+" for "boltz-api small-molecule:explore"/);
    }
  });

  it('required fields are checked on the merged body, per family and request shape, before any request', async () => {
    const before = api.requests.length;
    const cases: Array<[string[], string]> = [
      [['small-molecule:explore', 'start', '--budget', '5', '--target', '@json://target.json'], 'Required flag "library" not set'],
      [['small-molecule:design', 'run', '--input', '{target: {}}'], 'Required flag "num-molecules" not set'],
      [['small-molecule:library-screen', 'estimate-cost'], 'Required flags "molecule, target" not set'],
      [['protein:library-screen', 'start', '--protein', '{entities: []}'], 'Required flag "target" not set'],
      [['protein:sequence-redesign', 'start', '--num-proteins', '10', '--structure', '{}', '--entity', '{}'], 'Required flag "type" not set'],
      [['protein:design', 'start', '--type', 'binder', '--num-proteins', '10'], 'Required flags "target, binder, template" not set'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, i) => {
      assert.equal(result.code, 1, cases[i][0].join(' '));
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('\n')[0], cases[i][1]);
    });
    assert.equal(api.requests.length, before, 'nothing was sent');
  });

  it('download-results of a small-molecule screen: index.jsonl with paths (any .cif), metadata.json, summary.csv', async () => {
    const build = join(dir, 'archive-build');
    mkdirSync(join(build, 'result'), { recursive: true });
    writeFileSync(join(build, 'result', 'metrics.json'), '{"binding_confidence": 0.9}');
    writeFileSync(join(build, 'result', 'pres_b_predicted.cif'), 'data_x\n');
    writeFileSync(join(build, 'result', 'pae.npz'), 'npz');
    const tar = spawnSync('tar', ['-czf', '-', '-C', build, 'result']);
    assert.equal(tar.status, 0, tar.stderr.toString());
    api.archive = tar.stdout;
    const artifacts = (id: string) => ({ archive: { url: `${api.origin}/files/${id}/archive.tar.gz?sig=1`, url_expires_at: '2030-01-01T00:00:00Z' }, structure: { url: `${api.origin}/files/${id}/s.cif` } });
    api.results = [
      { id: 'pres_a', created_at: '2026-01-01T00:00:00Z', smiles: 'CCO', external_id: 'ethanol', metrics: { binding_confidence: 0.5, iptm: 0.4 }, adme: { solubility: 'high-risk', permeability: 1.5 }, warnings: [{ code: 'w', message: 'a, "quoted" note' }], artifacts: artifacts('pres_a') },
      { id: 'pres_b', created_at: '2026-01-01T00:00:01Z', smiles: 'c1ccccc1O', metrics: { binding_confidence: 0.9, iptm: 0.8 }, artifacts: artifacts('pres_b') },
    ];
    const result = await cli(['download-results', '--id', 'sm_scr_rec1', '--name', 'screen', '--poll-interval-seconds', '0']);
    assert.equal(result.code, 0, result.stderr);
    const runDir = join(dir, 'boltz-experiments', 'screen');
    assert.equal(result.stdout, `${runDir}\n`);
    // Pages of 20 from the cursor, in the workspace the run reported (§9.3).
    assert.deepEqual(
      api.requests.filter((request) => request.path === '/compute/v1/small-molecule/library-screen/sm_scr_rec1/results').map((request) => request.query),
      [{ limit: '20', workspace_id: 'ws_rec' }, { limit: '20', after_id: 'pres_b', workspace_id: 'ws_rec' }],
    );

    const index = readFileSync(join(runDir, 'results', 'index.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(index.map((entry) => entry.id), ['pres_a', 'pres_b']);
    assert.deepEqual(index[1].paths, {
      archive: 'results/pres_b/archive.tar.gz',
      files: 'results/pres_b/files',
      metrics: 'results/pres_b/files/result/metrics.json',
      structure: 'results/pres_b/files/result/pres_b_predicted.cif',
      pae: 'results/pres_b/files/result/pae.npz',
    });
    assert.equal(index[0].artifacts, undefined);
    assert.equal(index[0].adme.solubility, 'high-risk');
    assert.equal(JSON.parse(readFileSync(join(runDir, 'results', 'pres_a', 'metadata.json'), 'utf8')).external_id, 'ethanol');
    assert.equal(
      readFileSync(join(runDir, 'results', 'summary.csv'), 'utf8'),
      [
        'smiles,id,adme.permeability,adme.solubility,external_id,metrics.binding_confidence,metrics.iptm,warnings',
        'CCO,pres_a,1.5,high-risk,ethanol,0.5,0.4,"[{""code"":""w"",""message"":""a, \\""quoted\\"" note""}]"',
        'c1ccccc1O,pres_b,,,,0.9,0.8,',
        '',
      ].join('\n'),
    );
    const checkpoint = JSON.parse(readFileSync(join(runDir, '.boltz-run.json'), 'utf8'));
    assert.equal(checkpoint.run_type, 'small_molecule_library_screen');
    assert.equal(checkpoint.cursor_after_id, 'pres_b');
    assert.equal(checkpoint.remote.workspace_id, 'ws_rec');

    // An index left with half a line (a kill during the append) is rebuilt from metadata.json.
    const indexFile = join(runDir, 'results', 'index.jsonl');
    const complete = readFileSync(indexFile, 'utf8');
    writeFileSync(indexFile, `${complete.split('\n')[0]}\n{"id": "pres_`);
    const again = await cli(['download-results', '--name', 'screen', '--poll-interval-seconds', '0']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(indexFile, 'utf8'), complete);
  });

  it('a failed pipeline run: its results are downloaded, then `Run <id> failed with error code <code>`', async () => {
    api.runStatus = 'failed';
    try {
      const result = await cli(['download-results', 'sm_des_failed', '--run-dir', join(dir, 'failed'), '--download-mode', 'metadata_only']);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines[lines.length - 1], 'Run sm_des_failed failed with error code engine_failed');
      assert.equal(JSON.parse(lines[lines.length - 2]).event, 'failed');
      assert.equal(readFileSync(join(dir, 'failed', 'results', 'index.jsonl'), 'utf8').trim().split('\n').length, 2);
      assert.match(readFileSync(join(dir, 'failed', 'results', 'summary.csv'), 'utf8'), /^smiles,id,/);
      const status = JSON.parse((await cli(['download-status', '--run-dir', join(dir, 'failed')])).stdout);
      assert.equal(status.phase, 'failed');
      assert.equal(status.download_mode, 'metadata_only');
    } finally {
      api.runStatus = 'succeeded';
    }
  });
});
