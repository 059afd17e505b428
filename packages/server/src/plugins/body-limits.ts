import type { FastifyInstance } from 'fastify';
import type { BodyLimits } from '../config.ts';

/** Whether a JSON schema has a base64 file field (`contentEncoding: "base64"`, families/common/file-input.ts). */
function takesInlineFiles(schema: unknown): boolean {
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if ((node as { contentEncoding?: unknown }).contentEncoding === 'base64') return true;
    pending.push(...Object.values(node));
  }
  return false;
}

/**
 * Request bodies are small by default; only routes whose body schema takes inline (base64)
 * files accept large ones. Registered before the routes: it sets each route's `bodyLimit` as
 * the route is declared, so no route file needs to know the limits.
 */
export function installBodyLimits(app: FastifyInstance, limits: BodyLimits): void {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined && takesInlineFiles(route.schema?.body)) route.bodyLimit = limits.inlineFiles;
  });
}
