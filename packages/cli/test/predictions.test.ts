import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { parseJsonStream, runCli } from './cli-process.ts';

const PROTEIN_INPUT = '{entities: [{type: protein, chain_ids: [A], value: MKTAYIAKQRQISFVKSHFSRQ}]}';

/**
 * predictions:structure-and-binding and predictions:adme against a real server in test mode
 * (synthetic engine), including `run`, `download-results` and `download-status` (CLI.md §1.1, §9).
 */
describe('boltz-api predictions and downloads', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let cwd: string;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.testAdminKey };
    cwd = mkdtempSync(join(tmpdir(), 'boltz-cli-predictions-'));
  });
  after(() => server.close());

  const cli = (args: string[], options: { input?: string } = {}) => runCli(args, { env, cwd, ...options });

  it('structure-and-binding start (model sent by default, dotted --input sub-flag), retrieve, list, estimate-cost', async () => {
    const started = await cli(['predictions:structure-and-binding', 'start', '--input', PROTEIN_INPUT, '--input.num-samples', '2', '--idempotency-key', 'cli-test-1']);
    assert.equal(started.code, 0, started.stderr);
    const prediction = JSON.parse(started.stdout);
    assert.match(prediction.id, /^sab_pred_/);
    assert.equal(prediction.model, 'boltz-2.1');
    assert.equal(prediction.input.num_samples, 2);
    assert.equal(prediction.idempotency_key, 'cli-test-1');

    const [bareId, retrieved, listed, estimate] = await Promise.all([
      cli(['predictions:structure-and-binding', 'start', '--input', PROTEIN_INPUT, '--input.num-samples', '2', '--idempotency-key', 'cli-test-1', '-r', '--transform', 'id']),
      cli(['predictions:structure-and-binding', 'retrieve', prediction.id, '--transform', 'model', '-r']),
      cli(['predictions:structure-and-binding', 'list', '--format', 'jsonl']),
      cli(['predictions:structure-and-binding', 'estimate-cost', '--input', PROTEIN_INPUT, '--input.num-samples', '3']),
    ]);
    assert.equal(bareId.stdout, `${prediction.id}\n`, 'the same idempotency key returns the same job; -r --transform id prints the bare id');
    assert.equal(retrieved.stdout, 'boltz-2.1\n');
    const items = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(items.some((item) => item.id === prediction.id));
    assert.equal(estimate.code, 0, estimate.stderr);
    const quote = JSON.parse(estimate.stdout);
    assert.equal(quote.breakdown.application, 'structure_and_binding');
    assert.equal(quote.breakdown.num_units, 3);
  });

  it('start: required --input, model choices, validation errors from the server', async () => {
    const [missing, wrongModel, invalid] = await Promise.all([
      cli(['predictions:adme', 'start']),
      cli(['predictions:adme', 'start', '--model', 'boltz-2.1', '--input', '{molecules: [{smiles: CCO}]}']),
      cli(['predictions:structure-and-binding', 'start', '--input', '{entities: []}']),
    ]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `Required flag "input" not set\nRun 'boltz-api predictions:adme start --help' for usage information.\n`);
    assert.equal(wrongModel.code, 1);
    assert.match(wrongModel.stderr, /invalid value "boltz-2\.1" for flag --model: must be one of adme-v1/);
    assert.equal(invalid.code, 1);
    assert.equal(JSON.parse(invalid.stdout).code, 'VALIDATION_ERROR');
    assert.equal(invalid.stderr, `POST "${server.baseURL}/compute/v1/predictions/structure-and-binding": 400 Bad Request\n`);
  });

  it('run: starts, waits, downloads and extracts into a deterministic run directory; reruns are idempotent', async () => {
    const run = await cli(['predictions:structure-and-binding', 'run', '--input', PROTEIN_INPUT, '--poll-interval-seconds', '0.1']);
    assert.equal(run.code, 0, run.stderr);
    const runDir = run.stdout.trim();
    assert.equal(run.stdout, `${runDir}\n`, 'stdout is the absolute run directory only');
    assert.match(runDir, new RegExp(`^${cwd}/boltz-experiments/[a-z]+-[a-z]+-[a-z]+-[0-9a-f]{6}$`));

    const events = run.stderr.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(events.every((event) => typeof event.ts === 'string' && typeof event.event === 'string' && event.run_dir === runDir));
    assert.deepEqual([...new Set(events.map((event) => event.event))].filter((event) => ['archive_download', 'archive_extract', 'ready'].includes(event)), ['archive_download', 'archive_extract', 'ready']);

    const checkpoint = JSON.parse(readFileSync(join(runDir, '.boltz-run.json'), 'utf8'));
    assert.equal(checkpoint.schema_version, 1);
    assert.equal(checkpoint.run_type, 'prediction');
    assert.equal(checkpoint.remote.status, 'succeeded');
    assert.equal(checkpoint.pending, null);
    assert.match(checkpoint.idempotency_key, /^download_[0-9a-f]{32}$/);
    assert.match(checkpoint.request_fingerprint, /^[0-9a-f]{64}$/);
    const runJson = readFileSync(join(runDir, 'run.json'), 'utf8');
    assert.doesNotMatch(runJson, /"url"|"url_expires_at"/, 'run.json keeps no presigned URLs');
    assert.equal(JSON.parse(runJson).status, 'succeeded');
    const metrics = JSON.parse(readFileSync(join(runDir, 'outputs/files/prediction/metrics.json'), 'utf8'));
    assert.equal(typeof metrics.best_sample.metrics.structure_confidence, 'number');
    assert.ok(existsSync(join(runDir, 'outputs/files/prediction/sample_0_predicted_structure.cif')));

    // download-results with the id alone derives the same directory and redoes nothing.
    const archiveTime = statSync(join(runDir, 'outputs/archive.tar.gz')).mtimeMs;
    const again = await cli(['download-results', checkpoint.remote.run_id]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `${runDir}\n`);
    assert.equal(statSync(join(runDir, 'outputs/archive.tar.gz')).mtimeMs, archiveTime, 'a complete archive is not downloaded again');

    const [status, refused, deleted] = await Promise.all([
      cli(['download-status', '--run-dir', runDir]),
      cli(['predictions:structure-and-binding', 'run', '--input', PROTEIN_INPUT, '--run-dir', runDir]),
      cli(['predictions:structure-and-binding', 'delete-data', checkpoint.remote.run_id]),
    ]);
    assert.equal(status.code, 0, status.stderr);
    const summary = JSON.parse(status.stdout);
    assert.equal(summary.phase, 'ready');
    assert.equal(summary.ready, true);
    assert.equal(summary.run_id, checkpoint.remote.run_id);
    assert.equal(summary.run_type, 'prediction');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds a download run/);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).data_deleted, true);
  });

  it('adme run with a piped body and --name: no archive, the molecules are in run.json', async () => {
    const run = await cli(['predictions:adme', 'run', '--name', 'ethanol', '--poll-interval-seconds', '0.1', '--progress-format', 'text'], {
      input: 'input:\n  molecules:\n    - {smiles: CCO, id: ethanol}\n',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${join(cwd, 'boltz-experiments', 'ethanol')}\n`);
    assert.equal(run.stderr, '', 'text progress without --verbose is quiet');
    const result = JSON.parse(readFileSync(join(cwd, 'boltz-experiments/ethanol/run.json'), 'utf8'));
    assert.equal(result.model, 'adme-v1');
    assert.equal(result.output.molecules[0].external_id, 'ethanol');
    assert.equal(existsSync(join(cwd, 'boltz-experiments/ethanol/outputs')), false);

    const [listed, status] = await Promise.all([cli(['predictions:adme', 'list', '--max-items', '1']), cli(['download-status', '--name', 'ethanol'])]);
    assert.equal(parseJsonStream(listed.stdout).length, 1);
    assert.equal(JSON.parse(status.stdout).run_type, 'adme');
  });

  it('download-results / download-status errors', async () => {
    const cases: Array<[string[], string]> = [
      [['download-results', '--name', 'nothing-here'], `No local metadata exists for ${join(cwd, 'boltz-experiments', 'nothing-here')}. Provide --id to create a new download run.\n`],
      [['download-results', '--id', 'pres_0VcAEYRK2BdhJxDAOq9l'], 'Unsupported ID prefix "pres". download-results only supports prediction and pipeline run IDs.\n'],
      [['download-results', '--id', 'ws_0VcAEYRK2BdhJxDAOq9l'], 'Could not infer download-results run type from ID prefix "ws"\n'],
      [['download-results', '--id', 'sab_pred_x', '--name', 'a', '--run-dir', 'b'], "--name and --run-dir are mutually exclusive\nRun 'boltz-api download-results --help' for usage information.\n"],
      [['download-status'], "--name or --run-dir is required\nRun 'boltz-api download-status --help' for usage information.\n"],
      [['download-status', '--name', 'nothing-here'], `Run metadata does not exist: ${join(cwd, 'boltz-experiments', 'nothing-here', '.boltz-run.json')}\n`],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, i) => {
      assert.equal(result.code, 1, cases[i][0].join(' '));
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, cases[i][1]);
    });
  });
});

describe('boltz-api run: a prediction that fails', () => {
  let server: TestServer;

  // A live engine whose executable always fails: the job ends `failed` with an engine error code.
  before(async () => {
    server = await startTestServer({ BOLTZ_ENGINE_EXECUTABLE: '/bin/false', BOLTZ_ENGINE_MSA_SERVER_URL: 'http://127.0.0.1:9' });
  });
  after(() => server.close());

  it('exits 1 with `Run <id> failed with error code <code>`, a failed event, and the state kept on disk', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'boltz-cli-failed-'));
    const env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.liveAdminKey };
    const run = await runCli(['predictions:structure-and-binding', 'run', '--name', 'doomed', '--input', PROTEIN_INPUT, '--poll-interval-seconds', '0.1'], { env, cwd });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n');
    const failure = lines[lines.length - 1].match(/^Run (sab_pred_\w+) failed with error code (\w+)$/);
    assert.ok(failure, run.stderr);
    assert.equal(failure[2], 'engine_failed');
    const events = lines.slice(0, -1).map((line) => JSON.parse(line));
    assert.equal(events[events.length - 1].event, 'failed');
    assert.equal(events[events.length - 1].error_code, 'engine_failed');

    const status = await runCli(['download-status', '--name', 'doomed'], { cwd });
    const summary = JSON.parse(status.stdout);
    assert.equal(summary.phase, 'failed');
    assert.equal(summary.ready, false);
    assert.equal(summary.run_id, failure[1]);
  });
});
