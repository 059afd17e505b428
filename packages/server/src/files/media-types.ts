/**
 * What a file input must look like for the media type it claims (spec/API.md §7.6). A
 * declared type is never trusted alone: the bytes are sniffed, so a PDB sent as mmCIF or a
 * binary blob sent as an MSA is refused at start instead of failing a job later.
 */
import { isUtf8 } from 'node:buffer';

export const EXTENSION_OF_MEDIA_TYPE: Record<string, string> = {
  'chemical/x-cif': 'cif',
  'chemical/x-pdb': 'pdb',
  'text/x-a3m': 'a3m',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
};

/**
 * The first `count` non-blank lines (trimmed) that do not start with `comment`. Lines are
 * found one at a time: a 5 MiB MSA has ~700,000 lines and only its head decides its type.
 */
function meaningfulLines(text: string, count: number, comment?: string): string[] {
  const found: string[] = [];
  for (let start = 0; start < text.length && found.length < count; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end).trim();
    if (line !== '' && !(comment && line.startsWith(comment))) found.push(line);
    start = end + 1;
  }
  return found;
}

const SNIFFERS: Record<string, (text: string) => boolean> = {
  // mmCIF: a data block header before anything else, and atom records.
  'chemical/x-cif': (text) => /^data_\S*/.test(meaningfulLines(text, 1, '#')[0] ?? ''),
  'chemical/x-pdb': (text) => /^(ATOM  |HETATM)/m.test(text),
  // A3M is FASTA-like: a header line, then sequence lines.
  'text/x-a3m': (text) => {
    const [header, sequence] = meaningfulLines(text, 2, '#');
    return header?.startsWith('>') === true && sequence !== undefined && /^[A-Za-z\-.*]+$/.test(sequence);
  },
};

/**
 * Delimited text: a one-column file has no delimiter, so any text without NUL bytes (binary
 * files have them) passes here; its reader checks the rest with line numbers — an explore
 * library's bad UTF-8 on the line where it occurs (packages/chemistry library-file.ts).
 */
const DELIMITED_TEXT = new Set(['text/csv', 'text/tab-separated-values']);

/** Text files only: valid UTF-8 (checked on the bytes, before any decoding) without NUL bytes. */
function asText(data: Buffer): string | undefined {
  return !data.includes(0) && isUtf8(data) ? data.toString('utf8') : undefined;
}

export function contentMatches(data: Buffer, mediaType: string): boolean {
  if (DELIMITED_TEXT.has(mediaType)) return data.length > 0 && !data.includes(0);
  const text = asText(data);
  const sniff = SNIFFERS[mediaType];
  return text !== undefined && sniff !== undefined && sniff(text);
}

/** The first of `allowed` whose shape the bytes have (URL inputs declare no type). */
export function sniffMediaType(data: Buffer, allowed: readonly string[]): string | undefined {
  return allowed.find((mediaType) => contentMatches(data, mediaType));
}
