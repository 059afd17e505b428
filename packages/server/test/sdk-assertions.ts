import assert from 'node:assert/strict';
import { APIError } from 'boltz-api';

/**
 * Shape checks shared by the official-SDK conformance tests. The field lists are those of the
 * SDK's response types (node_modules/boltz-api/src/resources/admin/*.ts, spec/API.md §5): a
 * field too many or too few fails, not only a wrong value.
 */
export const WORKSPACE_FIELDS = ['archived_at', 'created_at', 'data_retention', 'id', 'is_default', 'name', 'updated_at'];
export const API_KEY_FIELDS = [
  'allowed_ips',
  'created_at',
  'expires_at',
  'id',
  'is_active',
  'key_prefix',
  'key_type',
  'last_used_at',
  'livemode',
  'name',
  'workspace_id',
];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function assertTimestamp(value: unknown, field: string): void {
  assert.ok(typeof value === 'string' && TIMESTAMP.test(value), `${field} must be an ISO-8601 UTC date-time, got ${String(value)}`);
}

export function assertFields(object: object, fields: string[]): void {
  assert.deepEqual(Object.keys(object).sort(), [...fields].sort());
}

export function assertWorkspaceShape(workspace: Record<string, unknown> | object): void {
  const ws = workspace as Record<string, unknown>;
  assertFields(ws, WORKSPACE_FIELDS);
  assert.match(String(ws.id), /^ws_[0-9A-Za-z]+$/);
  assert.ok(ws.name === null || typeof ws.name === 'string');
  assert.equal(typeof ws.is_default, 'boolean');
  assertFields(ws.data_retention as object, ['unit', 'value']);
  assertTimestamp(ws.created_at, 'created_at');
  assertTimestamp(ws.updated_at, 'updated_at');
  if (ws.archived_at !== null) assertTimestamp(ws.archived_at, 'archived_at');
}

export function assertApiKeyShape(apiKey: Record<string, unknown> | object): void {
  const key = apiKey as Record<string, unknown>;
  assertFields(key, API_KEY_FIELDS);
  assert.match(String(key.id), /^key_[0-9A-Za-z]+$/);
  assert.ok(Array.isArray(key.allowed_ips));
  assert.ok(key.key_type === 'admin' || key.key_type === 'workspace');
  assert.equal(typeof key.livemode, 'boolean');
  assert.equal(typeof key.is_active, 'boolean');
  assert.equal(String(key.key_prefix).length, 12);
  assertTimestamp(key.created_at, 'created_at');
  if (key.expires_at !== null) assertTimestamp(key.expires_at, 'expires_at');
  if (key.last_used_at !== null) assertTimestamp(key.last_used_at, 'last_used_at');
}

/** What both official SDKs (boltz-api and boltz-compute-api) expose on their APIError. */
interface SdkApiError extends Error {
  status: number | undefined;
  headers: Headers | undefined;
  error: unknown;
}

/**
 * Awaits a call that must fail with one of the SDK's error classes, and checks that the SDK saw
 * the `{code, message, details?}` body of spec/API.md §3.1 as `err.error`.
 */
export async function expectSdkError<E extends SdkApiError>(
  call: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  code: string,
): Promise<E & { error: { code: string; message: string; details?: Record<string, string> } }> {
  const error = await call.then(
    (value) => assert.fail(`expected ${errorClass.name}, got a success: ${JSON.stringify(value)}`),
    (err: unknown) => err,
  );
  assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${String(error)}`);
  const body = error.error as Record<string, unknown>;
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.ok((body.message as string).length > 0);
  assert.ok(Object.keys(body).every((field) => ['code', 'message', 'details'].includes(field)), `unexpected error fields: ${Object.keys(body)}`);
  if (body.details !== undefined) {
    assert.ok(Object.values(body.details as object).every((message) => typeof message === 'string'));
  }
  // The SDK builds its message as "<status> <body.message>" (spec/API.md §3.1).
  assert.equal(error.message, `${error.status} ${body.message}`);
  return error as E & { error: { code: string; message: string; details?: Record<string, string> } };
}

/** For `assert.rejects`: the SDK raised an APIError with this status (and error `code`). */
export function apiError(status: number, code?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof APIError, String(error));
    assert.equal(error.status, status, JSON.stringify(error.error));
    if (code) assert.equal((error.error as { code: string }).code, code);
    return true;
  };
}
