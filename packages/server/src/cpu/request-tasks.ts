import { createReadStream } from 'node:fs';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { loadChemistry } from '@boltz/chemistry';
import type { JobKind } from '@boltz/shared';
import type { PriceTable, Quote } from '../billing/prices.ts';
import type { ErrorDetails } from '../errors.ts';
import { decodeBase64File, type DecodedFile } from '../files/base64-file.ts';
import { sniffMediaType } from '../files/media-types.ts';
import { bufferOf, sharedBytes } from '@boltz/shared';
import { familyOf } from '../families/registry.ts';
import { type ParsedJson, parseJsonText } from '../plugins/json-text.ts';
import { newAjv } from '../plugins/validation.ts';

/**
 * The request path's CPU work, run in the worker threads of request-cpu-pool.ts (this file is
 * the pool's worker module; each export is one task). Every task first stamps the time it
 * started into its shared `clock`, so that the pool measures a task's time limit from when
 * it began running rather than from when it was queued.
 */
export interface TimedTask {
  /** One Float64 on a SharedArrayBuffer: 0 until the task starts, then Date.now(). */
  clock: Float64Array;
}

export interface ParseJsonTask extends TimedTask {
  bytes: Uint8Array;
}

export interface CheckAndQuoteTask extends TimedTask {
  kind: JobKind;
  input: unknown;
  /**
   * The request's file inputs by input path: decoded (templates, structures) or, when streamed
   * (an explore library), where they were stored, read from there as a stream.
   */
  files: Array<{ path: string; mediaType: string } & ({ data: Uint8Array } | { localPath: string; size: number })>;
  prices: PriceTable;
}

export interface DecodeFileTask extends TimedTask {
  data: string;
  mediaType: string;
  maxBytes: number;
}

export interface SniffFileTask extends TimedTask {
  bytes: Uint8Array;
  allowedMediaTypes: string[];
}

export interface CompileValidatorTask extends TimedTask {
  schema: unknown;
  forParameters: boolean;
}

export type CheckAndQuoteResult = { ok: true; quote: Quote } | { ok: false; details: ErrorDetails };

const standaloneCode = standaloneModule.default ?? standaloneModule;

// Loaded while the worker waits for its first task rather than during it.
void loadChemistry();

/** Resolves once this worker can check inputs: its modules and RDKit are loaded. */
export async function warmUp(): Promise<void> {
  await loadChemistry();
}

function start(task: TimedTask): void {
  task.clock[0] = Date.now();
}

export function parseJsonBody(task: ParseJsonTask): ParsedJson {
  start(task);
  return parseJsonText(bufferOf(task.bytes).toString('utf8'));
}

/** A family's semantic checks and price (spec/API.md §7.4): RDKit parses every SMILES here. */
export async function checkAndQuote(task: CheckAndQuoteTask): Promise<CheckAndQuoteResult> {
  // RDKit's start-up is the worker's, not the input's: the clock starts once it is loaded.
  const chemistry = await loadChemistry();
  start(task);
  const family = familyOf(task.kind);
  const files = new Map(task.files.flatMap((file) => ('data' in file ? [[file.path, { data: bufferOf(file.data), mediaType: file.mediaType }] as const] : [])));
  const streams = new Map(
    task.files.flatMap((file) =>
      'localPath' in file ? [[file.path, { mediaType: file.mediaType, size: file.size, chunks: () => createReadStream(file.localPath, { highWaterMark: 1 << 20 }) }] as const] : [],
    ),
  );
  const details = await family.checkInput(task.input as never, chemistry, files, streams);
  if (Object.keys(details).length > 0) return { ok: false, details };
  return { ok: true, quote: family.quote(task.prices, task.input as never, chemistry, files) };
}

/** A route schema as Ajv's standalone code, which the event loop evaluates (plugins/validation.ts). */
export function compileValidator(task: CompileValidatorTask): string {
  start(task);
  const ajv = newAjv(task.forParameters, { standalone: true });
  return standaloneCode(ajv, ajv.compile(task.schema as object));
}

/** A base64 file input (spec/API.md §7.6): decoded, size-checked and sniffed. */
export function decodeFile(task: DecodeFileTask): DecodedFile {
  start(task);
  const decoded = decodeBase64File(task.data, task.mediaType, task.maxBytes);
  return decoded.ok ? { ok: true, bytes: sharedBytes([decoded.bytes]) } : decoded;
}

/** The media type a fetched file has among those allowed; undefined when none. */
export function sniffFile(task: SniffFileTask): string | undefined {
  start(task);
  return sniffMediaType(bufferOf(task.bytes), task.allowedMediaTypes);
}
