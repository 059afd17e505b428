import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cpuLimitError } from '../cpu/request-checks.ts';
import type { RequestCpuPool } from '../cpu/request-cpu-pool.ts';
import { badRequest, invalidRequest, type ErrorDetails } from '../errors.ts';
import { MAX_JSON_DEPTH, type ParsedJson, nulPaths, parseJsonText } from './json-text.ts';

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

const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

/**
 * PostgreSQL cannot store or even compare text containing U+0000, so such input would fail
 * there as a 500 while SQLite accepted it: it is refused up front, alike on both dialects.
 * A body's NUL paths are found when it is parsed (json-text.ts).
 */
function nulRefusal(paths: string[]) {
  const details: ErrorDetails = Object.fromEntries(paths.map((path) => [path, NUL_MESSAGE]));
  return invalidRequest(`${paths[0]} ${NUL_MESSAGE}`, details);
}

function refuseNul(request: FastifyRequest): void {
  const paths = [...nulPaths(request.params), ...nulPaths(request.query)];
  if (paths.length > 0) throw nulRefusal(paths);
}

function checkApiRequest(request: FastifyRequest): void {
  // Only the API speaks JSON exclusively; other namespaces (OAuth forms) bring their own parsers.
  if (!request.routeOptions.url?.startsWith('/compute/')) return;
  refuseNul(request);
  if (request.body === undefined || request.body === '') return;
  if (!isJsonContentType(request.headers['content-type'])) throw badRequest('Content-Type must be application/json');
  if (!request.routeOptions.schema?.body) {
    const error = unexpectedBody(request.body);
    if (error) throw error;
  }
}

/**
 * Bodies up to this size are parsed on the event loop (well under a millisecond); larger
 * ones, which only routes taking inline files accept, are parsed in the request worker pool.
 */
const INLINE_PARSE_MAX_BYTES = 256 * 1024;

const WHITESPACE_ONLY = /^\s*$/;

/**
 * Request bodies are JSON (spec/API.md §1). Body-less POSTs arrive either with no Content-Type
 * or, from SDK ≥ 0.46.2, as `application/json` with an empty body: both mean "no body".
 * Bodies are limited per route (plugins/body-limits.ts) and in nesting depth, and are only
 * read once the request has been authenticated (plugins/authentication.ts).
 */
export function installJsonBodyParser(app: FastifyInstance, requestCpu: RequestCpuPool): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const finish = (parsed: ParsedJson) => {
      if (parsed.ok) {
        done(null, parsed.value);
      } else if (parsed.reason === 'nul') {
        done(nulRefusal(parsed.nulPaths), undefined);
      } else if (parsed.reason === 'too_deep') {
        const message = `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;
        done(invalidRequest(`body ${message}`, { body: message }), undefined);
      } else {
        done(badRequest('Request body is not valid JSON'), undefined);
      }
    };
    if (body.length > INLINE_PARSE_MAX_BYTES) {
      requestCpu.parseJson(body).then(finish, (error: unknown) => done(cpuLimitError(error, 'body') as Error, undefined));
      return;
    }
    const text = body.toString('utf8');
    if (WHITESPACE_ONLY.test(text)) done(null, undefined);
    else finish(parseJsonText(text));
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
