/**
 * Adds documented limits to a schema generated from the SDK's types (which carry no numeric
 * bounds): every property named in `limits`, wherever it occurs, gets those keywords. A limit
 * broken is a schema violation (400 `VALIDATION_ERROR` naming the path), spec/API.md §3.1.
 */
export type Limits = Record<string, Record<string, unknown>>;

export function withLimits(schema: Record<string, unknown>, limits: Limits): Record<string, unknown> {
  const copy = structuredClone(schema);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    const properties = object.properties as Record<string, Record<string, unknown>> | undefined;
    if (properties) for (const [name, limit] of Object.entries(limits)) if (properties[name]) Object.assign(properties[name], limit);
    Object.values(object).forEach(visit);
  };
  visit(copy);
  return copy;
}

/** Limits every start body shares (spec/API.md §7.1, §7.3). */
export const START_FIELD_LIMITS: Limits = {
  idempotency_key: { minLength: 1, maxLength: 255 },
  workspace_id: { minLength: 1, maxLength: 128 },
};

/**
 * Base64 file uploads of the generated schemas (`{type: "base64", data, media_type}`): marked as
 * such, so that their routes take large bodies (plugins/body-limits.ts) as the prediction routes
 * do, rather than the small default limit.
 */
export const BASE64_FILE_LIMITS: Limits = {
  data: { minLength: 1, contentEncoding: 'base64' },
};
