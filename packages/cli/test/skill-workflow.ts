import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliResult } from './cli-process.ts';

export type Cli = (args: string[]) => Promise<CliResult>;
export type IndexEntry = Record<string, any> & { id: string; paths?: Record<string, string> };

export const readJsonl = (path: string): IndexEntry[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

/** Polls `<resource> retrieve` (as the check-status skill does) until the run has one of `wanted`. */
export async function waitForStatus(cli: Cli, resource: string, id: string, wanted: string[]): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const status = (await cli([resource, 'retrieve', id, '-r', '--transform', 'status'])).stdout.trim();
    if (wanted.includes(status)) return status;
    await sleep(100);
  }
  throw new Error(`${id} never reached ${wanted.join('/')}`);
}

/**
 * Starts a run of `numResults` from the payload file, waits until its first result is listable
 * and stops it through the CLI, as a user stops a run that is under way.
 */
export async function startAndStopEarly(cli: Cli, resource: string, payload: string, sizeFlag: string, numResults: number): Promise<string> {
  const started = await cli([resource, 'start', '--input', `@yaml://${payload}`, sizeFlag, String(numResults)]);
  assert.equal(started.code, 0, started.stderr);
  const id = JSON.parse(started.stdout).id;
  for (let i = 0; i < 200; i++) {
    if ((await cli([resource, 'list-results', id, '--max-items', '1', '--transform', 'id', '-r'])).stdout) break;
    await sleep(50);
  }
  const stopped = await cli([resource, 'stop', id, '-r', '--transform', 'status']);
  assert.equal(stopped.stdout, 'stopped\n', stopped.stderr);
  return id;
}

/**
 * The pipeline skills' workflow (boltz-bio/boltz-api-skills on GitHub, the "Command Pattern" of the skills of
 * protein design and screen, small-molecule design and screen), typed as the skills type it:
 * estimate-cost and start with one payload file, start by idempotency key with `--raw-output
 * --transform id`, then download-results with `--name`, `--root-dir` and the skill's poll interval,
 * and `--format json download-status`. Checks the layout every skill's results reference
 * documents (CLI.md §9.2) and returns the index to rank from, for family-specific checks.
 */
export async function runSkillWorkflow(
  cli: Cli,
  options: { resource: string; payload: string; runName: string; root: string; pollSeconds: number; idPrefix: string; results: number; estimateCost?: boolean },
): Promise<{ runDir: string; index: IndexEntry[] }> {
  const { resource, payload, runName, root } = options;
  // small-molecule:explore has no estimate-cost endpoint (docs/pipelines.md): its quote step is skipped.
  if (options.estimateCost !== false) {
    const quote = await cli([resource, 'estimate-cost', '--input', `@yaml://${payload}`]);
    assert.equal(quote.code, 0, quote.stderr);
    assert.equal(typeof JSON.parse(quote.stdout).estimated_cost_usd, 'string');
  }

  const start = [resource, 'start', '--idempotency-key', runName, '--input', `@yaml://${payload}`, '--raw-output', '--transform', 'id'];
  const started = await cli(start);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, new RegExp(`^${options.idPrefix}\\w+\\n$`));
  const id = started.stdout.trim();
  assert.equal((await cli(start)).stdout, started.stdout, 'the same idempotency key returns the same run');

  // The skills launch the downloader in the background; here the run is finished first so the
  // poll interval they type never has to elapse.
  assert.equal(await waitForStatus(cli, resource, id, ['succeeded', 'failed']), 'succeeded');
  const downloaded = await cli(['download-results', '--id', id, '--name', runName, '--root-dir', root, '--poll-interval-seconds', String(options.pollSeconds)]);
  assert.equal(downloaded.code, 0, downloaded.stderr);
  const runDir = join(root, runName);
  assert.equal(downloaded.stdout, `${runDir}\n`);
  const events = downloaded.stderr.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual([...new Set(events.map((event) => event.event))], ['waiting', 'status', 'page_discovered', 'archive_download', 'archive_extract', 'ready']);
  assert.ok(events.filter((event) => event.event === 'archive_extract').every((event) => /^pres_/.test(event.result_id)));

  const status = await cli(['--format', 'json', 'download-status', '--name', runName, '--root-dir', root]);
  assert.equal(status.code, 0, status.stderr);
  const summary = JSON.parse(status.stdout);
  assert.equal(summary.phase, 'ready');
  assert.equal(summary.ready, true);
  assert.equal(summary.run_id, id);
  assert.equal(summary.status, 'succeeded');
  assert.match(summary.cursor_after_id, /^pres_/);

  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.id, id);
  assert.doesNotMatch(JSON.stringify(run), /"url"/, 'presigned URLs are not kept');
  const index = readJsonl(join(runDir, 'results', 'index.jsonl'));
  assert.equal(index.length, options.results);
  assert.deepEqual(index.map((entry) => entry.id), index.map((entry) => entry.id).sort(), 'sorted by id');
  assert.equal(new Set(index.map((entry) => entry.id)).size, options.results);
  for (const entry of index) {
    assert.equal(entry.artifacts, undefined);
    assert.deepEqual(Object.keys(entry.paths!).sort(), ['archive', 'files', 'metrics', 'pae', 'structure']);
    assert.equal(entry.paths!.archive, `results/${entry.id}/archive.tar.gz`);
    assert.equal(entry.paths!.metrics, `results/${entry.id}/files/result/metrics.json`);
    assert.match(entry.paths!.structure, /\.(cif|pdb)$/);
    for (const path of Object.values(entry.paths!)) assert.ok(existsSync(join(runDir, path)), path);
    assert.equal(typeof entry.metrics.binding_confidence, 'number', 'the skills rank by metrics.binding_confidence');
    const { paths: _paths, ...metadata } = entry;
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'results', entry.id, 'metadata.json'), 'utf8')), metadata);
  }

  // Restarting the downloader, as the skills say to, is idempotent: nothing is downloaded again.
  const archive = join(runDir, index[0].paths!.archive);
  const before = statSync(archive).mtimeMs;
  const again = await cli(['download-results', '--name', runName, '--root-dir', root, '--progress-format', 'text']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr, '');
  assert.equal(statSync(archive).mtimeMs, before);
  assert.equal(readJsonl(join(runDir, 'results', 'index.jsonl')).length, options.results);
  return { runDir, index };
}
