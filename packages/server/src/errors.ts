/**
 * Every error the API can answer with, created by the factories below and rendered once by
 * the error handler as `{code, message, details?}` (spec/API.md §3).
 */
export type ErrorDetails = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody() {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

// The SDKs retry 409, 429 and 5xx unless told otherwise (spec/API.md §3.2).
const NO_RETRY = { 'x-should-retry': 'false' };

/** A body that is not JSON at all, a wrong content type, an undecodable URL (spec/API.md §3.1). */
export const badRequest = (message: string, details?: ErrorDetails) => new ApiError(400, 'bad_request', message, details);
/**
 * Request validation uses the hosted API's upper-case code, which the official agent skills
 * test for (spec/API.md §3.1): 400 for schema violations and documented limits, 422 for a
 * well-formed request whose content is invalid. Details are keyed by input path.
 */
export const VALIDATION_ERROR = 'VALIDATION_ERROR';
export const invalidRequest = (message: string, details?: ErrorDetails) => new ApiError(400, VALIDATION_ERROR, message, details);
export const unauthorized = (message = 'Invalid or missing API key') => new ApiError(401, 'unauthorized', message);
export const spendingLimitExceeded = (message: string) => new ApiError(402, 'spending_limit_exceeded', message, undefined, NO_RETRY);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const livemodeRequired = (message: string) => new ApiError(403, 'livemode_required', message);
export const workspaceArchived = (id: string) => new ApiError(403, 'workspace_archived', `Workspace ${id} is archived`);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message, undefined, NO_RETRY);
export const idempotencyConflict = (key: string) =>
  new ApiError(409, 'idempotency_conflict', `Idempotency key "${key}" was already used with a different request body`, undefined, NO_RETRY);
export const payloadTooLarge = (limitBytes: number) =>
  new ApiError(413, 'payload_too_large', `Request body exceeds the limit of ${limitBytes} bytes`);
export const rangeNotSatisfiable = (size: number) =>
  new ApiError(416, 'bad_request', 'The requested byte range is not satisfiable', undefined, { 'content-range': `bytes */${size}` });
export const validationError = (message: string, details?: ErrorDetails) => new ApiError(422, VALIDATION_ERROR, message, details);
export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, 'rate_limited', `Rate limit exceeded; retry in ${retryAfterSeconds} s`, undefined, {
    'retry-after': String(retryAfterSeconds),
    'x-should-retry': 'true',
  });
export const engineUnavailable = (message: string) => new ApiError(501, 'engine_unavailable', message, undefined, NO_RETRY);
export const internalError = () => new ApiError(500, 'internal_error', 'Internal server error', undefined, NO_RETRY);
export const serviceUnavailable = (message: string) =>
  new ApiError(503, 'service_unavailable', message, undefined, { 'retry-after': '1', 'x-should-retry': 'true' });
