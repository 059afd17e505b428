import type { FastifyInstance } from 'fastify';
import type { BodyLimits } from '../config.ts';

/** A list the schema lets hold more items than this cannot fit the small default limit. */
const LONG_LIST_ITEMS = 10_000;

/**
 * Whether a JSON schema takes large bodies: it has a base64 file field (`contentEncoding:
 * "base64"`, families/common/file-input.ts) or a long list (a library screen's candidates).
 */
function takesLargeBodies(schema: unknown): boolean {
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if ((node as { contentEncoding?: unknown }).contentEncoding === 'base64') return true;
    const maxItems = (node as { maxItems?: unknown }).maxItems;
    if (typeof maxItems === 'number' && maxItems > LONG_LIST_ITEMS) return true;
    pending.push(...Object.values(node));
  }
  return false;
}

/**
 * Request bodies are small by default; only routes whose body schema takes inline (base64)
 * files or long candidate lists accept large ones. Registered before the routes: it sets each route's `bodyLimit` as
 * the route is declared, so no route file needs to know the limits.
 */
export function installBodyLimits(app: FastifyInstance, limits: BodyLimits): void {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined && takesLargeBodies(route.schema?.body)) route.bodyLimit = limits.inlineFiles;
  });
}
