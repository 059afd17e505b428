import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../../test/harness.ts';
import {
  LIST_ITEM_FIELDS,
  PREDICTION_FIELDS,
  STRUCTURE_INPUT,
  download,
  fileObjects,
  newWorkspace,
  waitUntilDone,
  workspaceKey,
  allJobsFinished,
} from '../../../../test/predictions.ts';
import { assertFields, assertTimestamp } from '../../../../test/sdk-assertions.ts';

describe('predictions.structureAndBinding through the official SDK', () => {
  let server: TestServer;
  let workspaceId: string;
  let testKey: string;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'fast' });
    workspaceId = await newWorkspace(server, 'Structures');
    testKey = await workspaceKey(server, workspaceId, 'test');
  });
  after(() => server.close());

  it('start → pending → succeeded, with every output file downloadable without a credential', async () => {
    const client = server.client(testKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    assertFields(started, PREDICTION_FIELDS);
    assert.match(started.id, /^sab_pred_[0-9A-Za-z]{20}$/);
    assert.equal(started.status, 'pending');
    assert.equal(started.model, 'boltz-2.1');
    assert.equal(started.livemode, false);
    assert.equal(started.workspace_id, workspaceId);
    assert.deepEqual(started.input, STRUCTURE_INPUT);
    assert.equal(started.output, null);
    assert.equal(started.started_at, null);
    assert.equal(started.expires_at, null);
    assertTimestamp(started.created_at, 'created_at');

    const done = await waitUntilDone(client, 'structureAndBinding', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.error, null);
    assert.equal(done.version, 'synthetic-1');
    for (const field of ['started_at', 'completed_at', 'expires_at']) assertTimestamp(done[field], field);
    // Workspaces keep data 7 days unless told otherwise; expiry counts from completion.
    const workspace = await server.client(server.liveAdminKey).admin.workspaces.retrieve(workspaceId);
    const retentionHours = workspace.data_retention.unit === 'days' ? workspace.data_retention.value * 24 : workspace.data_retention.value;
    assert.equal(Date.parse(done.expires_at) - Date.parse(done.completed_at), retentionHours * 3600_000);

    const output = done.output;
    assert.deepEqual(Object.keys(output).sort(), ['all_sample_results', 'archive', 'best_sample', 'binding_metrics']);
    assert.equal(output.all_sample_results.length, 2);
    assert.deepEqual(output.best_sample, output.all_sample_results[0]);
    assert.equal(output.binding_metrics.type, 'ligand_protein_binding_metrics');

    const files = fileObjects(output);
    assert.ok(files.length >= 4, `expected structures and an archive, got ${files.map((f) => f.path)}`);
    for (const file of files) {
      assertTimestamp(file.url_expires_at, `${file.path}.url_expires_at`);
      const got = await download(file.url);
      assert.equal(got.status, 200, file.path);
      assert.ok(got.bytes.length > 0, `${file.path} is empty`);
      assert.equal(Number(got.headers.get('content-length')), got.bytes.length);
      if (file.path.endsWith('.structure')) {
        assert.match(new URL(file.url).pathname, /\.cif$/);
        assert.match(got.bytes.toString('utf8'), /^data_/);
        assert.match(got.bytes.toString('utf8'), /_atom_site\./);
      }
    }
    const archive = await download(output.archive.url);
    assert.match(new URL(output.archive.url).pathname, /\/archive\.tar\.gz$/);
    const tar = gunzipSync(archive.bytes).toString('latin1');
    assert.ok(tar.includes('prediction/metrics.json'), 'archive holds prediction/metrics.json');
    assert.ok(tar.includes('prediction/sample_0_predicted_structure.cif'));
  });

  it('an admin key starts and reads jobs in a workspace it names', async () => {
    const admin = server.client(server.testAdminKey);
    const started = await admin.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, workspace_id: workspaceId });
    assert.equal(started.workspace_id, workspaceId);
    const done = await waitUntilDone(admin, 'structureAndBinding', started.id, { workspace_id: workspaceId });
    assert.equal(done.status, 'succeeded');
    for (const file of fileObjects(done.output)) assert.equal((await download(file.url)).status, 200);
    // Naming another workspace narrows the lookup: the job is not there.
    await assert.rejects(admin.predictions.structureAndBinding.retrieve(started.id, { workspace_id: server.defaultWorkspaceId }), (e) => e instanceof APIError && e.status === 404);
    // Without a workspace the id is looked up across the organization.
    assert.equal((await admin.predictions.structureAndBinding.retrieve(started.id)).id, started.id);
  });

  it('an admin key without workspace_id works in the default workspace', async () => {
    const admin = server.client(server.testAdminKey);
    const started = await admin.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    assert.equal(started.workspace_id, server.defaultWorkspaceId);
    const page = await admin.predictions.structureAndBinding.list();
    assert.ok(page.data.some((job) => job.id === started.id));
  });

  it('legacy pred_ ids resolve to the sab_pred_ job', async () => {
    const client = server.client(testKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const legacy = `pred_${started.id.slice('sab_pred_'.length)}`;
    assert.equal((await client.predictions.structureAndBinding.retrieve(legacy)).id, started.id);
  });

  it('lists newest first without input/output, paging forwards and backwards', async () => {
    const listed = await newWorkspace(server, 'Listing');
    const key = await workspaceKey(server, listed, 'test');
    const client = server.client(key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: `page-${i}` })).id);
    const newestFirst = [...ids].reverse();

    const first = await client.predictions.structureAndBinding.list({ limit: 2 });
    assert.deepEqual(first.data.map((job) => job.id), newestFirst.slice(0, 2));
    assert.equal(first.has_more, true);
    for (const item of first.data) {
      assertFields(item, [...LIST_ITEM_FIELDS, 'idempotency_key']);
    }

    const all: string[] = [];
    for await (const job of client.predictions.structureAndBinding.list({ limit: 2 })) all.push(job.id);
    assert.deepEqual(all, newestFirst);

    const before = await client.predictions.structureAndBinding.list({ before_id: newestFirst[3], limit: 2 });
    assert.deepEqual(before.data.map((job) => job.id), newestFirst.slice(1, 3));
    assert.equal(before.has_more, true);
  });

  it('delete-data removes input, output and files; repeats keep the first timestamp', async () => {
    const client = server.client(testKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const done = await waitUntilDone(client, 'structureAndBinding', started.id);
    const urls = fileObjects(done.output).map((file) => file.url);

    const deleted = await client.predictions.structureAndBinding.deleteData(started.id);
    assert.deepEqual(Object.keys(deleted).sort(), ['data_deleted', 'data_deleted_at', 'id']);
    assert.equal(deleted.id, started.id);
    assert.equal(deleted.data_deleted, true);
    assertTimestamp(deleted.data_deleted_at, 'data_deleted_at');

    const after = await client.predictions.structureAndBinding.retrieve(started.id);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.input, null);
    assert.equal(after.output, null);
    assert.equal(after.data_deleted_at, deleted.data_deleted_at);
    for (const url of urls) assert.equal((await download(url)).status, 404);

    const again = await client.predictions.structureAndBinding.deleteData(started.id);
    assert.equal(again.data_deleted_at, deleted.data_deleted_at);
  });

  it('estimate-cost quotes 20 milli-USD × size tier per sample and creates nothing', async () => {
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const estimate = await server.client(testKey).predictions.structureAndBinding.estimateCost({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: 'ignored' });
    assert.deepEqual(estimate, {
      estimated_cost_usd: '0.0400',
      disclaimer: 'Estimate only; the final charge is based on completed work.',
      breakdown: { application: 'structure_and_binding', cost_per_unit_usd: '0.0200', num_units: 2 },
    });
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('semantic problems answer 422 VALIDATION_ERROR keyed by input path, and nothing is created', async () => {
    const client = server.client(testKey);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const duplicateChains = {
      entities: [
        { type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAK', msa: { type: 'empty' as const } },
        { type: 'ligand_smiles' as const, chain_ids: ['A'], value: 'CCO' },
      ],
    };
    const badSmiles = { entities: [{ type: 'ligand_smiles' as const, chain_ids: ['L'], value: 'C1CC(' }] };
    for (const input of [duplicateChains, badSmiles]) {
      for (const call of [
        () => client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input }),
        () => client.predictions.structureAndBinding.estimateCost({ model: 'boltz-2.1', input }),
      ]) {
        await assert.rejects(call(), (error) => {
          assert.ok(error instanceof APIError);
          assert.equal(error.status, 422);
          const body = error.error as { code: string; details: Record<string, string> };
          assert.equal(body.code, 'VALIDATION_ERROR');
          assert.ok(Object.keys(body.details).every((path) => path.startsWith('input.entities[')), JSON.stringify(body.details));
          return true;
        });
      }
    }
    // Schema problems stay 400.
    await assert.rejects(
      client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: { ...STRUCTURE_INPUT, num_samples: 11 } }),
      (error) => error instanceof APIError && error.status === 400,
    );
    assert.equal(await snapshotDatabase(server.storage), before);
  });
});
