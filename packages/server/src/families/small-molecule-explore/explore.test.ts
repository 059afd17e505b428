import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MoleculeFilters } from '@boltz/chemistry';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, ledgerUnits } from '../../../test/pipelines.ts';
import { assertFields } from '../../../test/sdk-assertions.ts';
import { EXAMPLE_TARGET, allMoleculeResults, assertRefusedAt, assertMoleculeMetrics, expectedVerdicts, filterLibrary, waitForMoleculeRun } from '../../../test/small-molecules.ts';

const target = EXAMPLE_TARGET as any;
const PHASES = ['preparing_library', 'building_graph', 'scoring'];

function base64Library(text: string | Buffer, mediaType = 'text/csv') {
  return { type: 'base64' as const, data: Buffer.from(text).toString('base64'), media_type: mediaType };
}

/** What the run's `rejection_summary` and `library_size` must be: invalid, then repeats of a molecule, then filtered (spec/PIPELINE-ENGINES.md §4.6). */
async function expectedLibrary(smiles: string[], filters?: MoleculeFilters) {
  const verdicts = await expectedVerdicts(smiles, filters, 'explore');
  const seen = new Set<string>();
  const counts = { duplicate_count: 0, filtered_count: 0, invalid_count: 0 };
  const accepted = new Set<string>();
  for (const verdict of verdicts) {
    if (verdict.outcome === 'invalid') counts.invalid_count++;
    else if (seen.has(verdict.canonicalSmiles)) counts.duplicate_count++;
    else if ((seen.add(verdict.canonicalSmiles), verdict.outcome === 'filtered')) counts.filtered_count++;
    else accepted.add(verdict.canonicalSmiles);
  }
  return { counts, accepted };
}

/** Small-molecule explore through the official SDK (spec/API.md §10), test mode. */
describe('small-molecule explore', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Explorers'), 'test');
  });
  after(() => server.close());

  it('prepares the library (invalid, repeated and filtered molecules counted), moves through its phases and scores exactly the budget', async () => {
    const client = server.client(key);
    const library = filterLibrary();
    // Repeats: the same text, and the same molecule written differently (ethanol).
    const rows = [...library.map((m) => ({ smiles: m.smiles, name: m.id })), { smiles: library[0].smiles, name: 'again' }, { smiles: 'CCO', name: '' }, { smiles: 'OCC', name: 'ethanol-2' }, { smiles: 'C1CC', name: 'broken' }];
    const csv = ['name,smiles', ...rows.map((r) => `${r.name},"${r.smiles}"`)].join('\r\n') + '\r\n';
    const filters: MoleculeFilters = { custom_filters: [{ type: 'smarts_catalog_filter', catalog: 'PAINS' }, { type: 'lipinski_filter', max_mw: 500, max_logp: 5, max_hbd: 5, max_hba: 10 }] };
    const expected = await expectedLibrary(rows.map((r) => r.smiles), filters);
    assert.ok(expected.counts.duplicate_count >= 2 && expected.counts.filtered_count > 10 && expected.counts.invalid_count >= 2, JSON.stringify(expected.counts));

    const started = await client.smallMolecule.explore.start({
      budget: 30,
      library: { format: 'csv', source: base64Library(csv), smiles_column: 'smiles', id_column: 'name' },
      target,
      molecule_filters: filters as never,
    });
    assertFields(started, RUN_FIELDS);
    assert.match(started.id, /^sm_exp_/);
    assert.deepEqual(started.progress, { phase: 'preparing_library', num_molecules_scored: 0, num_molecules_failed: 0, total_molecules_to_score: 30 });
    assert.ok((started.input as any).library.source.url, 'the library is echoed as a file URL');

    const phases: string[] = [started.progress!.phase];
    const done = await waitForMoleculeRun(client, 'explore', started.id, (run) => {
      if (run.progress && run.progress.phase !== phases.at(-1)) phases.push(run.progress.phase);
      return ['succeeded', 'failed', 'stopped'].includes(run.status);
    });
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(phases, PHASES.filter((phase) => phases.includes(phase)), `forward only: ${phases}`);
    assert.equal(phases.at(-1), 'scoring');
    const results = await allMoleculeResults(client, 'explore', started.id, { limit: 9 });
    assert.deepEqual(done.progress, {
      phase: 'scoring',
      num_molecules_scored: 30,
      num_molecules_failed: 0,
      total_molecules_to_score: 30,
      library_size: expected.accepted.size,
      rejection_summary: expected.counts,
      latest_result_id: results.at(-1).id,
    });
    assert.equal(results.length, 30);
    assert.equal(new Set(results.map((r) => r.smiles)).size, 30, 'no molecule scored twice');
    for (const result of results) {
      assert.ok(expected.accepted.has(result.smiles), `${result.smiles} was accepted`);
      assert.ok(result.external_id, 'every row has its library id');
      assertMoleculeMetrics(result.metrics);
      assert.equal(result.adme, undefined, 'explore rows have no ADME');
      assert.deepEqual(Object.keys(result.artifacts).sort(), ['archive', 'ligand_structure', 'structure']);
    }
    assert.equal((await ledgerUnits(server, started.id)).units, 30);
  });

  it('reads TSV with the default smiles and id columns, gives id-less records their index, stops and resumes to exactly the budget', async () => {
    const client = server.client(key);
    const library = filterLibrary().filter((m) => m.smiles);
    const tsv = ['id\tsmiles', ...library.map((m, index) => `${index % 5 === 0 ? '' : m.id}\t${m.smiles}`)].join('\n');
    const expected = await expectedLibrary(library.map((m) => m.smiles));
    const budget = 80;
    const run = await client.smallMolecule.explore.start({ budget, library: { format: 'tsv', source: base64Library(tsv, 'text/tab-separated-values') }, target });
    await waitForMoleculeRun(client, 'explore', run.id, (r) => r.progress.num_molecules_scored >= 10);
    assert.equal((await client.smallMolecule.explore.stop(run.id)).status, 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const kept = await allMoleculeResults(client, 'explore', run.id);
    const stopped = await client.smallMolecule.explore.retrieve(run.id);
    assert.equal(stopped.progress?.num_molecules_scored, kept.length);
    assert.equal(stopped.progress?.phase, 'scoring');
    assert.ok(kept.length < budget);

    await client.smallMolecule.explore.resume(run.id);
    const seenPhases = new Set<string>();
    const done = await waitForMoleculeRun(client, 'explore', run.id, (r) => (seenPhases.add(r.progress.phase), ['succeeded', 'failed'].includes(r.status)));
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual([...seenPhases], ['scoring'], 'a resumed run does not report a phase it finished');
    const results = await allMoleculeResults(client, 'explore', run.id);
    assert.equal(results.length, budget);
    assert.equal(done.progress.library_size, expected.accepted.size);
    assert.deepEqual(done.progress.rejection_summary, expected.counts);
    assert.equal(new Set(results.map((r) => r.smiles)).size, budget, 'nothing scored twice across the stop');
    assert.deepEqual(results.slice(0, kept.length).map((r) => r.id), kept.map((r) => r.id));
    assert.equal((await ledgerUnits(server, run.id)).units, budget);
    // Record k without an id is known by k (0-based, the header excluded).
    const byId = new Map(results.map((r) => [r.external_id, r]));
    for (const [index, molecule] of library.entries()) {
      const result = byId.get(index % 5 === 0 ? String(index) : molecule.id);
      if (result) assert.ok(expected.accepted.has(result.smiles));
    }
    assert.ok(results.some((r) => /^\d+$/.test(r.external_id)), 'some scored record had no id');

    const picked = await allMoleculeResults(client, 'explore', run.id, { ids: [results[3].id, results[0].id].join(','), limit: 1 });
    assert.deepEqual(picked.map((r) => r.id), [results[0].id, results[3].id]);
  });

  it('scores what is left when filtering leaves less than the budget', async () => {
    const client = server.client(key);
    const csv = 'smiles\nCCO\nnot-a-smiles\nc1ccccc1O\nCC(=O)Oc1ccccc1C(=O)O\nC1CC\n';
    const run = await client.smallMolecule.explore.start({ budget: 5, library: { format: 'csv', source: base64Library(csv) }, target });
    const done = await waitForMoleculeRun(client, 'explore', run.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.progress.library_size, 3);
    assert.equal(done.progress.total_molecules_to_score, 3);
    assert.equal(done.progress.num_molecules_scored, 3);
    assert.deepEqual(done.progress.rejection_summary, { duplicate_count: 0, filtered_count: 0, invalid_count: 2 });
    assert.deepEqual((await allMoleculeResults(client, 'explore', run.id)).map((r) => r.external_id).sort(), ['0', '2', '3']);
    assert.equal((await ledgerUnits(server, run.id)).units, 3);
  });

  it('refuses unusable libraries and budgets with path-named errors (and line numbers), creating nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const csv = 'smiles,id\nCCO,a\nCCN,b\nCCO,c\n';
    const library = (source: unknown, extra: Record<string, unknown> = {}) => ({ format: 'csv', source, ...extra });
    const latin1 = Buffer.concat([Buffer.from('smiles,id\nCCO,a\nCCN,'), Buffer.from([0xe9, 0x0a])]);
    const cases: Array<[unknown, number, string, RegExp?]> = [
      [{ budget: 2, target, library: library(base64Library('SMILES,id\nCCO,a\n')) }, 422, 'library.smiles_column', /line 1: no column "smiles"/],
      [{ budget: 2, target, library: library(base64Library(csv), { id_column: 'name' }) }, 422, 'library.id_column', /line 1/],
      [{ budget: 2, target, library: library(base64Library(csv), { smiles_column: '' }) }, 400, 'library.smiles_column'],
      [{ budget: 3, target, library: library(base64Library(csv)) }, 422, 'budget', /2 distinct records/],
      [{ budget: 0, target, library: library(base64Library(csv)) }, 400, 'budget'],
      [{ budget: 5_000_001, target, library: library(base64Library(csv)) }, 400, 'budget'],
      [{ budget: 1, target, library: library(base64Library(latin1)) }, 422, 'library.source', /line 3: not valid UTF-8/],
      [{ budget: 1, target, library: library(base64Library(`smiles,id\nCCO,${'x'.repeat(1025)}\n`)) }, 422, 'library.source', /line 2: id longer than 1024 bytes/],
      [{ budget: 1, target, library: library(base64Library('smiles,id\n"CCO,a\n')) }, 422, 'library.source', /quote/],
      [{ budget: 1, target, library: library(base64Library(csv, 'text/tab-separated-values')) }, 422, 'library.source'],
      [{ budget: 1, target, library: { format: 'xlsx', source: base64Library(csv) } }, 400, 'library.format'],
      [{ budget: 1, target: { ...target, pocket_residues: { A: [5000] } }, library: library(base64Library(csv)) }, 422, 'target.pocket_residues.A[0]'],
    ];
    await assertRefusedAt([(r) => client.smallMolecule.explore.start(r)], cases);
    assert.equal(await snapshotDatabase(server.storage), before);
  });
});

/**
 * Libraries by URL are streamed to storage and checked as a stream from there (files/input-files.ts):
 * with a 64 KiB cap on held file inputs, a library several times larger starts, its stored copy is
 * byte-identical, and refused libraries leave nothing behind — no job, no stored file.
 */
describe('small-molecule explore libraries by URL, streamed to storage', () => {
  let server: TestServer;
  let key: string;
  let files: Server;
  let baseUrl: string;
  const distinct = filterLibrary().slice(0, 40).map((m) => m.smiles);
  // Repeats of the same few molecules pad it to ~10× the held-file cap.
  const big = ['smiles,compound_id', ...Array.from({ length: 12_000 }, (_, i) => `"${distinct[i % distinct.length]}",c${i}`)].join('\n') + '\n';
  const bodies: Record<string, Buffer> = {
    '/big.csv': Buffer.from(big),
    '/too-big.csv': Buffer.from('smiles\n' + 'CCO\n'.repeat(300_000)),
    '/no-column.csv': Buffer.from('structure,id\nCCO,a\n'),
    '/latin1.csv': Buffer.concat([Buffer.from('smiles,id\nCCO,a\nCCN,'), Buffer.from([0xe9]), Buffer.from('\n')]),
    '/nul.csv': Buffer.from('smiles,id\nCCO,a\u0000\n'),
  };

  before(async () => {
    files = createServer((request, response) => {
      const body = bodies[request.url ?? ''];
      if (!body) return void response.writeHead(404).end();
      // In pieces without a declared length, as a large download arrives.
      response.writeHead(200, { 'content-type': 'text/csv' });
      for (let at = 0; at < body.length; at += 50_000) response.write(body.subarray(at, at + 50_000));
      response.end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    server = await startTestServer({ BOLTZ_ALLOW_PRIVATE_URLS: 'true', BOLTZ_INPUT_FILE_MAX_BYTES: String(64 * 1024), BOLTZ_LIBRARY_FILE_MAX_BYTES: String(1024 * 1024) });
    key = await workspaceKey(server, await newWorkspace(server, 'Streamers'), 'test');
  });
  after(async () => {
    await server.close();
    files.close();
  });

  const incomingFiles = () => {
    const folder = join(server.config.dataDir, 'results', 'incoming');
    return existsSync(folder) ? readdirSync(folder) : [];
  };

  it('takes a library larger than the held-file cap, stores it whole and explores it', async () => {
    const client = server.client(key);
    assert.ok(bodies['/big.csv'].length > 4 * 64 * 1024);
    const started = await client.smallMolecule.explore.start({ budget: 5, library: { format: 'csv', smiles_column: 'smiles', id_column: 'compound_id', source: { type: 'url', url: `${baseUrl}/big.csv` } }, target });
    const stored = await fetch((started.input as any).library.source.url);
    assert.ok(Buffer.from(await stored.arrayBuffer()).equals(bodies['/big.csv']), 'the stored library is the downloaded one, byte for byte');
    const done = await waitForMoleculeRun(client, 'explore', started.id, (run) => ['succeeded', 'failed'].includes(run.status));
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress?.num_molecules_scored, 5);
    assert.equal(done.progress?.rejection_summary?.duplicate_count, 12_000 - (done.progress?.library_size ?? 0) - (done.progress?.rejection_summary?.filtered_count ?? 0) - (done.progress?.rejection_summary?.invalid_count ?? 0));
    assert.deepEqual(incomingFiles(), [], 'the incoming copy moved to the run');
  });

  it('refuses oversize, column-less, non-UTF-8, NUL-laden and missing libraries with path-named errors, keeping nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const library = (path: string) => ({ format: 'csv' as const, source: { type: 'url' as const, url: `${baseUrl}${path}` } });
    const cases: Array<[unknown, number, string, RegExp?]> = [
      [{ budget: 1, target, library: library('/too-big.csv') }, 422, 'library.source', /larger than 1048576 bytes/],
      [{ budget: 1, target, library: library('/no-column.csv') }, 422, 'library.smiles_column', /smiles/],
      [{ budget: 1, target, library: library('/latin1.csv') }, 422, 'library.source', /line 3: not valid UTF-8/],
      [{ budget: 1, target, library: library('/nul.csv') }, 422, 'library.source', /NUL/],
      [{ budget: 1, target, library: library('/missing.csv') }, 422, 'library.source', /HTTP 404/],
      [{ budget: 50, target, library: library('/big.csv') }, 422, 'budget', /distinct records/],
    ];
    await assertRefusedAt([(r) => client.smallMolecule.explore.start(r)], cases);
    assert.equal(await snapshotDatabase(server.storage), before);
    assert.deepEqual(incomingFiles(), []);
  });
});
