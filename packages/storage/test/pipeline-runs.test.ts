import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JOB_KINDS, newId } from '@boltz/shared';
import { isUniqueViolation, type JobResultRow } from '../src/index.ts';
import { AT, jobRow } from './fixtures.ts';
import { TEST_DIALECT, type TestDatabase, openTestDatabase } from './test-database.ts';

const LEASE = { owner: 'runner', expiresAt: '2030-01-01T00:00:00.000Z' };
const RUNNABLE = { test: JOB_KINDS, live: [] };

function results(jobId: string, fromSeq: number, count: number): JobResultRow[] {
  return Array.from({ length: count }, (_, i) => ({ id: newId('pres_'), job_id: jobId, seq: fromSeq + i, created_at: AT, data: `{"n":${fromSeq + i}}` }));
}

/** Pipeline runs in the job table: guarded batch commits, result pages, stop and resume (spec/API.md §7.2, §10). */
describe(`pipeline runs on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;

  before(async () => {
    database = await openTestDatabase();
    const { storage } = database;
    await storage.db.insertInto('organizations').values({ id: 'org_1', name: 'Org', created_at: AT }).execute();
    await storage.db
      .insertInto('workspaces')
      .values({ id: 'ws_1', organization_id: 'org_1', name: null, name_lower: null, is_default: 1, retention_unit: 'days', retention_value: 7, created_at: AT, updated_at: AT, archived_at: null })
      .execute();
  });
  after(() => database.dispose());

  it('a batch commits only under the lease and at the expected position, and its rows never land twice', async () => {
    const { storage } = database;
    await storage.jobs.insert(jobRow('prot_des_commit', { kind: 'protein_design', billed_units: 10 }));
    const claimed = await storage.jobs.claimNext(RUNNABLE, LEASE, AT);
    assert.equal(claimed?.id, 'prot_des_commit');
    const commit = { expectedResultCount: 0, addedResults: 3, addedUnits: 3, progress: '{"num_proteins_generated":3}', checkpoint: '{"next":3}' };

    await storage.transaction(async (tx) => {
      assert.equal(await tx.jobs.commitBatch('prot_des_commit', 'runner', commit), true);
      await tx.results.insert(results('prot_des_commit', 0, 3));
    });
    assert.equal(await storage.jobs.commitBatch('prot_des_commit', 'runner', commit), false, 'a stale position is refused');
    assert.equal(await storage.jobs.commitBatch('prot_des_commit', 'somebody else', { ...commit, expectedResultCount: 3 }), false, 'no lease, no commit');
    await assert.rejects(storage.results.insert(results('prot_des_commit', 2, 1)), isUniqueViolation);

    const job = await storage.jobs.findById('prot_des_commit');
    assert.equal(job?.result_count, 3);
    assert.equal(job?.settled_units, 3);
    assert.equal(job?.checkpoint, '{"next":3}');
  });

  it('pages results oldest first, filtered by ids before paging', async () => {
    const { storage } = database;
    await storage.jobs.insert(jobRow('prot_des_pages', { kind: 'protein_design' }));
    const rows = results('prot_des_pages', 0, 7);
    await storage.results.insert(rows);
    const first = await storage.results.page('prot_des_pages', { limit: 3 });
    assert.deepEqual(first.data.map((r) => r.seq), [0, 1, 2]);
    assert.equal(first.has_more, true);
    const second = await storage.results.page('prot_des_pages', { limit: 3, after_id: first.last_id! });
    assert.deepEqual(second.data.map((r) => r.seq), [3, 4, 5]);
    const back = await storage.results.page('prot_des_pages', { limit: 2, before_id: second.first_id! });
    assert.deepEqual(back.data.map((r) => r.seq), [1, 2]);

    const picked = await storage.results.page('prot_des_pages', { limit: 1, ids: [rows[5].id, rows[1].id, 'pres_unknown', rows[6].id] });
    assert.deepEqual(picked.data.map((r) => r.seq), [1]);
    assert.equal(picked.has_more, true);
    const rest = await storage.results.page('prot_des_pages', { limit: 5, after_id: picked.last_id!, ids: [rows[5].id, rows[1].id, rows[6].id] });
    assert.deepEqual(rest.data.map((r) => r.seq), [5, 6]);
    assert.equal((await storage.results.page('prot_des_pages', { limit: 5, ids: [] })).data.length, 0);
  });

  it('stop and resume move only between the states the API allows', async () => {
    const { storage } = database;
    await storage.jobs.insert(jobRow('prot_des_stop', { kind: 'protein_design', run_after: '2031-01-01T00:00:00.000Z' }));
    assert.equal(await storage.jobs.resume('prot_des_stop', AT), false, 'pending is not stopped');
    assert.equal(await storage.jobs.stop('prot_des_stop', AT, AT), true);
    assert.equal(await storage.jobs.stop('prot_des_stop', AT, AT), false, 'already stopped');
    let job = await storage.jobs.findById('prot_des_stop');
    assert.equal(job?.status, 'stopped');
    assert.equal(job?.stopped_at, AT);
    assert.equal(await storage.jobs.resume('prot_des_stop', '2026-04-08T19:00:00.000Z'), true);
    job = await storage.jobs.findById('prot_des_stop');
    assert.equal(job?.status, 'pending');
    assert.equal(job?.stopped_at, null);
    assert.equal(job?.expires_at, null);
    assert.equal(job?.run_after, '2026-04-08T19:00:00.000Z');
  });

  it('purges the results of a job whose data was deleted, in batches', async () => {
    const { storage } = database;
    await storage.jobs.insert(jobRow('prot_des_purge', { kind: 'protein_design', status: 'succeeded', result_count: 5 }));
    await storage.results.insert(results('prot_des_purge', 0, 5));
    assert.equal(await storage.jobs.deleteData('prot_des_purge', AT), true);
    assert.deepEqual(await storage.jobs.findResultsToPurge(10), ['prot_des_purge']);
    assert.equal(await storage.results.deleteSome('prot_des_purge', 3), 3);
    assert.equal(await storage.results.deleteSome('prot_des_purge', 3), 2);
    await storage.jobs.markResultsPurged('prot_des_purge');
    assert.deepEqual(await storage.jobs.findResultsToPurge(10), []);
    assert.equal((await storage.results.page('prot_des_purge', { limit: 10 })).data.length, 0);
  });
});
