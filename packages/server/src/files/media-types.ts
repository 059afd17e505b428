/**
 * What a file input must look like for the media type it claims (spec/API.md §7.6). A
 * declared type is never trusted alone: the bytes are sniffed, so a PDB sent as mmCIF or a
 * binary blob sent as an MSA is refused at start instead of failing a job later.
 */
export const EXTENSION_OF_MEDIA_TYPE: Record<string, string> = {
  'chemical/x-cif': 'cif',
  'chemical/x-pdb': 'pdb',
  'text/x-a3m': 'a3m',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
};

function firstMeaningfulLine(text: string, comment?: string): string {
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || (comment && trimmed.startsWith(comment))) continue;
    return trimmed;
  }
  return '';
}

const SNIFFERS: Record<string, (text: string) => boolean> = {
  // mmCIF: a data block header before anything else, and atom records.
  'chemical/x-cif': (text) => /^data_\S*/.test(firstMeaningfulLine(text, '#')),
  'chemical/x-pdb': (text) => /^(ATOM  |HETATM)/m.test(text),
  // A3M is FASTA-like: a header line, then sequence lines.
  'text/x-a3m': (text) => {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    return lines.length >= 2 && lines[0].startsWith('>') && /^[A-Za-z\-.*]+$/.test(lines[1].trim());
  },
};

/**
 * Delimited text: a one-column file has no delimiter, so any text without NUL bytes (binary
 * files have them) passes here; its reader checks the rest with line numbers — an explore
 * library's bad UTF-8 on the line where it occurs (packages/chemistry library-file.ts).
 */
const DELIMITED_TEXT = new Set(['text/csv', 'text/tab-separated-values']);

/** Text files only: valid UTF-8 without NUL bytes. */
function asText(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  const text = data.toString('utf8');
  return Buffer.byteLength(text) === data.length && !text.includes('\uFFFD') ? text : undefined;
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
