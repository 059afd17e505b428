import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, badRequest, internalError, notFound, payloadTooLarge, serviceUnavailable } from '../errors.ts';

function transient(error: NodeJS.ErrnoException): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', 'SQLITE_BUSY', '57P01', '53300'].includes(String(error.code));
}

function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return error as unknown as ApiError;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(request.routeOptions.bodyLimit);
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
 * How much of an oversize body is read and thrown away so that its 413 can be answered on an
 * open connection. Closing while the client still sends makes its TCP stack reset the
 * connection, and clients then report a connection error (which the SDKs retry, uploading the
 * body again) instead of the 413. Beyond this the connection is closed after all.
 */
const DRAIN_MAX_BYTES = 1024 * 1024 * 1024;
const DRAIN_MAX_MS = 60_000;

/** Reads and discards the rest of a request body; true when it was read to its end. */
function drain(raw: IncomingMessage): Promise<boolean> {
  if (raw.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let received = 0;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > DRAIN_MAX_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), DRAIN_MAX_MS);
    raw.on('data', onData).once('end', onEnd).once('error', onError).once('close', onError);
    raw.resume();
  });
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

export function notFoundError(request: FastifyRequest): ApiError {
  return notFound(`No route for ${request.method} ${request.url.split('?')[0]}`);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request);
    // A fault of the server is an error, with its stack; a refused request (4xx, and 501: no
    // engine for it here) is the client's business, noted at info without a stack.
    if (apiError.statusCode >= 500 && apiError.statusCode !== 501) request.log.error({ err: error }, 'request failed');
    else request.log.info({ statusCode: apiError.statusCode, code: apiError.code }, `request refused: ${apiError.message}`);
    // Fastify asks to close the connection after any body-parsing error, in case the client
    // is still sending; a body read to its end leaves the connection reusable.
    if (reply.getHeader('connection') === 'close' && (await drain(request.raw))) reply.removeHeader('connection');
    return reply.code(apiError.statusCode).headers(apiError.headers).type('application/json').send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/json').send(notFoundError(request).toBody());
  });
}
