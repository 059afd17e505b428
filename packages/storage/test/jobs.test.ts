import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JOB_KINDS } from '@boltz/shared';
import { type NewJobRow, isUniqueViolation } from '../src/index.ts';
import { jobRow } from './fixtures.ts';
import { type TestDatabase, openTestDatabase } from './test-database.ts';

const NOW = '2026-04-08T12:00:00.000Z';
const LATER = '2026-04-08T12:00:30.000Z';

const job = (id: string, overrides: Partial<NewJobRow> = {}) => jobRow(id, { run_after: NOW, created_at: NOW, ...overrides });
const TEST_ONLY = { test: JOB_KINDS, live: [] };

/** The job table as a queue: leases, take-over and guarded completion, on both dialects. */
describe('JobStore queue', () => {
  let database: TestDatabase;

  before(async () => {
    database = await openTestDatabase();
    const { storage } = database;
    await storage.db.insertInto('organizations').values({ id: 'org_1', name: 'Org', created_at: NOW }).execute();
    await storage.db
      .insertInto('workspaces')
      .values({ id: 'ws_1', organization_id: 'org_1', name: null, name_lower: null, is_default: 1, retention_unit: 'days', retention_value: 7, created_at: NOW, updated_at: NOW, archived_at: null })
      .execute();
  });
  after(() => database.dispose());

  it('concurrent runners claim every due job exactly once', async () => {
    const { storage } = database;
    for (let i = 0; i < 30; i++) await storage.jobs.insert(job(`job_${String(i).padStart(2, '0')}`));
    await storage.jobs.insert(job('job_not_due', { run_after: '2026-04-08T13:00:00.000Z' }));
    await storage.jobs.insert(job('job_live', { mode: 'live' }));

    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, runner) => {
        for (;;) {
          const next = await storage.jobs.claimNext(TEST_ONLY, { owner: `runner_${runner}`, expiresAt: LATER }, NOW);
          if (!next) return;
          assert.equal(next.status, 'running');
          assert.equal(next.lease_owner, `runner_${runner}`);
          assert.equal(next.attempts, 1);
          claimed.push(next.id);
        }
      }),
    );
    assert.equal(claimed.length, 30);
    assert.equal(new Set(claimed).size, 30, 'no job claimed twice');
    assert.ok(!claimed.includes('job_not_due') && !claimed.includes('job_live'));
  });

  it('an expired lease is taken over, and only the current holder can complete the job', async () => {
    const { storage } = database;
    await storage.jobs.insert(job('job_lease'));
    // Other jobs of this file are pending or running under long leases; only this one is due.
    await storage.db.updateTable('jobs').set({ run_after: '2030-01-01T00:00:00.000Z' }).where('status', '=', 'pending').where('id', '!=', 'job_lease').execute();
    await storage.db.updateTable('jobs').set({ lease_expires_at: '2030-01-01T00:00:00.000Z' }).where('status', '=', 'running').execute();

    const first = await storage.jobs.claimNext(TEST_ONLY, { owner: 'crashed', expiresAt: '2026-04-08T12:01:00.000Z' }, '2026-04-08T12:00:10.000Z');
    assert.equal(first?.id, 'job_lease');
    assert.equal(await storage.jobs.claimNext(TEST_ONLY, { owner: 'other', expiresAt: LATER }, '2026-04-08T12:00:20.000Z'), undefined, 'lease still held');

    const takeover = await storage.jobs.claimNext(TEST_ONLY, { owner: 'rescuer', expiresAt: '2026-04-08T12:03:00.000Z' }, '2026-04-08T12:02:00.000Z');
    assert.equal(takeover?.id, 'job_lease');
    assert.equal(takeover?.attempts, 2);
    assert.equal(takeover?.started_at, '2026-04-08T12:00:10.000Z', 'started_at is the first entry to running');

    assert.equal(await storage.jobs.renewLease('job_lease', { owner: 'crashed', expiresAt: '2026-04-08T12:05:00.000Z' }), false);
    const completion = { status: 'succeeded' as const, output: '{"molecules":[]}', version: 'synthetic-1' };
    assert.equal(await storage.jobs.complete('job_lease', 'crashed', completion, '2026-04-08T12:02:30.000Z', LATER), false);
    assert.equal(await storage.jobs.complete('job_lease', 'rescuer', completion, '2026-04-08T12:02:30.000Z', LATER), true);
    assert.equal(await storage.jobs.complete('job_lease', 'rescuer', completion, '2026-04-08T12:02:31.000Z', LATER), false, 'no second completion');
    const done = await storage.jobs.find({ organizationId: 'org_1', mode: 'test' }, 'adme', 'job_lease');
    assert.equal(done?.status, 'succeeded');
    assert.equal(done?.completed_at, '2026-04-08T12:02:30.000Z');
    assert.equal(done?.lease_owner, null);
  });

  it('the idempotency index lets one job per key and scope exist', async () => {
    const { storage } = database;
    await storage.jobs.insert(job('job_key_1', { idempotency_key: 'k' }));
    await assert.rejects(storage.jobs.insert(job('job_key_2', { idempotency_key: 'k' })), isUniqueViolation);
    await storage.jobs.insert(job('job_key_3', { idempotency_key: 'k', kind: 'structure_and_binding' }));
    await storage.jobs.insert(job('job_key_4', { idempotency_key: 'k', mode: 'live' }));
  });
});
