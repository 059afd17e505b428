import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, badRequest, internalError, notFound, payloadTooLarge, serviceUnavailable } from '../errors.ts';

function transient(error: NodeJS.ErrnoException): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', 'SQLITE_BUSY', '57P01', '53300'].includes(String(error.code));
}

function toApiError(error: FastifyError, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return error as unknown as ApiError;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return badRequest('Content-Type must be application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('Request body is not valid JSON');
  }
  if (error instanceof SyntaxError) return badRequest('Request body is not valid JSON');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return badRequest(error.message);
  if (transient(error)) return serviceUnavailable('Temporarily unavailable; retry shortly');
  return internalError();
}

/**
 * Errors the router raises before any route or hook runs (an undecodable `%zz` in the path, a
 * path parameter over the router's length limit): Fastify's `frameworkErrors` option, so that
 * they too get the `{code, message}` body (spec/API.md §3.1) instead of Fastify's own.
 */
export function renderFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? badRequest('A path parameter is too long') : badRequest('Malformed URL');
  reply.code(apiError.statusCode).type('application/json').send(apiError.toBody());
}

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(apiError.statusCode).headers(apiError.headers).type('application/json').send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const apiError = notFound(`No route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).type('application/json').send(apiError.toBody());
  });
}
