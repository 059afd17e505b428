import type { FastifyInstance } from 'fastify';

/**
 * Body-less POSTs (archive, revoke, delete-data) arrive either with no Content-Type or, from
 * SDK ≥ 0.46.2, as `application/json` with an empty body (spec/API.md §1): both mean "no body".
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
    parseJson(request, body as string, done);
  });
}
