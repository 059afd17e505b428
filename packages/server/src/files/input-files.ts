import { randomBytes } from 'node:crypto';
import { type BlobStore, INCOMING_PREFIX } from '@boltz/storage';
import type { RequestCpuPool } from '../cpu/request-cpu-pool.ts';
import { cpuLimitError } from '../cpu/request-checks.ts';
import { type ErrorDetails, validationError } from '../errors.ts';
import type { JobsConfig } from '../jobs/config.ts';
import type { FoundFileInput } from '../families/common/file-input.ts';
import { EXTENSION_OF_MEDIA_TYPE } from './media-types.ts';
import { type FetchPolicy, InputFetchError, fetchInputUrl, streamInputUrl } from './safe-fetch.ts';

/** A file input taken in at start: fetched or decoded, size-checked and sniffed. */
export type ReceivedInputFile = ReceivedFileFields & (HeldFile | IncomingFile);

/** In memory (shared with the request workers): most file inputs, a few MiB at most. */
interface HeldFile {
  data: Buffer;
}

/** Written to storage as it arrived (`FoundFileInput.streamed`), under `INCOMING_PREFIX` until its job exists. */
export interface IncomingFile {
  incomingKey: string;
  size: number;
}

interface ReceivedFileFields {
  /** Input path, e.g. `input.templates[0].template_structure`: the key engines look it up by. */
  path: string;
  /** The file object inside the request's `input`, replaced by a stored-file reference. */
  source: object;
  /** Fields of `source` kept beside the reference in the echoed input. */
  echo?: Record<string, unknown>;
  mediaType: string;
  filename: string;
}

interface Receiving {
  policy: FetchPolicy;
  limits: JobsConfig['files'];
  requestCpu: RequestCpuPool;
  blobs: BlobStore;
}

/**
 * URL inputs of one request fetched at the same time. With the per-file and per-job byte
 * limits this bounds what one request can make the server download and hold at once.
 */
const FETCH_CONCURRENCY = 4;

/** `input.templates[0].template_structure` (or `templates[0]` of a pipeline) → `templates_0_template_structure.cif`. */
function filenameFor(path: string, mediaType: string): string {
  const stem = path.replace(/^input\./, '').replace(/[^0-9A-Za-z]+/g, '_').replace(/^_|_$/g, '');
  return `${stem}.${EXTENSION_OF_MEDIA_TYPE[mediaType] ?? 'bin'}`;
}

/** A streamed file's bytes, refused at the first NUL (the one content check of delimited text, media-types.ts). */
async function* textOnly(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    if (chunk.includes(0)) throw new InputFetchError('is not a text file: it contains NUL bytes');
    yield chunk;
  }
}

/**
 * A streamed input goes to storage as it arrives (a URL) or once decoded (base64, bounded by the
 * body limit); the request workers read it back from there (check-library.ts).
 */
async function receiveStreamed(entry: FoundFileInput, receiving: Receiving): Promise<ReceivedInputFile> {
  const { file, allowedMediaTypes } = entry;
  const incomingKey = `${INCOMING_PREFIX}/${randomBytes(12).toString('hex')}`;
  const store = (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => receiving.blobs.putStream(incomingKey, textOnly(chunks));
  let size: number;
  let mediaType: string;
  if (file.type === 'base64') {
    const decoded = await receiving.requestCpu.decodeFile(file.data, file.media_type, receiving.limits.libraryMaxBytes);
    if (!decoded.ok) throw new InputFetchError(decoded.message);
    size = await store([decoded.bytes]);
    mediaType = file.media_type;
  } else {
    const policy = { ...receiving.policy, timeoutMs: receiving.limits.libraryFetchTimeoutMs };
    size = await streamInputUrl(file.url, policy, receiving.limits.libraryMaxBytes, store);
    // Delimited text is the only kind streamed: one candidate type (the request's `format`).
    mediaType = allowedMediaTypes[0];
  }
  if (size === 0) {
    await receiving.blobs.delete([incomingKey]);
    throw new InputFetchError('is empty');
  }
  return { path: entry.path, source: file, echo: entry.echo, incomingKey, size, mediaType, filename: filenameFor(entry.path, mediaType) };
}

async function receive(entry: FoundFileInput, receiving: Receiving): Promise<ReceivedInputFile> {
  const { file, allowedMediaTypes } = entry;
  if (file.type === 'base64' && !allowedMediaTypes.includes(file.media_type)) throw new InputFetchError(`media_type must be one of ${allowedMediaTypes.join(', ')}`);
  if (entry.streamed) return receiveStreamed(entry, receiving);
  const { policy, requestCpu } = receiving;
  if (file.type === 'base64') {
    const decoded = await requestCpu.decodeFile(file.data, file.media_type, policy.maxBytes);
    if (!decoded.ok) throw new InputFetchError(decoded.message);
    return { path: entry.path, source: file, echo: entry.echo, data: decoded.bytes, mediaType: file.media_type, filename: filenameFor(entry.path, file.media_type) };
  }
  const { data } = await fetchInputUrl(file.url, policy);
  const mediaType = await requestCpu.sniffFile(data, allowedMediaTypes);
  if (!mediaType) throw new InputFetchError(`content fetched from the URL is not a valid ${allowedMediaTypes.join(' or ')} file`);
  return { path: entry.path, source: file, echo: entry.echo, data, mediaType, filename: filenameFor(entry.path, mediaType) };
}

/** Deletes what `receiveInputFiles` wrote to storage for a request that creates no job. */
export async function discardIncoming(blobs: BlobStore, files: readonly ReceivedInputFile[]): Promise<void> {
  await blobs.delete(files.flatMap((file) => ('incomingKey' in file ? [file.incomingKey] : [])));
}

/** `work` over `items` with at most `concurrency` running at once; results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

function refuse(details: ErrorDetails): never {
  const [firstPath] = Object.keys(details);
  throw validationError(`${firstPath}: ${details[firstPath]}`, details);
}

/**
 * Takes in every file input of a request (spec/API.md §7.6) within the limits of README
 * "Configuration": at most `inputUrlsMax` URL inputs, fetched FETCH_CONCURRENCY at a time, each
 * at most `inputMaxBytes` and together at most `inputFetchTotalMaxBytes`; decoding and sniffing
 * run in the request worker pool. A streamed input (an explore library) goes to storage instead,
 * up to `libraryMaxBytes`, outside that in-memory total. Any input that cannot be used → 422
 * `VALIDATION_ERROR` with one message per input path, and nothing is kept (what a crash strands
 * under INCOMING_PREFIX is removed at the next start, with the incomplete writes).
 */
export async function receiveInputFiles(
  services: { config: { jobs: Pick<JobsConfig, 'files'> }; requestCpu: RequestCpuPool; blobs: BlobStore },
  entries: readonly FoundFileInput[],
): Promise<ReceivedInputFile[]> {
  const limits = services.config.jobs.files;
  const urls = entries.filter((entry) => entry.file.type === 'url');
  if (urls.length > limits.inputUrlsMax) {
    refuse({ [urls[limits.inputUrlsMax].path]: `is more than this server fetches for one job: at most ${limits.inputUrlsMax} URL inputs (upload it as base64)` });
  }
  const policy: FetchPolicy = {
    timeoutMs: limits.inputFetchTimeoutMs,
    maxBytes: limits.inputMaxBytes,
    allowPrivate: limits.allowPrivateUrls,
    budget: { remaining: limits.inputFetchTotalMaxBytes, totalBytes: limits.inputFetchTotalMaxBytes },
  };
  const details: ErrorDetails = {};
  const receiving: Receiving = { policy, limits, requestCpu: services.requestCpu, blobs: services.blobs };
  const received = await mapConcurrently(entries, FETCH_CONCURRENCY, async (entry) => {
    try {
      return await receive(entry, receiving);
    } catch (error) {
      if (!(error instanceof InputFetchError)) throw cpuLimitError(error, entry.path);
      details[entry.path] = error.message;
      return undefined;
    }
  });
  if (Object.keys(details).length > 0) {
    await discardIncoming(services.blobs, received.filter((file) => file !== undefined));
    refuse(details);
  }
  return received as ReceivedInputFile[];
}
