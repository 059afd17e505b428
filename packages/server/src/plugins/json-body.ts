import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, invalidRequest, type ErrorDetails } from '../errors.ts';

/** `application/json`, with or without parameters such as `charset`. */
function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * A body sent to a route that takes none (archive, revoke, delete-data) is refused rather
 * than ignored, so that a client's mistake is not mistaken for its intent (spec/API.md §1:
 * unknown body fields are rejected). `{}` carries nothing and is accepted.
 */
function unexpectedBody(body: unknown) {
  const details: ErrorDetails = {};
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const fields = Object.keys(body);
    if (fields.length === 0) return undefined;
    for (const field of fields) details[field] = 'is not a recognised field';
  } else {
    details.body = 'must be empty';
  }
  return invalidRequest('This endpoint takes no request body', details);
}

const NUL = '\u0000';

/** Input paths (`name`, `data_retention.value`, `allowed_ips[1]`) of strings holding U+0000. */
function pathsWithNul(value: unknown, root: string, details: ErrorDetails): void {
  // Iterative: a deeply nested body must not exhaust the stack.
  const pending: Array<[unknown, string]> = [[value, root]];
  while (pending.length) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes(NUL)) details[path] = 'must not contain NUL (\\u0000) characters';
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => pending.push([element, `${path}[${index}]`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) pending.push([element, path ? `${path}.${key}` : key]);
    }
  }
}

/**
 * PostgreSQL cannot store or even compare text containing U+0000, so such input would fail
 * there as a 500 while SQLite accepted it: it is refused up front, alike on both dialects.
 * In a JSON body a NUL can only come from the `\u0000` escape, which makes the check cheap.
 */
function refuseNul(request: FastifyRequest, rawBodyHasNulEscape: boolean): void {
  const details: ErrorDetails = {};
  pathsWithNul(request.params, '', details);
  pathsWithNul(request.query, '', details);
  if (rawBodyHasNulEscape) pathsWithNul(request.body, '', details);
  const paths = Object.keys(details);
  if (paths.length) throw invalidRequest(`${paths[0]} ${details[paths[0]]}`, details);
}

/** Requests whose JSON text holds a `\\u0000` escape: only their bodies need walking. */
const bodiesWithNulEscape = new WeakSet<FastifyRequest>();

function checkApiRequest(request: FastifyRequest): void {
  // Only the API speaks JSON exclusively; other namespaces (OAuth forms) bring their own parsers.
  if (!request.routeOptions.url?.startsWith('/compute/')) return;
  refuseNul(request, bodiesWithNulEscape.has(request));
  if (request.body === undefined || request.body === '') return;
  if (!isJsonContentType(request.headers['content-type'])) throw badRequest('Content-Type must be application/json');
  if (!request.routeOptions.schema?.body) {
    const error = unexpectedBody(request.body);
    if (error) throw error;
  }
}

/**
 * Request bodies are JSON (spec/API.md §1). Body-less POSTs arrive either with no Content-Type
 * or, from SDK ≥ 0.46.2, as `application/json` with an empty body: both mean "no body".
 * Anything else goes through Fastify's own JSON parser (prototype-poisoning safe).
 */
export function installJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    if ((body as string).includes('\\u0000')) bodiesWithNulEscape.add(request);
    parseJson(request, body as string, done);
  });
  // A callback hook: an async one costs a promise on every request of the hot path.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkApiRequest(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
}
