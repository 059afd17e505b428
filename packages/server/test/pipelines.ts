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
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run: any = await client.protein[resource].retrieve(id);
    if (until(run)) return run;
    assert.ok(Date.now() < deadline, `${id} still ${run.status} (${JSON.stringify(run.progress)}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
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
