import { contentMatches } from './media-types.ts';

export type DecodedFile = { ok: true; bytes: Buffer } | { ok: false; message: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s/;

/**
 * A `{type: "base64"}` file input (spec/API.md §7.6): valid base64 (whitespace allowed), at
 * most `maxBytes` once decoded, and bytes of the declared media type. Its cost grows with the
 * file, so the request path runs it in the worker pool (cpu/request-tasks.ts).
 */
export function decodeBase64File(data: string, mediaType: string, maxBytes: number): DecodedFile {
  const compact = WHITESPACE.test(data) ? data.replace(/\s+/g, '') : data;
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return { ok: false, message: 'data is not valid base64' };
  // Checked before decoding: the decoded size is known from the text length.
  if ((compact.length / 4) * 3 > maxBytes + 2) return { ok: false, message: `file is larger than ${maxBytes} bytes` };
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) return { ok: false, message: `file is larger than ${maxBytes} bytes` };
  if (!contentMatches(bytes, mediaType)) return { ok: false, message: `content is not a valid ${mediaType} file` };
  return { ok: true, bytes };
}
