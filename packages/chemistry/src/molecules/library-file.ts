import { isUtf8 } from 'node:buffer';
import { DuplicateCounter } from './duplicate-counter.ts';

/**
 * Explore libraries (spec/API.md §10): CSV (RFC 4180 quoting) or TSV (no quoting, IANA
 * text/tab-separated-values) over a byte stream, read in one pass without holding the file.
 *
 * Ingestion establishes only what can be told without chemistry: the file is UTF-8, within the
 * size and record limits, has the columns, is well quoted, and its ids fit; it yields the records
 * in batches and counts repeated SMILES texts. Parsing the SMILES with RDKit (canonical forms,
 * invalid molecules, filters, duplicates by molecule) is the engine's `preparing_library` phase.
 */
export interface LibraryFormat {
  format: 'csv' | 'tsv';
  /** Exact, case-sensitive header name; default "smiles". */
  smiles_column?: string;
  /**
   * Without it, an `id` column if the header has one (the SDK's rule); with neither, or for an
   * empty cell, a record's id is its 0-based record index.
   */
  id_column?: string;
}

export const LIBRARY_LIMITS = {
  maxBytes: 375 * 1024 * 1024,
  maxRecords: 5_000_000,
  maxIdBytes: 1024,
  /** A record (one row, quoted newlines included) longer than this is refused: a missing closing quote would otherwise swallow the file. */
  maxRecordBytes: 1024 * 1024,
};

export interface LibraryRecord {
  /** 0-based index among the records (the header is not a record). */
  index: number;
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  smiles: string;
  id: string;
}

export interface LibrarySummary {
  records: number;
  /** Records whose SMILES text repeats an earlier one exactly (molecule-level duplicates are the engine's). */
  duplicateSmiles: number;
  bytes: number;
}

export type LibraryFileErrorCode = 'missing_column' | 'bad_encoding' | 'too_large' | 'too_many_records' | 'bad_quoting' | 'bad_record' | 'id_too_long' | 'empty_file';

export class LibraryFileError extends Error {
  constructor(
    readonly code: LibraryFileErrorCode,
    /** 1-based line, when the problem is on one. */
    readonly line: number | undefined,
    message: string,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BATCH_SIZE = 10_000;

/**
 * Reads the library, handing records to `onBatch` in batches (awaited: back-pressure) and
 * returning the summary; throws LibraryFileError at the first problem.
 */
export async function readMoleculeLibrary(
  chunks: AsyncIterable<Uint8Array>,
  options: LibraryFormat,
  onBatch: (records: LibraryRecord[]) => void | Promise<void>,
  limits: Partial<typeof LIBRARY_LIMITS> = {},
): Promise<LibrarySummary> {
  const { maxBytes, maxRecords, maxIdBytes, maxRecordBytes } = { ...LIBRARY_LIMITS, ...limits };
  const parser = new RecordParser(options.format === 'csv' ? 0x2c : 0x09, options.format === 'csv');
  const smilesColumn = options.smiles_column ?? 'smiles';
  const duplicates = new DuplicateCounter(1 << 20);
  let columns: { smiles: number; id: number; count: number } | undefined;
  let batch: LibraryRecord[] = [];
  let records = 0;
  let bytes = 0;

  const take: TakeRecord = (fields, count, line) => {
    if (!columns) {
      const header = fields.slice(0, count) as string[];
      if (header[0].charCodeAt(0) === 0xfeff) header[0] = header[0].slice(1);
      columns = { smiles: headerIndex(header, smilesColumn, 'smiles_column'), id: -1, count };
      if (options.id_column !== undefined) columns.id = headerIndex(header, options.id_column, 'id_column');
      else if (header.includes('id') && smilesColumn !== 'id') columns.id = headerIndex(header, 'id', 'id_column');
      // Only these two cells become strings from now on.
      parser.keepOnly([columns.smiles, columns.id]);
      return;
    }
    if (count !== columns.count) {
      throw new LibraryFileError('bad_record', line, `${count} fields where the header has ${columns.count}`);
    }
    if (records === maxRecords) throw new LibraryFileError('too_many_records', line, `more than ${maxRecords} records`);
    const cell = columns.id >= 0 ? (fields[columns.id] as string) : '';
    // A UTF-8 character has at most 3 bytes per UTF-16 code unit: measure only near the limit.
    if (cell.length * 3 > maxIdBytes && Buffer.byteLength(cell) > maxIdBytes) throw new LibraryFileError('id_too_long', line, `id longer than ${maxIdBytes} bytes`);
    const smiles = fields[columns.smiles] as string;
    duplicates.add(smiles);
    batch.push({ index: records, line, smiles, id: cell === '' ? String(records) : cell });
    records++;
  };

  let pending: Buffer = Buffer.alloc(0);
  let pendingLine = 1;
  /** Parses the complete lines of `data`, keeping the rest for the next chunk. */
  const parseLines = (data: Buffer) => {
    // Complete lines only: a newline never falls inside a multi-byte UTF-8 sequence.
    const end = data.lastIndexOf(NEWLINE) + 1;
    checkUtf8(data, 0, end, pendingLine);
    const consumed = parser.parse(data, end, pendingLine, take);
    pendingLine = parser.line;
    pending = data.subarray(consumed);
  };
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw new LibraryFileError('too_large', undefined, `the file is larger than ${maxBytes} bytes`);
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (pending.length) {
      // Joins the unfinished record with the chunk's first line only, not the whole chunk.
      const firstLineEnd = data.indexOf(NEWLINE) + 1;
      parseLines(Buffer.concat([pending, data.subarray(0, firstLineEnd)]));
      data = pending.length ? Buffer.concat([pending, data.subarray(firstLineEnd)]) : data.subarray(firstLineEnd);
    }
    parseLines(data);
    if (pending.length > maxRecordBytes) throw new LibraryFileError('bad_record', pendingLine, `a record longer than ${maxRecordBytes} bytes (an unclosed quote?)`);
    if (batch.length >= BATCH_SIZE) {
      await onBatch(batch);
      batch = [];
    }
  }
  checkUtf8(pending, 0, pending.length, pendingLine);
  parser.finish(pending, pendingLine, take);
  if (!columns) throw new LibraryFileError('empty_file', undefined, 'the file is empty: no header line');
  if (batch.length) await onBatch(batch);
  return { records, duplicateSmiles: duplicates.duplicates, bytes };
}

function headerIndex(header: string[], name: string, option: string): number {
  const index = header.indexOf(name);
  if (index < 0) throw new LibraryFileError('missing_column', 1, `no column ${JSON.stringify(name)} (${option}) in the header: ${header.map((h) => JSON.stringify(h)).join(', ')}`);
  if (header.indexOf(name, index + 1) >= 0) throw new LibraryFileError('missing_column', 1, `column ${JSON.stringify(name)} (${option}) appears twice in the header`);
  return index;
}

function checkUtf8(data: Buffer, start: number, end: number, firstLine: number): void {
  if (isUtf8(data.subarray(start, end))) return;
  // Error path only: find the line.
  let line = firstLine;
  let lineStart = start;
  for (let at = start; at < end; at++) {
    if (data[at] !== NEWLINE) continue;
    if (!isUtf8(data.subarray(lineStart, at))) break;
    line++;
    lineStart = at + 1;
  }
  throw new LibraryFileError('bad_encoding', line, 'not valid UTF-8');
}

/**
 * A record's cells (reused between records): strings for the kept columns, undefined for the
 * others, whose bytes are never decoded.
 */
type TakeRecord = (fields: Array<string | undefined>, count: number, line: number) => void;

/** Splits bytes into records of fields; `line` is where the next record starts. */
class RecordParser {
  line = 1;
  private readonly fields: Array<string | undefined> = [];
  /**
   * The first quote at or after the current record in the buffer being parsed (-1: none left).
   * Remembered across records: searching afresh from every line would scan the rest of the
   * buffer once per line when a file has no quotes, quadratic in the chunk size.
   */
  private nextQuote = -1;
  private quoteBuffer: Buffer | undefined;
  private kept: ((column: number) => boolean) = () => true;

  constructor(
    private readonly separator: number,
    private readonly quoting: boolean,
  ) {}

  keepOnly(columns: number[]): void {
    this.kept = (column) => columns.includes(column);
  }

  /** Parses the complete records in data[0, end); returns where the unparsed rest starts. */
  parse(data: Buffer, end: number, line: number, take: TakeRecord): number {
    this.line = line;
    let at = 0;
    while (at < end) {
      const next = this.record(data, at, end, take);
      if (next < 0) break;
      at = next;
    }
    return at;
  }

  /** The last record, without a final newline. */
  finish(data: Buffer, line: number, take: TakeRecord): void {
    if (data.length === 0) return;
    const withNewline = Buffer.concat([data, Buffer.of(NEWLINE)]);
    if (this.parse(withNewline, withNewline.length, line, take) < withNewline.length) {
      throw new LibraryFileError('bad_quoting', this.line, 'a quoted field is not closed before the end of the file');
    }
  }

  /** One record from `start`: the index after its newline, or -1 when it does not end before `end`. */
  private record(data: Buffer, start: number, end: number, take: TakeRecord): number {
    const line = this.line;
    const newline = data.indexOf(NEWLINE, start);
    if (this.quoting && (this.quoteBuffer !== data || (this.nextQuote >= 0 && this.nextQuote < start))) {
      this.quoteBuffer = data;
      this.nextQuote = data.indexOf(QUOTE, start);
    }
    const quote = this.quoting ? this.nextQuote : -1;
    if (newline < 0 || newline >= end) return -1;
    if (quote < 0 || quote > newline) {
      // The common case: no quotes on the line, fields between separators.
      this.line++;
      const stop = newline > start && data[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      if (stop > start) take(this.fields, this.split(data, start, stop), line);
      return newline + 1;
    }
    return this.quotedRecord(data, start, end, line, take);
  }

  /** Fills `fields` from data[start, stop); returns the number of fields. */
  private split(data: Buffer, start: number, stop: number): number {
    let from = start;
    for (let column = 0; ; column++) {
      // Searched within the line only: a one-column file has no separator to stop the search.
      const found = data.subarray(from, stop).indexOf(this.separator);
      const separator = found < 0 ? stop : from + found;
      this.fields[column] = this.kept(column) ? data.toString('utf8', from, separator) : undefined;
      if (separator === stop) return column + 1;
      from = separator + 1;
    }
  }

  /** RFC 4180: a field may be quoted; inside, `""` is a quote and separators and newlines are text. */
  private quotedRecord(data: Buffer, start: number, end: number, line: number, take: TakeRecord): number {
    const fields = this.fields;
    let count = 0;
    let lines = 0;
    let at = start;
    for (;;) {
      let value: string;
      if (data[at] === QUOTE) {
        const parts: string[] = [];
        let from = at + 1;
        for (;;) {
          const close = data.indexOf(QUOTE, from);
          if (close < 0 || close >= end) return -1;
          parts.push(data.toString('utf8', from, close));
          if (data[close + 1] === QUOTE) {
            parts.push('"');
            from = close + 2;
            continue;
          }
          at = close + 1;
          break;
        }
        value = parts.join('');
        for (const part of parts) for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) lines++;
        if (data[at] === CARRIAGE_RETURN && data[at + 1] === NEWLINE) at++;
        if (at < end && data[at] !== this.separator && data[at] !== NEWLINE) {
          throw new LibraryFileError('bad_quoting', line + lines, 'a closing quote must end its field');
        }
      } else {
        let stop = at;
        while (stop < end && data[stop] !== this.separator && data[stop] !== NEWLINE) {
          if (data[stop] === QUOTE) throw new LibraryFileError('bad_quoting', line + lines, 'a quote inside an unquoted field (quote the whole field, doubling inner quotes)');
          stop++;
        }
        if (stop >= end) return -1;
        value = data.toString('utf8', at, data[stop] === NEWLINE && stop > at && data[stop - 1] === CARRIAGE_RETURN ? stop - 1 : stop);
        at = stop;
      }
      fields[count] = this.kept(count) ? value : undefined;
      count++;
      if (at >= end) return -1;
      if (data[at] === NEWLINE) {
        this.line += lines + 1;
        take(fields, count, line);
        return at + 1;
      }
      at++; // the separator
    }
  }
}
