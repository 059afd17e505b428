import BetterSqlite3 from 'better-sqlite3';
import Boltz from 'boltz-api';
import { newId } from '@boltz/shared';
import { legacyDesignBody } from '../../../packages/server/src/families/protein-design/examples.ts';
import type { BenchContext } from '../context.ts';
import type { Scenario } from '../scenario.ts';

/**
 * Result pages of a run with 1,000,000 result rows (issue 8): the first page and a page 900,000
 * rows deep, 100 rows each, one request at a time so that the latency is that of one page, not
 * of a queue. Goal: a deep page as fast as the first, p99 under 20 ms on SQLite.
 *
 * The run is a real test-mode protein design run of 10 results; 999,990 more rows are then loaded
 * straight into the server's SQLite file as copies of its first row (in 10,000-row transactions,
 * so the running server is never locked out for long), with ids as the runner makes them.
 */
const RESULT_ROWS = 1_000_000;
const DEEP_ROW = 900_000;
const PAGE = 100;
const PAGE_GOAL = { maxP99Ms: 20 };

let loaded: Promise<{ runId: string; deepCursor: string }> | undefined;

async function waitForSuccess(client: Boltz, id: string): Promise<void> {
  for (;;) {
    const run = await client.protein.design.retrieve(id);
    if (run.status === 'succeeded') return;
    if (run.status === 'failed') throw new Error(`run ${id} failed: ${JSON.stringify(run.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function loadResults(context: BenchContext): Promise<{ runId: string; deepCursor: string }> {
  loaded ??= (async () => {
    const client = new Boltz({ apiKey: context.testAdminKey, baseURL: context.baseURL, maxRetries: 0, logLevel: 'off' });
    const run = await client.protein.design.start(legacyDesignBody(10));
    await waitForSuccess(client, run.id);
    const db = new BetterSqlite3(context.databaseFile);
    db.pragma('busy_timeout = 5000');
    const template = db.prepare('select data, created_at from job_results where job_id = ? order by seq limit 1').get(run.id) as { data: string; created_at: string };
    const insert = db.prepare('insert into job_results (id, job_id, seq, created_at, data) values (?, ?, ?, ?, ?)');
    const insertMany = db.transaction((from: number, to: number, ids: string[]) => {
      for (let seq = from; seq < to; seq++) insert.run(ids[seq - from], run.id, seq, template.created_at, template.data);
    });
    let deepCursor = '';
    const started = performance.now();
    // Ids after the run's own, in production order: one millisecond per 100 rows.
    const base = Date.now() + 1000;
    for (let from = 10; from < RESULT_ROWS; from += 10_000) {
      const to = Math.min(RESULT_ROWS, from + 10_000);
      const ids = Array.from({ length: to - from }, (_, i) => newId('pres_', base + Math.floor((from + i) / 100)));
      insertMany(from, to, ids);
      if (from <= DEEP_ROW && DEEP_ROW < to) deepCursor = ids[DEEP_ROW - from];
    }
    db.prepare('update jobs set result_count = ? where id = ?').run(RESULT_ROWS, run.id);
    db.close();
    process.stderr.write(`  loaded ${RESULT_ROWS} result rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return { runId: run.id, deepCursor };
  })();
  return loaded;
}

export const firstResultsPage: Scenario = {
  name: `GET results, first page of ${PAGE} (run of ${RESULT_ROWS / 1e6}M rows)`,
  connections: 1,
  goal: PAGE_GOAL,
  prepare: async (context) => {
    const { runId } = await loadResults(context);
    return { method: 'GET', path: `/compute/v1/protein/design/${runId}/results?limit=${PAGE}`, headers: { 'x-api-key': context.testAdminKey } };
  },
};

export const deepResultsPage: Scenario = {
  name: `GET results, page of ${PAGE} after row ${DEEP_ROW.toLocaleString('en')}`,
  connections: 1,
  baseline: firstResultsPage.name,
  goal: PAGE_GOAL,
  prepare: async (context) => {
    const { runId, deepCursor } = await loadResults(context);
    return { method: 'GET', path: `/compute/v1/protein/design/${runId}/results?limit=${PAGE}&after_id=${deepCursor}`, headers: { 'x-api-key': context.testAdminKey } };
  },
};

/**
 * How fast the test engine produces and commits results (issue 8): one test-mode protein design
 * run of `results` designs, each a synthetic complex with its metrics, committed in batches with
 * their settlement; timed from `started_at` to `completed_at` by the server's own clock.
 */
export async function measureResultInsertion(context: BenchContext, results: number): Promise<{ results: number; seconds: number; perSecond: number }> {
  const client = new Boltz({ apiKey: context.testAdminKey, baseURL: context.baseURL, maxRetries: 0, logLevel: 'off' });
  const run = await client.protein.design.start(legacyDesignBody(results));
  await waitForSuccess(client, run.id);
  const done = await client.protein.design.retrieve(run.id);
  const seconds = (Date.parse(done.completed_at!) - Date.parse(done.started_at!)) / 1000;
  return { results, seconds, perSecond: results / seconds };
}
