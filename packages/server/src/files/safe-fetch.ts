import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.ts';
import { sharedBytes } from '@boltz/shared';

/** Why a URL input could not be used; the message goes to the client in a 422. */
export class InputFetchError extends Error {}

export interface FetchPolicy {
  timeoutMs: number;
  maxBytes: number;
  /** BOLTZ_ALLOW_PRIVATE_URLS: let inputs come from loopback/private networks. */
  allowPrivate: boolean;
  /** Bytes that the fetches of one job may still receive, shared by its concurrent fetches. */
  budget?: FetchBudget;
}

export interface FetchBudget {
  remaining: number;
  readonly totalBytes: number;
}

const MAX_REDIRECTS = 5;

function refused(host: string): InputFetchError {
  return new InputFetchError(`refusing to fetch from ${host}: not a public address`);
}

/**
 * Resolves the name and vets every address before the socket connects, so what is checked
 * is what is connected to (no DNS-rebinding gap between a check and the request).
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (!allowPrivate && addresses.some((a) => !isPublicAddress(a.address))) return callback(refused(hostname), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function get(url: URL, policy: FetchPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !policy.allowPrivate && !isPublicAddress(literal)) return Promise.reject(refused(literal));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // No pooled sockets (`agent: false`): every request resolves and vets its own connection.
    const req = request(url, { method: 'GET', agent: false, lookup: guardedLookup(policy.allowPrivate), signal, headers: { accept: '*/*' } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function overBudget(budget: FetchBudget): InputFetchError {
  return new InputFetchError(`could not be fetched: the job's URL inputs together exceed ${budget.totalBytes} bytes`);
}

function fetchFailure(error: unknown, policy: FetchPolicy, signal: AbortSignal): InputFetchError {
  if (error instanceof InputFetchError) return error;
  if (signal.aborted) return new InputFetchError(`could not be fetched within ${policy.timeoutMs} ms`);
  return new InputFetchError(`could not be fetched: ${(error as Error).message}`);
}

/** A successful response, after redirects (each hop vetted like the first). */
async function open(rawUrl: string, policy: FetchPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InputFetchError('is not a valid URL');
  }
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputFetchError('only http and https URLs can be fetched');
      const response = await get(url, policy, signal);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        url = new URL(response.headers.location, url);
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new InputFetchError(`could not be fetched: the server answered HTTP ${status}`);
      }
      return response;
    }
    throw new InputFetchError(`could not be fetched: more than ${MAX_REDIRECTS} redirects`);
  } catch (error) {
    throw fetchFailure(error, policy, signal);
  }
}

/**
 * The response's bytes as they arrive, within the file's size cap and the job's budget (the
 * declared length is checked before the first byte). Failures of the download become
 * InputFetchErrors; stopping early, or a consumer's failure, closes the socket.
 */
async function* body(response: IncomingMessage, maxBytes: number, policy: FetchPolicy, signal: AbortSignal): AsyncGenerator<Buffer> {
  const { budget } = policy;
  try {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) throw new InputFetchError(`file is larger than ${maxBytes} bytes`);
    if (budget && Number.isFinite(declared) && declared > budget.remaining) throw overBudget(budget);
    let size = 0;
    for await (const chunk of response) {
      const bytes = chunk as Buffer;
      if ((size += bytes.length) > maxBytes) throw new InputFetchError(`file is larger than ${maxBytes} bytes`);
      if (budget && (budget.remaining -= bytes.length) < 0) throw overBudget(budget);
      // A consumer that fails or stops ends the loop through `finally`, never through `catch`.
      yield bytes;
    }
  } catch (error) {
    throw fetchFailure(error, policy, signal);
  } finally {
    response.destroy();
  }
}

/**
 * Fetches a `{type: "url"}` file input (spec/API.md §7.6): http(s) only, redirects followed
 * and vetted like the first hop, one overall timeout, a size cap per file and one per job (the
 * shared budget), and no loopback, link-local or private destinations unless the deployment
 * allows them. The bytes land in shared memory, handed to the request workers without a copy.
 */
export async function fetchInputUrl(rawUrl: string, policy: FetchPolicy): Promise<{ data: Buffer }> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const response = await open(rawUrl, policy, signal);
  // With a declared length the bytes go straight into their shared buffer, chunk by chunk, so
  // that a job's worth of inputs is not held twice until the last chunk arrives.
  const declared = Number(response.headers['content-length']);
  const into = Number.isFinite(declared) && declared <= policy.maxBytes ? sharedBytes([], declared) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const bytes of body(response, into ? into.length : policy.maxBytes, policy, signal)) {
    if (into) into.set(bytes, size);
    else chunks.push(bytes);
    size += bytes.length;
  }
  return { data: into ? into.subarray(0, size) : sharedBytes(chunks, size) };
}

/**
 * `fetchInputUrl` for a file too large to hold (an explore library): `consume` takes the bytes
 * as they arrive — up to `maxBytes`, outside the job's in-memory budget — and writes them on.
 */
export async function streamInputUrl<T>(rawUrl: string, policy: FetchPolicy, maxBytes: number, consume: (chunks: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const response = await open(rawUrl, policy, signal);
  return consume(body(response, maxBytes, { ...policy, budget: undefined }, signal));
}
