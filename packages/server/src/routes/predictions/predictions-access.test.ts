import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { apiError } from '../../../test/sdk-assertions.ts';
import { createAdminKey, createOrganization } from '../../bootstrap.ts';
import { type TestServer, rawRequest, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { ADME_INPUT, STRUCTURE_INPUT, allJobsFinished, newWorkspace, waitUntilDone, workspaceKey } from '../../../test/predictions.ts';


/** Who may see and start which prediction (spec/API.md §2.3, §7.1, decisions d–f). */
describe('prediction access: workspaces, modes, organizations', () => {
  let server: TestServer;
  let workspaceA: string;
  let workspaceB: string;
  let testKeyA: string;
  let testKeyB: string;
  let liveKeyA: string;
  let jobA: string;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant' });
    workspaceA = await newWorkspace(server, 'A');
    workspaceB = await newWorkspace(server, 'B');
    testKeyA = await workspaceKey(server, workspaceA, 'test');
    testKeyB = await workspaceKey(server, workspaceB, 'test');
    liveKeyA = await workspaceKey(server, workspaceA, 'live');
    jobA = (await server.client(testKeyA).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })).id;
    await waitUntilDone(server.client(testKeyA), 'structureAndBinding', jobA);
  });
  after(() => server.close());

  it("another workspace's key sees a 404 and an empty list", async () => {
    const b = server.client(testKeyB);
    await assert.rejects(b.predictions.structureAndBinding.retrieve(jobA), apiError(404, 'not_found'));
    await assert.rejects(b.predictions.structureAndBinding.deleteData(jobA), apiError(404, 'not_found'));
    assert.equal((await b.predictions.structureAndBinding.list()).data.length, 0);
    // Naming the other workspace explicitly is refused outright.
    await assert.rejects(b.predictions.structureAndBinding.list({ workspace_id: workspaceA }), apiError(403, 'forbidden'));
    await assert.rejects(b.predictions.structureAndBinding.retrieve(jobA, { workspace_id: workspaceA }), apiError(403, 'forbidden'));
  });

  it('a workspace key may name its own workspace but not another one when starting', async () => {
    const a = server.client(testKeyA);
    const own = await a.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceA });
    assert.equal(own.workspace_id, workspaceA);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    await assert.rejects(a.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceB }), apiError(403, 'forbidden'));
    await assert.rejects(a.predictions.adme.estimateCost({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceB }), apiError(403, 'forbidden'));
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('test and live jobs never see each other (decision e)', async () => {
    await assert.rejects(server.client(liveKeyA).predictions.structureAndBinding.retrieve(jobA), apiError(404));
    await assert.rejects(server.client(server.liveAdminKey).predictions.structureAndBinding.retrieve(jobA), apiError(404));
    assert.equal((await server.client(liveKeyA).predictions.structureAndBinding.list()).data.length, 0);
    assert.equal((await server.client(server.testAdminKey).predictions.structureAndBinding.retrieve(jobA)).id, jobA);
  });

  it('live starts without a live engine answer 501 engine_unavailable and create nothing', async () => {
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    for (const start of [
      () => server.client(liveKeyA).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT }),
      () => server.client(server.liveAdminKey).predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT }),
    ]) {
      await assert.rejects(start(), (error) => {
        apiError(501, 'engine_unavailable')(error);
        assert.equal((error as APIError).headers?.get('x-should-retry'), 'false');
        return true;
      });
    }
    assert.equal(await snapshotDatabase(server.storage), before);
    // Estimates still quote live prices.
    const estimate = await server.client(liveKeyA).predictions.adme.estimateCost({ model: 'adme-v1', input: ADME_INPUT });
    assert.equal(estimate.estimated_cost_usd, '0.0300');
  });

  it('admins: unknown workspace → 404, archived workspace → 403 workspace_archived', async () => {
    const admin = server.client(server.testAdminKey);
    await assert.rejects(admin.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: 'ws_unknown' }), apiError(404, 'not_found'));
    const archived = await newWorkspace(server, 'Archived');
    await server.client(server.liveAdminKey).admin.workspaces.archive(archived);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    await assert.rejects(admin.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: archived }), apiError(403, 'workspace_archived'));
    await assert.rejects(admin.predictions.adme.estimateCost({ model: 'adme-v1', input: ADME_INPUT, workspace_id: archived }), apiError(403, 'workspace_archived'));
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it("another organization's admin sees a 404", async () => {
    const { organizationId: orgId } = await createOrganization(server.storage, 'Other');
    const other = await createAdminKey(server.storage, { organizationId: orgId, mode: 'test' });
    const client = server.client(other.key);
    await assert.rejects(client.predictions.structureAndBinding.retrieve(jobA), apiError(404));
    await assert.rejects(client.predictions.structureAndBinding.retrieve(jobA, { workspace_id: workspaceA }), apiError(404));
    await assert.rejects(client.predictions.structureAndBinding.deleteData(jobA), apiError(404));
    assert.equal((await client.predictions.structureAndBinding.list({ workspace_id: workspaceA })).data.length, 0);
    await assert.rejects(client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceA }), apiError(404));
  });

  it('every prediction route needs a credential', async () => {
    for (const [method, path] of [
      ['POST', '/compute/v1/predictions/structure-and-binding'],
      ['GET', '/compute/v1/predictions/structure-and-binding'],
      ['GET', `/compute/v1/predictions/structure-and-binding/${jobA}`],
      ['POST', `/compute/v1/predictions/structure-and-binding/${jobA}/delete-data`],
      ['POST', '/compute/v1/predictions/adme/estimate-cost'],
    ]) {
      const response = await rawRequest(server, method, path, {});
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.equal(response.body.code, 'unauthorized');
    }
  });
});
