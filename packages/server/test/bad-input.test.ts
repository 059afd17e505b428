import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, snapshotDatabase, startTestServer, type TestServer } from './harness.ts';

/**
 * Hundreds of malformed requests, generated from the request schemas of every endpoint: each
 * must get a 4xx with the `{code, message, details?}` body of spec/API.md §3.1 (details keyed
 * by the offending input path), never a 5xx, and must leave the database exactly as it was.
 *
 * `{ws}` and `{key}` in paths and bodies stand for a workspace and a key that exist.
 */

interface BadRequest {
  name: string;
  method: string;
  path: string;
  /** Raw body text (or a factory for the oversize one). */
  body?: string | (() => Buffer);
  /** Defaults to application/json when there is a body; null sends none. */
  contentType?: string | null;
  /** Defaults to the live admin key. */
  credentials?: Record<string, string>;
  status: number;
  code: string;
  /** The `details` key that must name the offending input. */
  detail?: string;
}

const V1 = '/compute/v1';
const WORKSPACES = `${V1}/admin/workspaces`;
const API_KEYS = `${V1}/admin/api-keys`;

// ---------------------------------------------------------------------------------------------
// Paths such as `limit.amount` or `allowed_ips[0]`, as the error details spell them.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function segments(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

function withValue(body: Json, path: string, value: Json | undefined): Json {
  const copy = structuredClone(body);
  const keys = segments(path);
  let parent = copy as Record<string | number, Json>;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The bodies each endpoint accepts, described once and mutated systematically.

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const SAMPLE: Record<JsonType, Json> = { string: 'text', integer: 7, number: 2.5, boolean: true, null: null, array: [], object: {} };

interface BodyEndpoint {
  name: string;
  method: string;
  path: string;
  /** A complete valid body: each case breaks exactly one thing in it. */
  valid: Json;
  /** Every field and the JSON types it accepts. */
  fields: Record<string, JsonType[]>;
  required: string[];
  /** Objects of the body (`''` = the body itself), each of which rejects unknown fields. */
  objects: string[];
  /** Values of the right type that break a documented rule, with the details key expected. */
  invalid: Array<[path: string, value: Json, detail?: string]>;
}

const LONG_NAME = 'n'.repeat(256);
const LIMIT = { type: 'lifetime', limit: { amount: 1000, currency: 'MILLI_USD' } };

const BODY_ENDPOINTS: BodyEndpoint[] = [
  {
    name: 'admin.workspaces.create',
    method: 'POST',
    path: WORKSPACES,
    valid: { name: 'Valid', data_retention: { unit: 'days', value: 7 }, spending_limit: LIMIT },
    fields: {
      name: ['string'],
      data_retention: ['object'],
      'data_retention.unit': ['string'],
      'data_retention.value': ['integer'],
      spending_limit: ['object'],
      'spending_limit.type': ['string'],
      'spending_limit.limit': ['object'],
      'spending_limit.limit.amount': ['integer'],
      'spending_limit.limit.currency': ['string'],
    },
    required: [
      'data_retention.unit',
      'data_retention.value',
      'spending_limit.type',
      'spending_limit.limit',
      'spending_limit.limit.amount',
      'spending_limit.limit.currency',
    ],
    objects: ['', 'data_retention', 'spending_limit', 'spending_limit.limit'],
    invalid: [
      ['name', ''],
      ['name', LONG_NAME],
      ['data_retention.unit', 'weeks'],
      ['data_retention.unit', 'DAYS'],
      ['data_retention.unit', ''],
      ['data_retention.value', 0],
      ['data_retention.value', -1],
      // 15 days passes the schema (≤ 336) but is over the 14-day ceiling (§5.1).
      ['data_retention.value', 15],
      ['data_retention.value', 337],
      ['data_retention', { unit: 'hours', value: 337 }, 'data_retention.value'],
      ['spending_limit.type', 'monthly'],
      ['spending_limit.type', ''],
      ['spending_limit.limit.amount', -1],
      ['spending_limit.limit.amount', 9007199254740992],
      ['spending_limit.limit.amount', 1e300],
      ['spending_limit.limit.currency', 'USD'],
      ['spending_limit.limit.currency', 'milli_usd'],
    ],
  },
  {
    name: 'admin.workspaces.update',
    method: 'POST',
    path: `${WORKSPACES}/{ws}`,
    valid: { name: 'Renamed', data_retention: { unit: 'hours', value: 48 } },
    fields: {
      name: ['string', 'null'],
      data_retention: ['object'],
      'data_retention.unit': ['string'],
      'data_retention.value': ['integer'],
    },
    required: ['data_retention.unit', 'data_retention.value'],
    objects: ['', 'data_retention'],
    invalid: [
      ['name', ''],
      ['name', LONG_NAME],
      ['data_retention.unit', 'minutes'],
      ['data_retention.value', 0],
      ['data_retention.value', 337],
      ['data_retention', { unit: 'days', value: 15 }, 'data_retention.value'],
    ],
  },
  {
    name: 'admin.workspaces.setSpendingLimit',
    method: 'PUT',
    path: `${WORKSPACES}/{ws}/spending-limit`,
    valid: LIMIT,
    fields: { type: ['string'], limit: ['object'], 'limit.amount': ['integer'], 'limit.currency': ['string'] },
    required: ['type', 'limit', 'limit.amount', 'limit.currency'],
    objects: ['', 'limit'],
    invalid: [
      ['type', 'monthly'],
      ['type', 'LIFETIME'],
      ['limit.amount', -1],
      ['limit.amount', 9007199254740992],
      ['limit.currency', 'EUR'],
      ['limit.currency', ''],
    ],
  },
  {
    name: 'admin.apiKeys.create',
    method: 'POST',
    path: API_KEYS,
    valid: { name: 'Valid key', allowed_ips: ['10.0.0.1'], expires_in_days: 30, mode: 'test', workspace_id: '{ws}' },
    fields: {
      name: ['string'],
      allowed_ips: ['array'],
      'allowed_ips[0]': ['string'],
      expires_in_days: ['integer'],
      mode: ['string'],
      workspace_id: ['string'],
    },
    required: ['name'],
    objects: [''],
    invalid: [
      ['name', ''],
      ['name', LONG_NAME],
      ['expires_in_days', 0],
      ['expires_in_days', 366],
      ['expires_in_days', -30],
      ['mode', 'prod'],
      ['mode', 'LIVE'],
      ['mode', ''],
      ['workspace_id', ''],
      ['workspace_id', `ws_${'w'.repeat(130)}`],
      ['allowed_ips', Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`)],
      ['allowed_ips[0]', `${'1'.repeat(65)}`],
    ],
  },
];

/** Entries that are not an IPv4/IPv6 address or CIDR range; each follows a valid one. */
const BAD_ALLOWED_IPS = [
  'not-an-ip',
  'localhost',
  '',
  ' 10.0.0.1',
  '10.0.0',
  '999.1.1.1',
  '10.0.0.1/',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '10.0.0.0/abc',
  '10.0.0.0/8/8',
  '::1/129',
  'fe80::1::2',
  '2001:db8::/',
  'http://10.0.0.1',
];

/** JSON that is broken as text: no parser may accept it. */
const MALFORMED_JSON = [
  '{',
  '{"name":',
  '{"name": "x",}',
  "{'name': 'x'}",
  '{"name": NaN}',
  '{"name": "x"}}',
  'nul',
  '{name: "x"}',
  // Prototype poisoning is refused by the JSON parser, not merely ignored.
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
];

/** Whole bodies of the wrong JSON shape. */
const NOT_AN_OBJECT = ['[]', '[{"name": "x"}]', '"text"', '42', 'true', 'null'];

function bodyCases(endpoint: BodyEndpoint): BadRequest[] {
  const cases: BadRequest[] = [];
  const send = (name: string, body: Json, detail?: string): BadRequest => ({
    name: `${endpoint.name}: ${name}`,
    method: endpoint.method,
    path: endpoint.path,
    body: JSON.stringify(body),
    status: 400,
    code: 'VALIDATION_ERROR',
    detail,
  });
  for (const [path, accepts] of Object.entries(endpoint.fields)) {
    for (const type of Object.keys(SAMPLE) as JsonType[]) {
      if (accepts.includes(type) || (type === 'integer' && accepts.includes('number'))) continue;
      cases.push(send(`${path} as ${type}`, withValue(endpoint.valid, path, SAMPLE[type]), path));
    }
  }
  // PostgreSQL cannot hold U+0000 in text: refused on both dialects alike.
  for (const [path, accepts] of Object.entries(endpoint.fields)) {
    if (accepts.includes('string')) cases.push(send(`${path} with a NUL character`, withValue(endpoint.valid, path, 'bad\u0000text'), path));
  }
  for (const path of endpoint.required) cases.push(send(`${path} missing`, withValue(endpoint.valid, path, undefined), path));
  for (const object of endpoint.objects) {
    const path = object ? `${object}.unexpected` : 'unexpected';
    cases.push(send(`unknown field ${path}`, withValue(endpoint.valid, path, 1), path));
  }
  for (const [path, value, detail] of endpoint.invalid) {
    const shown = typeof value === 'string' && value.length > 40 ? `${value.length} characters` : JSON.stringify(value).slice(0, 40);
    cases.push(send(`${path} = ${shown}`, withValue(endpoint.valid, path, value), detail ?? path));
  }
  for (const text of NOT_AN_OBJECT) cases.push({ ...send(`body ${text}`, null), body: text });

  const validText = JSON.stringify(endpoint.valid);
  // Bodies that are not JSON at all are `bad_request`, not validation failures (spec/API.md §3.1).
  const notJson = { code: 'bad_request' };
  cases.push({ ...send('truncated body', null), ...notJson, body: validText.slice(0, Math.floor(validText.length / 2)) });
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
    cases.push({ ...send(`Content-Type ${contentType}`, endpoint.valid), ...notJson, contentType });
  }
  cases.push({ ...send('no Content-Type', endpoint.valid), ...notJson, contentType: null });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Body-less POSTs take no body: any content is refused rather than silently ignored (§1).

const BODYLESS = [
  { name: 'admin.workspaces.archive', path: `${WORKSPACES}/{ws}/archive` },
  { name: 'admin.apiKeys.revoke', path: `${API_KEYS}/{key}/revoke` },
];

function bodylessCases(endpoint: (typeof BODYLESS)[number]): BadRequest[] {
  const base = { method: 'POST', path: endpoint.path, status: 400, code: 'bad_request' };
  const invalid = { ...base, code: 'VALIDATION_ERROR' };
  return [
    ...MALFORMED_JSON.map((body) => ({ ...base, name: `${endpoint.name}: malformed JSON ${body}`, body })),
    { ...invalid, name: `${endpoint.name}: unknown field`, body: '{"force": true}', detail: 'force' },
    { ...invalid, name: `${endpoint.name}: JSON array body`, body: '[1]' },
    { ...invalid, name: `${endpoint.name}: JSON string body`, body: '"archive"' },
    { ...base, name: `${endpoint.name}: text/plain body`, body: 'please', contentType: 'text/plain' },
    { ...base, name: `${endpoint.name}: form body`, body: 'force=1', contentType: 'application/x-www-form-urlencoded' },
  ];
}

// ---------------------------------------------------------------------------------------------
// Query strings of the list endpoints (§4.1) and of cli/version.

const BAD_LIMITS = ['abc', '0', '101', '-1', '1.5', 'true', '1&limit=2'];

function listCases(name: string, path: string, filter: string, filterMax: number): BadRequest[] {
  const base = { method: 'GET', status: 400, code: 'VALIDATION_ERROR' };
  return [
    ...BAD_LIMITS.map((limit) => ({ ...base, name: `${name}: limit=${limit}`, path: `${path}?limit=${limit}`, detail: 'limit' })),
    { ...base, name: `${name}: unknown parameter`, path: `${path}?sort=asc`, detail: 'sort' },
    { ...base, name: `${name}: unknown parameter beside valid ones`, path: `${path}?limit=5&colour=blue`, detail: 'colour' },
    { ...base, name: `${name}: parameter names are case-sensitive`, path: `${path}?LIMIT=5`, detail: 'LIMIT' },
    { ...base, name: `${name}: ${filter} too long`, path: `${path}?${filter}=${'f'.repeat(filterMax + 1)}`, detail: filter },
    { ...base, name: `${name}: ${filter} with a NUL character`, path: `${path}?${filter}=a%00b`, detail: filter },
    { ...base, name: `${name}: after_id with a NUL character`, path: `${path}?after_id=%00`, detail: 'after_id' },
  ];
}

const CLI_VERSION_CASES: BadRequest[] = ['current', 'platform'].flatMap((parameter) =>
  [
    ['too long', '9'.repeat(65)],
    ['with a NUL character', '1.0%00'],
  ].map(([problem, value]) => ({
    name: `cli.version: ${parameter} ${problem}`,
    method: 'GET',
    path: `${V1}/cli/version?${parameter}=${value}`,
    credentials: {},
    status: 400,
    code: 'VALIDATION_ERROR',
    detail: parameter,
  })),
);

// ---------------------------------------------------------------------------------------------
// Path ids: unknown, of the wrong resource, hostile or undecodable.

const ID_ROUTES = [
  { name: 'admin.workspaces.retrieve', method: 'GET', path: `${WORKSPACES}/:workspace_id` },
  { name: 'admin.workspaces.update', method: 'POST', path: `${WORKSPACES}/:workspace_id`, body: '{"name": "x"}' },
  { name: 'admin.workspaces.archive', method: 'POST', path: `${WORKSPACES}/:workspace_id/archive` },
  { name: 'admin.workspaces.retrieveSpendingLimit', method: 'GET', path: `${WORKSPACES}/:workspace_id/spending-limit` },
  { name: 'admin.workspaces.setSpendingLimit', method: 'PUT', path: `${WORKSPACES}/:workspace_id/spending-limit`, body: JSON.stringify(LIMIT) },
  { name: 'admin.apiKeys.revoke', method: 'POST', path: `${API_KEYS}/:api_key_id/revoke` },
];

const UNKNOWN_IDS = [
  'ws_00000000000000000000',
  'key_00000000000000000000',
  '..%2F..%2Fetc%2Fpasswd',
  "x'%20OR%20'1'%3D'1",
  '%F0%9F%92%A5',
  '{ws}%20',
];

function idCases(route: (typeof ID_ROUTES)[number]): BadRequest[] {
  const parameter = /:(\w+)/.exec(route.path)![1];
  const at = (id: string) => ({ method: route.method, path: route.path.replace(`:${parameter}`, id), body: route.body });
  return [
    ...UNKNOWN_IDS.map((id) => ({ ...at(id), name: `${route.name}: id ${id}`, status: 404, code: 'not_found' })),
    // The id of the other kind of resource (a key id for workspace routes and vice versa).
    { ...at(route.path.startsWith(API_KEYS) ? '{ws}' : '{key}'), name: `${route.name}: id of another resource type`, status: 404, code: 'not_found' },
    { ...at('%zz'), name: `${route.name}: undecodable id`, status: 400, code: 'bad_request' },
    { ...at('ws_%00'), name: `${route.name}: id with a NUL character`, status: 400, code: 'VALIDATION_ERROR', detail: parameter },
    { ...at('i'.repeat(300)), name: `${route.name}: 300-character id`, status: 400, code: 'bad_request' },
  ];
}

// ---------------------------------------------------------------------------------------------
// Routes and methods that do not exist (§1: 404 `not_found`), and unusable credentials.

const UNKNOWN_ROUTES: Array<[string, string]> = [
  ['GET', `${V1}/nonexistent`],
  ['GET', `${V1}/admin`],
  ['GET', `${V1}/admin/workspace`],
  ['GET', `${WORKSPACES}/{ws}/unknown`],
  ['GET', `${WORKSPACES}/{ws}/spending-limit/extra`],
  ['GET', `${API_KEYS}/{key}`],
  ['GET', '/compute/v2/auth/me'],
  ['GET', `${V1}/auth`],
  ['DELETE', `${WORKSPACES}/{ws}`],
  ['PATCH', `${WORKSPACES}/{ws}`],
  ['PUT', WORKSPACES],
  ['DELETE', WORKSPACES],
  ['GET', `${WORKSPACES}/{ws}/archive`],
  ['POST', `${WORKSPACES}/{ws}/spending-limit`],
  ['DELETE', `${WORKSPACES}/{ws}/spending-limit`],
  ['DELETE', `${API_KEYS}/{key}`],
  ['GET', `${API_KEYS}/{key}/revoke`],
  ['PATCH', API_KEYS],
  ['POST', `${V1}/auth/me`],
  ['PUT', `${V1}/cli/version`],
];

const UNUSABLE_CREDENTIALS: Array<Record<string, string>> = [
  { 'x-api-key': '' },
  { 'x-api-key': 'sk_bc_admin_live_' + '!'.repeat(40) },
  { 'x-api-key': 'k'.repeat(4096) },
  { authorization: 'Basic dXNlcjpwYXNzd29yZA==' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer sk_bc_admin_live_short' },
  { authorization: 'sk_bc_admin_live_' + 'a'.repeat(40) },
];

const CREDENTIAL_CASES: BadRequest[] = UNUSABLE_CREDENTIALS.map((credentials) => ({
  name: `credential ${JSON.stringify(credentials).slice(0, 60)}`,
  method: 'GET',
  path: WORKSPACES,
  credentials,
  status: 401,
  code: 'unauthorized',
}));

const CASES: BadRequest[] = [
  ...BODY_ENDPOINTS.flatMap(bodyCases),
  ...BAD_ALLOWED_IPS.map((ip) => ({
    name: `admin.apiKeys.create: allowed_ips entry ${JSON.stringify(ip)}`,
    method: 'POST',
    path: API_KEYS,
    body: JSON.stringify({ name: 'Valid key', allowed_ips: ['10.0.0.1', ip] }),
    status: 400,
    code: 'VALIDATION_ERROR',
    detail: 'allowed_ips[1]',
  })),
  ...BODY_ENDPOINTS.flatMap((endpoint) =>
    MALFORMED_JSON.map((body) => ({ name: `${endpoint.name}: malformed JSON ${body}`, method: endpoint.method, path: endpoint.path, body, status: 400, code: 'bad_request' })),
  ),
  ...BODYLESS.flatMap(bodylessCases),
  // Nesting is limited to 64 levels (plugins/json-text.ts), checked before the body is parsed.
  {
    name: 'admin.workspaces.create: name nested 64 arrays deep around a NUL character',
    method: 'POST',
    path: WORKSPACES,
    body: `{"name": ${'['.repeat(63)}"\\u0000"${']'.repeat(63)}}`,
    status: 400,
    code: 'VALIDATION_ERROR',
    detail: `name${'[0]'.repeat(63)}`,
  },
  ...[65, 1000, 100_000].map((depth) => ({
    name: `admin.workspaces.create: name nested ${depth} arrays deep`,
    method: 'POST',
    path: WORKSPACES,
    body: `{"name": ${'['.repeat(depth - 1)}"x"${']'.repeat(depth - 1)}}`,
    status: 400,
    code: 'VALIDATION_ERROR',
    detail: 'body',
  })),
  // Over the 1 MiB body limit of routes that take no inline files (§1), on a route with a body
  // schema and on a body-less one.
  ...[WORKSPACES, `${WORKSPACES}/{ws}/archive`].map((path) => ({
    name: `POST ${path}: body over 1 MiB`,
    method: 'POST',
    path,
    body: () => Buffer.from(`{"name": "${'a'.repeat(1024 * 1024)}"}`),
    status: 413,
    code: 'payload_too_large',
  })),
  ...listCases('admin.workspaces.list', WORKSPACES, 'name', 255),
  ...listCases('admin.apiKeys.list', API_KEYS, 'workspace_id', 128),
  ...CLI_VERSION_CASES,
  ...ID_ROUTES.flatMap(idCases),
  ...UNKNOWN_ROUTES.map(([method, path]) => ({ name: `${method} ${path}`, method, path, status: 404, code: 'not_found' })),
  ...CREDENTIAL_CASES,
];

describe('bad input', () => {
  let server: TestServer;
  let snapshot: string;
  const ids = { ws: '', key: '' };
  const fill = (text: string) => text.replaceAll('{ws}', ids.ws).replaceAll('{key}', ids.key);

  before(async () => {
    // Several hundred requests with one admin key: far over the default rate limit.
    server = await startTestServer({ RATE_LIMIT_MAX: '1000000' });
    const json = { 'content-type': 'application/json' };
    const workspace = await rawRequest(server, 'POST', WORKSPACES, { apiKey: server.liveAdminKey, body: '{"name": "Target"}', headers: json });
    ids.ws = workspace.body.id;
    const key = await rawRequest(server, 'POST', API_KEYS, { apiKey: server.liveAdminKey, body: `{"name": "Target", "workspace_id": "${ids.ws}"}`, headers: json });
    ids.key = key.body.key_details.id;
    snapshot = await snapshotDatabase(server.storage);
  });
  after(() => server.close());

  it('sends at least 200 malformed requests', () => {
    assert.ok(CASES.length >= 200, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => `${c.method} ${c.path} ${c.name}`)).size, CASES.length, 'case names are unique');
  });

  for (const badRequest of CASES) {
    it(`${badRequest.name} → ${badRequest.status} ${badRequest.code}${badRequest.detail ? ` (${badRequest.detail})` : ''}`, async () => {
      const { body } = badRequest;
      const headers: Record<string, string> = { ...(badRequest.credentials ?? { 'x-api-key': server.liveAdminKey }) };
      const contentType = badRequest.contentType === undefined ? 'application/json' : badRequest.contentType;
      if (body !== undefined && contentType) headers['content-type'] = contentType;
      // A Buffer goes out without a Content-Type of fetch's choosing.
      const payload = typeof body === 'function' ? body() : body === undefined ? undefined : Buffer.from(fill(body));
      const path = fill(badRequest.path);

      const response = await rawRequest(server, badRequest.method, path, { body: payload, headers });

      assert.ok(response.status < 500, `server error for ${badRequest.method} ${path}: ${response.status} ${response.text}`);
      assert.equal(response.status, badRequest.status, response.text.slice(0, 500));
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const error = response.body;
      assert.equal(error?.code, badRequest.code, response.text.slice(0, 500));
      assert.equal(typeof error.message, 'string');
      assert.ok(error.message.length > 0);
      assert.deepEqual(Object.keys(error).filter((field) => !['code', 'message', 'details'].includes(field)), [], response.text);
      if (error.details !== undefined) {
        assert.equal(typeof error.details, 'object');
        for (const message of Object.values(error.details)) assert.equal(typeof message, 'string');
      }
      if (badRequest.detail) {
        assert.ok(error.details && badRequest.detail in error.details, `details name ${badRequest.detail}: ${response.text}`);
      }
      assert.equal(await snapshotDatabase(server.storage), snapshot, 'the database changed');
    });
  }
});
