import type { RequestCpuPool } from '../cpu/request-cpu-pool.ts';
import { cpuLimitError } from '../cpu/request-checks.ts';
import { type ErrorDetails, validationError } from '../errors.ts';
import type { JobsConfig } from '../jobs/config.ts';
import type { FoundFileInput } from '../families/common/file-input.ts';
import { EXTENSION_OF_MEDIA_TYPE } from './media-types.ts';
import { type FetchPolicy, InputFetchError, fetchInputUrl } from './safe-fetch.ts';

/** A file input taken in at start: fetched or decoded, size-checked and sniffed. */
export interface ReceivedInputFile {
  /** Input path, e.g. `input.templates[0].template_structure`: the key engines look it up by. */
  path: string;
  /** The file object inside the request's `input`, replaced by a stored-file reference. */
  source: object;
  /** Fields of `source` kept beside the reference in the echoed input. */
  echo?: Record<string, unknown>;
  data: Buffer;
  mediaType: string;
  filename: string;
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

async function receive(entry: FoundFileInput, policy: FetchPolicy, requestCpu: RequestCpuPool): Promise<ReceivedInputFile> {
  const { file, allowedMediaTypes } = entry;
  if (file.type === 'base64') {
    if (!allowedMediaTypes.includes(file.media_type)) throw new InputFetchError(`media_type must be one of ${allowedMediaTypes.join(', ')}`);
    const decoded = await requestCpu.decodeFile(file.data, file.media_type, policy.maxBytes);
    if (!decoded.ok) throw new InputFetchError(decoded.message);
    return { path: entry.path, source: file, echo: entry.echo, data: decoded.bytes, mediaType: file.media_type, filename: filenameFor(entry.path, file.media_type) };
  }
  const { data } = await fetchInputUrl(file.url, policy);
  const mediaType = await requestCpu.sniffFile(data, allowedMediaTypes);
  if (!mediaType) throw new InputFetchError(`content fetched from the URL is not a valid ${allowedMediaTypes.join(' or ')} file`);
  return { path: entry.path, source: file, echo: entry.echo, data, mediaType, filename: filenameFor(entry.path, mediaType) };
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
 * run in the request worker pool. Any input that cannot be used → 422 `VALIDATION_ERROR` with
 * one message per input path, and nothing is kept.
 */
export async function receiveInputFiles(
  services: { config: { jobs: Pick<JobsConfig, 'files'> }; requestCpu: RequestCpuPool },
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
  const received = await mapConcurrently(entries, FETCH_CONCURRENCY, async (entry) => {
    try {
      return await receive(entry, policy, services.requestCpu);
    } catch (error) {
      if (!(error instanceof InputFetchError)) throw cpuLimitError(error, entry.path);
      details[entry.path] = error.message;
      return undefined;
    }
  });
  if (Object.keys(details).length > 0) refuse(details);
  return received as ReceivedInputFile[];
}
