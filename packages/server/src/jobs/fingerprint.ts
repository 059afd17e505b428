import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that key order never changes a fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What decides whether a retry with the same idempotency key is "the same request" (decision
 * a): the model and input. The key itself and the workspace are the scope of the lookup.
 */
export function requestFingerprint(body: { model: string; input: unknown }): string {
  return createHash('sha256').update(canonical({ model: body.model, input: body.input })).digest('hex');
}
