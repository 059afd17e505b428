import { type ErrorDetails, validationError } from '../errors.ts';
import { findFileInputs } from '../predictions/file-input.ts';
import { EXTENSION_OF_MEDIA_TYPE, contentMatches, sniffMediaType } from './media-types.ts';
import { type FetchPolicy, InputFetchError, fetchInputUrl } from './safe-fetch.ts';

/** A file input taken in at start: fetched or decoded, size-checked and sniffed. */
export interface ReceivedInputFile {
  /** Input path, e.g. `input.templates[0].template_structure`: the key engines look it up by. */
  path: string;
  /** The file object inside the request's `input`, replaced by a stored-file reference. */
  source: object;
  data: Buffer;
  mediaType: string;
  filename: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(data: string, maxBytes: number): Buffer {
  const compact = data.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new InputFetchError('data is not valid base64');
  // Checked before decoding: the decoded size is known from the text length.
  if ((compact.length / 4) * 3 > maxBytes + 2) throw new InputFetchError(`file is larger than ${maxBytes} bytes`);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) throw new InputFetchError(`file is larger than ${maxBytes} bytes`);
  return bytes;
}

/** `input.templates[0].template_structure` → `templates_0_template_structure.cif`. */
function filenameFor(path: string, mediaType: string): string {
  const stem = path.replace(/^input\./, '').replace(/[^0-9A-Za-z]+/g, '_').replace(/^_|_$/g, '');
  return `${stem}.${EXTENSION_OF_MEDIA_TYPE[mediaType] ?? 'bin'}`;
}

async function receive(
  entry: ReturnType<typeof findFileInputs>[number],
  policy: FetchPolicy,
): Promise<ReceivedInputFile> {
  const { file, allowedMediaTypes } = entry;
  if (file.type === 'base64') {
    const data = decodeBase64(file.data, policy.maxBytes);
    if (!allowedMediaTypes.includes(file.media_type)) throw new InputFetchError(`media_type must be one of ${allowedMediaTypes.join(', ')}`);
    if (!contentMatches(data, file.media_type)) throw new InputFetchError(`content is not a valid ${file.media_type} file`);
    return { path: entry.path, source: file, data, mediaType: file.media_type, filename: filenameFor(entry.path, file.media_type) };
  }
  const { data } = await fetchInputUrl(file.url, policy);
  const mediaType = sniffMediaType(data, allowedMediaTypes);
  if (!mediaType) throw new InputFetchError(`content fetched from the URL is not a valid ${allowedMediaTypes.join(' or ')} file`);
  return { path: entry.path, source: file, data, mediaType, filename: filenameFor(entry.path, mediaType) };
}

/**
 * Takes in every file input of a request (spec/API.md §7.6); any that cannot be used → 422
 * `VALIDATION_ERROR` with one message per input path, and nothing is kept.
 */
export async function receiveInputFiles(kind: Parameters<typeof findFileInputs>[0], input: unknown, policy: FetchPolicy): Promise<ReceivedInputFile[]> {
  const entries = findFileInputs(kind, input as never);
  const details: ErrorDetails = {};
  const received = await Promise.all(
    entries.map(async (entry) => {
      try {
        return await receive(entry, policy);
      } catch (error) {
        if (!(error instanceof InputFetchError)) throw error;
        details[entry.path] = error.message;
        return undefined;
      }
    }),
  );
  const [firstPath] = Object.keys(details);
  if (firstPath) throw validationError(`${firstPath}: ${details[firstPath]}`, details);
  return received as ReceivedInputFile[];
}
