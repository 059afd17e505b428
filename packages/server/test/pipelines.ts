import assert from 'node:assert/strict';
import type Boltz from 'boltz-api';
import type { TestServer } from './harness.ts';

export { legacyDesignBody, twoChainCif } from '../src/families/protein-design/examples.ts';

/** The stand-in `boltzgen` of the engine tests (scenarios: its header comment). */
export const BOLTZGEN_STAND_IN = new URL('../../engines/test/fixtures/stand-ins/boltzgen.mjs', import.meta.url).pathname;

/**
 * Shared pieces of the pipeline conformance tests: the run resource's fields (the SDK's
 * `…RetrieveResponse` types), small valid start bodies, and polling helpers.
 */
export const RUN_FIELDS = [
  'completed_at',
  'created_at',
  'data_deleted_at',
  'engine',
  'engine_version',
  'error',
  'id',
  'input',
  'livemode',
  'pipeline',
  'pipeline_version',
  'progress',
  'started_at',
  'status',
  'stopped_at',
  'workspace_id',
];
export const RUN_LIST_ITEM_FIELDS = RUN_FIELDS.filter((field) => field !== 'input');

export type PipelineResource = 'design' | 'libraryScreen' | 'sequenceRedesign';

/** Polls `retrieve` like a client, until the run is terminal (succeeded, failed or stopped). */
export async function waitForRun(client: Boltz, resource: PipelineResource, id: string, until: (run: any) => boolean = terminal, timeoutMs = 60_000): Promise<any> {
  return pollRun(() => client.protein[resource].retrieve(id), until, timeoutMs);
}

/** Reads a run every 200 ms until `until` holds of it; fails after `timeoutMs`. */
export async function pollRun(read: () => Promise<any>, until: (run: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run: any = await read();
    if (until(run)) return run;
    assert.ok(Date.now() < deadline, `${run.id} still ${run.status} (${JSON.stringify(run.progress)}) after ${timeoutMs} ms`);
    // 5 polls a second: well under the default rate limit (600 requests a minute per key) for waits of any length.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const terminal = (run: { status: string }) => ['succeeded', 'failed', 'stopped'].includes(run.status);

/** Every result of a run, through the SDK's auto-pagination. */
export async function allResults(client: Boltz, resource: PipelineResource, id: string, query: Record<string, unknown> = {}): Promise<any[]> {
  const results: any[] = [];
  for await (const result of client.protein[resource].listResults(id, query)) results.push(result);
  return results;
}

export async function ledgerUnits(server: TestServer, jobId: string): Promise<{ rows: number; units: number }> {
  const rows = await server.storage.db.selectFrom('usage_ledger').select(['quantity']).where('job_id', '=', jobId).execute();
  return { rows: rows.length, units: rows.reduce((sum, row) => sum + row.quantity, 0) };
}

type Run = { id: string; status: string; stopped_at: string | null; progress: any };

/**
 * Stop partway, check nothing lands after the stop, resume, and check that the run completes with
 * exactly `expected` results — the ones kept at the stop first — each billed once (issue 8).
 * `done(run)` counts the work a run has finished (results, or results plus failures).
 */
export async function stopAndResumeToCompletion(server: TestServer, client: Boltz, resource: PipelineResource, id: string, options: { expected: number; done: (run: any) => number; atLeast: number }): Promise<any[]> {
  const api = client.protein[resource] as unknown as { stop(id: string): Promise<Run>; resume(id: string): Promise<Run>; retrieve(id: string): Promise<Run> };
  const partway = await waitForRun(client, resource, id, (run) => options.done(run) >= options.atLeast);
  assert.equal(partway.status, 'running');
  const whileRunning = await allResults(client, resource, id, { limit: 3 });
  assert.ok(whileRunning.length >= 1, 'results are readable, page by page, while the run is running');

  const stopped = await api.stop(id);
  assert.equal(stopped.status, 'stopped');
  assert.ok(stopped.stopped_at);
  assert.equal((await api.stop(id)).stopped_at, stopped.stopped_at, 'stop is idempotent');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const kept = await allResults(client, resource, id);
  const atStop = await api.retrieve(id);
  assert.equal(atStop.status, 'stopped');
  assert.ok(options.done(atStop) < options.expected, 'the stop interrupted the run');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await allResults(client, resource, id)).length, kept.length, 'nothing lands after the stop');

  const resumed = await api.resume(id);
  assert.ok(resumed.status === 'pending' || resumed.status === 'running');
  assert.equal(resumed.stopped_at, null);
  assert.equal((await api.resume(id)).id, id, 'resume of an active run is a no-op');
  const finished = await waitForRun(client, resource, id);
  assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
  const results = await allResults(client, resource, id, { limit: 1000 });
  assert.equal(results.length, options.expected);
  assert.equal(new Set(results.map((r) => r.id)).size, options.expected);
  assert.deepEqual(results.slice(0, kept.length).map((r) => r.id), kept.map((r) => r.id), 'the first results are the ones kept at the stop');
  assert.equal(finished.progress.latest_result_id, results[results.length - 1].id);
  assert.equal((await ledgerUnits(server, id)).units, options.expected, 'no result billed twice');
  return results;
}

/** Start and estimate-cost both refuse each request with `status` and a `details` entry at `path`. */
export async function assertRefusedAt(client: Boltz, resource: PipelineResource, cases: Array<[unknown, number, string]>): Promise<void> {
  const api = client.protein[resource] as unknown as { start(body: unknown): Promise<unknown>; estimateCost(body: unknown): Promise<unknown> };
  for (const [request, status, path] of cases) {
    for (const call of [() => api.start(request), () => api.estimateCost(request)]) {
      await assert.rejects(call(), (error: any) => {
        assert.equal(error?.status, status, `${path}: ${error?.status} ${JSON.stringify(error?.error)}`);
        const details = error.error?.details as Record<string, string> | undefined;
        assert.ok(details && Object.keys(details).includes(path), `${path} in ${JSON.stringify(error.error)}`);
        return true;
      });
    }
  }
}

/** Today's usage of `application` in the test admin's mode, as the admin usage endpoint reports it. */
export async function usageToday(server: TestServer, application: string): Promise<number> {
  const day = new Date().toISOString().slice(0, 10);
  const usage = await server.client(server.testAdminKey).admin.usage.list({
    starting_at: `${day}T00:00:00Z`,
    ending_at: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString(),
    window_size: 'DAY',
    'group_by[]': ['application'],
  });
  return usage.data.filter((bucket) => bucket.application === application).reduce((sum, bucket) => sum + bucket.quantity, 0);
}

/**
 * A test-mode run is invisible to another workspace's key (every verb by id) and to live keys; the
 * test admin sees it; a live start answers 501 (no live engine here).
 */
export async function assertInvisibleElsewhere(server: TestServer, resource: PipelineResource, runId: string, otherKey: string, startBody: unknown): Promise<void> {
  type ById = { retrieve(id: string): Promise<{ id: string }>; stop(id: string): Promise<unknown>; resume(id: string): Promise<unknown>; deleteData(id: string): Promise<unknown>; listResults(id: string): PromiseLike<unknown>; start(body: unknown): Promise<unknown> };
  const api = (key: string) => server.client(key).protein[resource] as unknown as ById;
  const other = api(otherKey);
  const notFound = (error: any) => error?.status === 404 && error?.error?.code === 'not_found';
  for (const call of [() => other.retrieve(runId), () => other.listResults(runId), () => other.stop(runId), () => other.resume(runId), () => other.deleteData(runId), () => api(server.liveAdminKey).retrieve(runId)]) {
    await assert.rejects(Promise.resolve().then(call), notFound);
  }
  assert.equal((await api(server.testAdminKey).retrieve(runId)).id, runId);
  await assert.rejects(api(server.liveAdminKey).start(startBody), (error: any) => error?.status === 501 && error?.error?.code === 'engine_unavailable');
}
