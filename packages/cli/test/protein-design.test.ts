import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { twoChainCif } from '../../server/src/families/protein-design/examples.ts';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { CLI_BIN, parseJsonStream, runCli } from './cli-process.ts';
import { readJsonl, runSkillWorkflow, startAndStopEarly, waitForStatus } from './skill-workflow.ts';

/** The official protein-design skill's payload file: a CIF target by `@data://` and a DSL binder. */
function skillPayload(dir: string, numProteins: number): string {
  writeFileSync(join(dir, 'target.cif'), twoChainCif());
  return [
    `num_proteins: ${numProteins}`,
    'target:',
    '  type: structure_template',
    '  structure:',
    '    type: base64',
    '    media_type: chemical/x-cif',
    `    data: "@data://${join(dir, 'target.cif')}"`,
    '  chain_selection:',
    '    A:',
    '      chain_type: polymer',
    '      crop_residues: all',
    '      epitope_residues: [2, 3, 4]',
    'binder_specification:',
    '  type: no_template',
    '  modality: peptide',
    '  entities:',
    '    - type: designed_protein',
    '      chain_ids: [P]',
    '      value: "GS8..12G"',
    '',
  ].join('\n');
}

/**
 * protein:design through the CLI as a process against a real server in test mode: the official
 * skill's workflow typed as its skill file (boltz-bio/boltz-api-skills on GitHub) shows it, every subcommand, `run`, and download-results
 * of pipeline runs (layout of CLI.md §9.2, resumable after a kill, stop and resume).
 */
describe('boltz-api protein:design', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;
  let payload: string;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.testAdminKey };
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'boltz-cli-design-')));
    payload = join(dir, 'payload.yaml');
    writeFileSync(payload, skillPayload(dir, 10));
  });
  after(() => server.close());

  const cli = (args: string[], options: { input?: string } = {}) => runCli(args, { env, cwd: dir, ...options });

  it('the skill workflow: estimate-cost, start by idempotency key, download-results, download-status, rank from index.jsonl', async () => {
    const { runDir, index } = await runSkillWorkflow(cli, {
      resource: 'protein:design',
      payload,
      runName: 'protein-design-peptide-a-v1',
      root: join(dir, 'boltz-experiments'),
      pollSeconds: 60,
      idPrefix: 'prot_des_',
      results: 10,
    });
    for (const entry of index) {
      const binder = entry.entities.find((entity: { chain_ids: string[] }) => entity.chain_ids[0] === 'P');
      assert.equal(binder.type, 'protein', 'the designed binder comes back as type protein (results.md)');
      assert.match(binder.value, /^GS[A-Z]{8,12}G$/);
    }
    assert.equal(existsSync(join(runDir, 'results', 'summary.csv')), false, 'summary.csv is for small-molecule runs');
  });

  it('the check-status skill: list --limit 20 --format jsonl | head -20, retrieve --id --format json', async () => {
    const id = JSON.parse((await cli(['protein:design', 'start', '--input', `@yaml://${payload}`])).stdout).id;
    // Through a shell pipe, as the skill types it (the server runs in this process: no spawnSync).
    const listed = await promisify(execFile)('bash', ['-c', `"${process.execPath}" "${CLI_BIN}" protein:design list --limit 20 --format jsonl | head -20`], { cwd: dir, env: { ...process.env, ...env } });
    assert.equal(listed.stderr, '');
    const runs = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(runs.length >= 1 && runs.length <= 20);
    assert.equal(runs[0].id, id, 'newest first');
    const retrieved = await cli(['protein:design', 'retrieve', '--id', id, '--format', 'json']);
    assert.equal(retrieved.code, 0, retrieved.stderr);
    assert.equal(JSON.parse(retrieved.stdout).id, id);
  });

  it('retrieve, list, list-results (ids, max-items, raw), list-curated-specifications, delete-data', async () => {
    const started = JSON.parse((await cli(['protein:design', 'start', '--input', `@yaml://${payload}`, '--input.num-proteins', '12'])).stdout);
    assert.equal(started.progress.total_proteins_to_generate, 12, '--input.num-proteins sets the field inside --input');
    await waitForStatus(cli, 'protein:design', started.id, ['succeeded']);
    const [retrieved, listed, results, some, page, curated, badType] = await Promise.all([
      cli(['protein:design', 'retrieve', '--id', started.id, '--transform', 'progress.num_proteins_generated']),
      cli(['protein:design', 'list', '--max-items', '2', '--format', 'jsonl']),
      cli(['protein:design', 'list-results', started.id, '--limit', '5', '--format', 'jsonl', '--transform', 'id']),
      cli(['protein:design', 'list-results', started.id, '--max-items', '3']),
      cli(['protein:design', 'list-results', started.id, '--limit', '4', '--format', 'raw']),
      cli(['protein:design', 'list-curated-specifications', '--type', 'nanobody', '--transform', 'data.#', '-r']),
      cli(['protein:design', 'list-curated-specifications', '--type', 'camelid']),
    ]);
    assert.equal(retrieved.stdout, '12\n');
    assert.equal(listed.stdout.trim().split('\n').length, 2);
    const ids = results.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(ids.length, 12, 'list-results follows every page');
    assert.equal(parseJsonStream(some.stdout).length, 3);
    const raw = JSON.parse(page.stdout);
    assert.equal(raw.data.length, 4, '--format raw prints one page');
    const filtered = await cli(['protein:design', 'list-results', started.id, '--ids', `${ids[3]},${ids[7]},pres_unknown`, '--format', 'jsonl', '--transform', 'id']);
    assert.deepEqual(filtered.stdout.trim().split('\n').map((line) => JSON.parse(line)), [ids[3], ids[7]]);
    assert.ok(Number(curated.stdout) > 0, curated.stderr);
    assert.equal(badType.code, 1);
    assert.match(badType.stderr, /invalid value "camelid" for flag --type: must be one of nanobody, antibody/);

    const deleted = await cli(['protein:design', 'delete-data', started.id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).data_deleted, true);
    const none = await cli(['protein:design', 'list-results', started.id]);
    assert.equal(none.stdout, '');
  });

  it('stop keeps the results, download-results finishes as stopped; resume and a rerun complete the same directory', async () => {
    const started = { id: await startAndStopEarly(cli, 'protein:design', payload, '--num-proteins', 300) };

    const download = ['download-results', '--id', started.id, '--name', 'stop-resume', '--poll-interval-seconds', '0.1'];
    const first = await cli(download);
    assert.equal(first.code, 0, first.stderr);
    const runDir = first.stdout.trim();
    const status = JSON.parse((await cli(['download-status', '--name', 'stop-resume'])).stdout);
    assert.equal(status.phase, 'stopped');
    assert.equal(status.ready, true);
    const generated = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).progress.num_proteins_generated;
    assert.ok(generated < 300, `stopped after ${generated}`);
    assert.equal(readJsonl(join(runDir, 'results', 'index.jsonl')).length, generated);

    const resumed = await cli(['protein:design', 'resume', started.id, '-r', '--transform', 'status']);
    assert.match(resumed.stdout, /^(pending|running)\n$/, resumed.stderr);
    const second = await cli(['download-results', '--name', 'stop-resume', '--poll-interval-seconds', '0.1', '--workers', '8']);
    assert.equal(second.code, 0, second.stderr);
    const index = readJsonl(join(runDir, 'results', 'index.jsonl'));
    assert.equal(index.length, 300);
    assert.equal(new Set(index.map((entry) => entry.id)).size, 300);
    assert.deepEqual(index.map((entry) => entry.id), index.map((entry) => entry.id).sort());
    assert.equal(readdirSync(join(runDir, 'results')).filter((name) => name.startsWith('pres_')).length, 300);
    assert.equal(JSON.parse((await cli(['download-status', '--name', 'stop-resume'])).stdout).phase, 'ready');
  });

  it('download-results killed mid-run resumes from its checkpoint: every result exactly once', async () => {
    const id = JSON.parse((await cli(['protein:design', 'start', '--input', `@yaml://${payload}`, '--num-proteins', '150'])).stdout).id;
    const runDir = join(dir, 'killed');
    const child = spawn(process.execPath, [CLI_BIN, 'download-results', '--id', id, '--run-dir', runDir, '--poll-interval-seconds', '0.05', '--workers', '1'], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const indexFile = join(runDir, 'results', 'index.jsonl');
    for (let i = 0; i < 600 && !(existsSync(indexFile) && readJsonl(indexFile).length >= 25); i++) await sleep(20);
    child.kill('SIGKILL');
    await once(child, 'close');
    const partial = readJsonl(indexFile).length;
    assert.ok(partial >= 25 && partial < 150, `${partial} results before the kill`);

    const resumed = await cli(['download-results', '--run-dir', runDir, '--poll-interval-seconds', '0.05']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const index = readJsonl(indexFile);
    assert.equal(index.length, 150);
    assert.equal(new Set(index.map((entry) => entry.id)).size, 150);
    assert.deepEqual(index.map((entry) => entry.id), index.map((entry) => entry.id).sort());
    for (const entry of index) assert.ok(existsSync(join(runDir, entry.paths!.metrics)), entry.id);
    assert.equal(readdirSync(runDir).some((name) => name.includes('.tmp-')), false);
  });

  it('run: start flags plus download flags, --workers, metadata_only, piped body; the directory is not reused', async () => {
    const run = await cli(['protein:design', 'run', '--input', `@yaml://${payload}`, '--input.num-proteins', '11', '--name', 'run-everything', '--workers', '3', '--poll-interval-seconds', '0.1']);
    assert.equal(run.code, 0, run.stderr);
    const runDir = join(dir, 'boltz-experiments', 'run-everything');
    assert.equal(run.stdout, `${runDir}\n`);
    assert.equal(readJsonl(join(runDir, 'results', 'index.jsonl')).length, 11);
    const checkpoint = JSON.parse(readFileSync(join(runDir, '.boltz-run.json'), 'utf8'));
    assert.equal(checkpoint.run_type, 'protein_design');
    assert.equal(checkpoint.pending, null);
    assert.equal(checkpoint.remote.status, 'succeeded');
    assert.equal(checkpoint.remote.workspace_id, server.defaultWorkspaceId);

    const piped = await cli(['protein:design', 'run', '--name', 'run-metadata', '--download-mode', 'metadata_only', '--poll-interval-seconds', '0.1', '--progress-format', 'text'], {
      input: skillPayload(dir, 10),
    });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '', 'text progress without --verbose is quiet');
    const metadataDir = piped.stdout.trim();
    const index = readJsonl(join(metadataDir, 'results', 'index.jsonl'));
    assert.equal(index.length, 10);
    assert.equal(index[0].paths, undefined, 'metadata_only: no archives, no paths');
    assert.ok(existsSync(join(metadataDir, 'results', index[0].id, 'metadata.json')));
    assert.equal(existsSync(join(metadataDir, 'results', index[0].id, 'files')), false);

    const [reused, modeChange] = await Promise.all([
      cli(['protein:design', 'run', '--input', `@yaml://${payload}`, '--name', 'run-everything']),
      cli(['download-results', '--name', 'run-metadata', '--download-mode', 'everything']),
    ]);
    assert.equal(reused.code, 1);
    assert.match(reused.stderr, /already holds a download run/);
    assert.equal(modeChange.code, 1);
    assert.match(modeChange.stderr, /uses download mode metadata_only, not everything/);
  });

  it('usage errors: required fields by request shape, server validation on stdout, --download-mode for predictions', async () => {
    const [none, generic, inputOnly, invalid, badInput, predictionMode] = await Promise.all([
      cli(['protein:design', 'start']),
      cli(['protein:design', 'estimate-cost', '--type', 'generic', '--num-proteins', '10']),
      cli(['protein:design', 'start', '--input', '{num_proteins: 10, target: {}}']),
      cli(['protein:design', 'start', '--input', `@yaml://${payload}`, '--num-proteins', '5']),
      cli(['protein:design', 'start', '--input', '[1, 2]']),
      cli(['download-results', '--id', 'sab_pred_x', '--download-mode', 'metadata_only']),
    ]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, `Required flags "binder-specification, num-proteins, target" not set\nRun 'boltz-api protein:design start --help' for usage information.\n`);
    assert.equal(generic.stderr, `Required flags "entity, template" not set\nRun 'boltz-api protein:design estimate-cost --help' for usage information.\n`);
    assert.match(inputOnly.stderr, /^Required flag "binder-specification" not set\n/, 'fields inside --input count');
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /^POST "http:\/\/127\.0\.0\.1:\d+\/compute\/v1\/protein\/design": 4\d\d /);
    assert.match(JSON.parse(invalid.stdout).error?.message ?? invalid.stdout, /num_proteins/);
    assert.equal(badInput.code, 1);
    assert.match(badInput.stderr, /expected type object for flag --input/);
    assert.equal(predictionMode.code, 1);
    assert.match(predictionMode.stderr, /--download-mode only supports pipeline run IDs/);
  });
});
