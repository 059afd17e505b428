import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import { STRUCTURE_INPUT, waitUntilDone } from './predictions.ts';

/** `GET /metrics` as Prometheus scrapes it (docs/operations.md "Monitoring"). */
async function scrape(server: TestServer) {
  const response = await fetch(`${server.baseURL}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe('/metrics: requests and jobs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant' });
  });
  after(() => server.close());

  it('counts requests by route template and status, with their latency', async () => {
    const route = { method: 'GET', route: '/compute/v1/auth/me' };
    const before = await scrape(server);
    for (let i = 0; i < 3; i++) await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: 'sk_bc_admin_live_nope' });
    await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: server.liveAdminKey });
    const after = await scrape(server);
    const count = (scraped: typeof before, status: string) => scraped.value('boltz_http_requests_total', { ...route, status_code: status }) ?? 0;
    assert.equal(count(after, '401') - count(before, '401'), 3);
    assert.equal(count(after, '200') - count(before, '200'), 1);
    assert.equal(after.types.get('boltz_http_request_duration_seconds'), 'histogram');
    assert.equal(after.value('boltz_http_request_duration_seconds_count', { ...route, status_code: '401' }), count(after, '401'));
    // A path with ids is counted under its template, not under each id.
    await rawRequest(server, 'GET', '/compute/v1/predictions/structure-and-binding/sab_pred_none', { apiKey: server.testAdminKey });
    const templated = await scrape(server);
    assert.ok(templated.samples.some((s) => s.name === 'boltz_http_requests_total' && s.labels.route.includes(':') && s.labels.status_code === '404'));
    assert.ok(!templated.samples.some((s) => s.labels.route?.includes('sab_pred_none')));
    assert.ok((templated.value('nodejs_heap_size_total_bytes') ?? 0) > 0, "Node's own metrics");
  });

  it('counts the jobs this process ran by family, engine and outcome, with their run time', async () => {
    const client = server.client(server.testAdminKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const done = await waitUntilDone(client, 'structureAndBinding', started.id, {}, 120_000);
    assert.equal(done.status, 'succeeded');
    const labels = { kind: 'structure_and_binding', engine: done.version, outcome: 'succeeded' };
    // The metric is written after the job's transaction commits, which the client may see first.
    let scraped = await scrape(server);
    for (let i = 0; i < 100 && scraped.value('boltz_jobs_finished_total', labels) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      scraped = await scrape(server);
    }
    assert.equal(scraped.value('boltz_jobs_finished_total', labels), 1);
    assert.equal(scraped.value('boltz_job_run_duration_seconds_count', labels), 1);
    assert.equal(scraped.types.get('boltz_engine_failures_total'), 'counter');
  });
});

describe('/metrics: the queue, read from the database', () => {
  let server: TestServer;
  before(async () => {
    // No runners: started jobs stay pending.
    server = await startTestServer({ BOLTZ_RUNNERS: 'false' });
  });
  after(() => server.close());

  it('reports pending jobs per family and mode, and the age of the oldest', async () => {
    const client = server.client(server.testAdminKey);
    for (let i = 0; i < 3; i++) await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const scraped = await scrape(server);
    const labels = { kind: 'structure_and_binding', mode: 'test', status: 'pending' };
    assert.equal(scraped.value('boltz_jobs_queued', labels), 3);
    assert.ok(scraped.value('boltz_jobs_oldest_age_seconds', labels)! >= 1);
    assert.equal(scraped.value('boltz_jobs_queued', { kind: 'adme' }), undefined, 'no empty series');
  });
});
