import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Family, PipelineOperation } from '../src/families/family.ts';
import { ALL_PIPELINE_OPERATIONS } from '../src/families/family.ts';
import { FAMILIES } from '../src/families/registry.ts';
import { rawRequest, snapshotDatabase, startTestServer, type TestServer } from './harness.ts';

/**
 * Malformed requests to every job family's routes, generated from the family registry: each
 * must get a 4xx with the `{code, message, details?}` body of spec/API.md §3.1 (details naming
 * the offending input where there is one), never a 5xx, and leave the database as it was.
 * `{job}` stands for a finished job of the family, `{other}` for a job of another family.
 */
interface BadRequest {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string | null;
  status: number;
  code: string;
  detail?: string;
}

const V1 = '/compute/v1';
const MALFORMED_JSON = ['{', '{"num_proteins":', "{'input': 1}", '{"a": NaN}', '{"a": 1}}', '{"__proto__": {"polluted": true}}'];
const NOT_AN_OBJECT = ['[]', '"text"', '42', 'null'];
/** Schema and limit violations (spec/API.md §3.1); `bad_request` is for bodies that are not JSON or not JSON at all. */
const INVALID = 'VALIDATION_ERROR';

function operationsOf(family: Family): readonly PipelineOperation[] {
  return family.type === 'prediction' ? ['start', 'estimate-cost', 'list', 'retrieve', 'delete-data'] : family.operations;
}

/** Top-level fields the start body requires (of its legacy shape too, where it has several). */
function requiredFields(family: Family): string[] {
  const schema = family.startBody as { required?: string[]; else?: { required?: string[] } };
  return schema.required ?? schema.else?.required ?? [];
}

function bodyCases(family: Family, operation: 'start' | 'estimate-cost'): BadRequest[] {
  const path = operation === 'start' ? `${V1}/${family.path}` : `${V1}/${family.path}/estimate-cost`;
  const name = `${family.sdkResource}.${operation}`;
  const valid = family.example;
  const send = (label: string, body: unknown, detail?: string): BadRequest => ({ name: `${name}: ${label}`, method: 'POST', path, body: JSON.stringify(body), status: 400, code: INVALID, detail });
  const notJson = { code: 'bad_request' };
  return [
    ...MALFORMED_JSON.map((body) => ({ ...send(`malformed JSON ${body}`, null), ...notJson, body })),
    ...NOT_AN_OBJECT.map((body) => ({ ...send(`body ${body}`, null), body })),
    send('unknown field', { ...valid, unexpected: 1 }, 'unexpected'),
    send('empty idempotency_key', { ...valid, idempotency_key: '' }, 'idempotency_key'),
    send('256-character idempotency_key', { ...valid, idempotency_key: 'k'.repeat(256) }, 'idempotency_key'),
    send('idempotency_key with a NUL character', { ...valid, idempotency_key: 'a\u0000b' }, 'idempotency_key'),
    send('empty workspace_id', { ...valid, workspace_id: '' }, 'workspace_id'),
    send('workspace_id as a number', { ...valid, workspace_id: 7 }, 'workspace_id'),
    ...requiredFields(family).map((field) => {
      const { [field]: _, ...rest } = valid;
      return send(`${field} missing`, rest, field);
    }),
    { ...send('text/plain body', valid), ...notJson, contentType: 'text/plain' },
    { ...send('no Content-Type', valid), ...notJson, contentType: null },
  ];
}

function idCases(family: Family, operation: PipelineOperation): BadRequest[] {
  const suffix = { retrieve: '', 'list-results': '/results', stop: '/stop', resume: '/resume', 'delete-data': '/delete-data' }[operation as 'retrieve'];
  if (suffix === undefined) return [];
  const method = operation === 'retrieve' || operation === 'list-results' ? 'GET' : 'POST';
  const at = (id: string) => ({ method, path: `${V1}/${family.path}/${id}${suffix}` });
  const name = `${family.sdkResource}.${operation}`;
  const cases: BadRequest[] = [
    { ...at(`${family.idPrefix}00000000000000000000`), name: `${name}: unknown id`, status: 404, code: 'not_found' },
    { ...at('{other}'), name: `${name}: id of another family's job`, status: 404, code: 'not_found' },
    { ...at('..%2F..%2Fetc%2Fpasswd'), name: `${name}: path traversal id`, status: 404, code: 'not_found' },
    { ...at('%zz'), name: `${name}: undecodable id`, status: 400, code: 'bad_request' },
    { ...at('x%00'), name: `${name}: id with a NUL character`, status: 400, code: INVALID, detail: 'id' },
    { ...at('i'.repeat(300)), name: `${name}: 300-character id`, status: 400, code: 'bad_request' },
  ];
  if (method === 'POST') {
    // Body-less POSTs take no body: any content is refused rather than silently ignored (§1).
    cases.push(
      { ...at('{job}'), name: `${name}: unknown field in the body`, body: '{"force": true}', status: 400, code: INVALID, detail: 'force' },
      { ...at('{job}'), name: `${name}: malformed JSON body`, body: '{', status: 400, code: 'bad_request' },
      { ...at('{job}'), name: `${name}: text body`, body: 'please', contentType: 'text/plain', status: 400, code: 'bad_request' },
    );
  }
  if (operation === 'list-results') {
    const results = `${V1}/${family.path}/{job}/results`;
    for (const limit of ['0', '1001', 'abc', '-1', '1.5']) cases.push({ name: `${name}: limit=${limit}`, method: 'GET', path: `${results}?limit=${limit}`, status: 400, code: INVALID, detail: 'limit' });
    cases.push(
      { name: `${name}: 201 ids`, method: 'GET', path: `${results}?ids=${Array.from({ length: 201 }, (_, i) => `pres_${i}`).join(',')}`, status: 400, code: INVALID, detail: 'ids' },
      { name: `${name}: unknown parameter`, method: 'GET', path: `${results}?sort=desc`, status: 400, code: INVALID, detail: 'sort' },
    );
  }
  return cases;
}

function listCases(family: Family): BadRequest[] {
  const path = `${V1}/${family.path}`;
  const name = `${family.sdkResource}.list`;
  return [
    ...['0', '101', 'abc'].map((limit) => ({ name: `${name}: limit=${limit}`, method: 'GET', path: `${path}?limit=${limit}`, status: 400, code: INVALID, detail: 'limit' })),
    { name: `${name}: unknown parameter`, method: 'GET', path: `${path}?sort=asc`, status: 400, code: INVALID, detail: 'sort' },
    { name: `${name}: workspace_id with a NUL character`, method: 'GET', path: `${path}?workspace_id=a%00b`, status: 400, code: INVALID, detail: 'workspace_id' },
  ];
}

/** The standard endpoints a family does not have (explore has five of eight): 404 like any unknown route. */
function missingOperationCases(family: Family): BadRequest[] {
  if (family.type !== 'pipeline') return [];
  const base = `${V1}/${family.path}`;
  const where: Record<PipelineOperation, [string, string]> = {
    start: ['POST', base],
    'estimate-cost': ['POST', `${base}/estimate-cost`],
    list: ['GET', base],
    retrieve: ['GET', `${base}/{job}`],
    'list-results': ['GET', `${base}/{job}/results`],
    stop: ['POST', `${base}/{job}/stop`],
    resume: ['POST', `${base}/{job}/resume`],
    'delete-data': ['POST', `${base}/{job}/delete-data`],
  };
  return ALL_PIPELINE_OPERATIONS.filter((operation) => !family.operations.includes(operation)).map((operation) => {
    const [method, path] = where[operation];
    return { name: `${family.sdkResource}: no ${operation} endpoint`, method, path, body: method === 'POST' ? JSON.stringify(family.example) : undefined, status: 404, code: 'not_found' };
  });
}

const CASES: BadRequest[] = [
  ...FAMILIES.flatMap((family) => [
    ...(operationsOf(family).includes('start') ? bodyCases(family, 'start') : []),
    ...(operationsOf(family).includes('estimate-cost') ? bodyCases(family, 'estimate-cost') : []),
    ...(operationsOf(family).includes('list') ? listCases(family) : []),
    ...operationsOf(family).flatMap((operation) => idCases(family, operation)),
    ...missingOperationCases(family),
  ]),
  { name: 'share links are not part of this contract', method: 'GET', path: `${V1}/share-links`, status: 404, code: 'not_found' },
  { name: 'protein.design.listCuratedSpecifications: unknown type', method: 'GET', path: `${V1}/protein/design/curated-specifications?type=camelid`, status: 400, code: INVALID, detail: 'type' },
  { name: 'protein.design.listCuratedSpecifications: type missing', method: 'GET', path: `${V1}/protein/design/curated-specifications`, status: 400, code: INVALID, detail: 'type' },
];

describe('bad input to the job routes', () => {
  let server: TestServer;
  let snapshot: string;
  const jobs = new Map<Family, string>();

  before(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '1000000', BOLTZ_TEST_TIMING: 'instant' });
    // One finished test-mode job per family, so that id routes have something real to refuse.
    for (const family of FAMILIES) {
      const started = await rawRequest(server, 'POST', `${V1}/${family.path}`, { apiKey: server.testAdminKey, body: JSON.stringify(family.example), headers: { 'content-type': 'application/json' } });
      assert.equal(started.status, 200, started.text);
      jobs.set(family, started.body.id);
    }
    for (;;) {
      const active = await server.storage.db.selectFrom('jobs').select('id').where('status', 'in', ['pending', 'running']).execute();
      if (active.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    snapshot = await snapshotDatabase(server.storage);
  });
  after(() => server.close());

  for (const badRequest of CASES) {
    it(`${badRequest.name} → ${badRequest.status} ${badRequest.code}${badRequest.detail ? ` (${badRequest.detail})` : ''}`, async () => {
      const family = FAMILIES.find((candidate) => badRequest.path.startsWith(`${V1}/${candidate.path}/`) || badRequest.path === `${V1}/${candidate.path}`);
      const other = FAMILIES.find((candidate) => candidate !== family) ?? family;
      const fill = (text: string) => text.replaceAll('{job}', family ? jobs.get(family)! : '').replaceAll('{other}', other ? jobs.get(other)! : '');
      const headers: Record<string, string> = { 'x-api-key': server.testAdminKey };
      const contentType = badRequest.contentType === undefined ? 'application/json' : badRequest.contentType;
      if (badRequest.body !== undefined && contentType) headers['content-type'] = contentType;
      const response = await rawRequest(server, badRequest.method, fill(badRequest.path), { body: badRequest.body === undefined ? undefined : fill(badRequest.body), headers });

      assert.ok(response.status < 500, `server error: ${response.status} ${response.text}`);
      assert.equal(response.status, badRequest.status, response.text.slice(0, 500));
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(response.body?.code, badRequest.code, response.text.slice(0, 500));
      assert.ok(typeof response.body.message === 'string' && response.body.message.length > 0);
      assert.deepEqual(Object.keys(response.body).filter((field) => !['code', 'message', 'details'].includes(field)), [], response.text);
      if (badRequest.detail) assert.ok(response.body.details && badRequest.detail in response.body.details, `details name ${badRequest.detail}: ${response.text}`);
      assert.equal(await snapshotDatabase(server.storage), snapshot, 'the database changed');
    });
  }
});
