import { type TSchemaOptions, Type } from 'typebox';
import { TaggedUnion } from '../../schemas/tagged-union.ts';

/**
 * File inputs of predictions (spec/API.md §7.6): `{type: "url", url}`, fetched by the server at
 * start, or `{type: "base64", data, media_type}`. The job layer fetches or decodes each one that
 * the family's `fileInputs` lists and hands the bytes to the engine keyed by the same path
 * (`PredictionJob.inputFiles`).
 */
export const STRUCTURE_MEDIA_TYPES = ['chemical/x-cif', 'chemical/x-pdb'];
/** Custom MSA media type per `format` (spec/API.md §8.1). */
export const MSA_MEDIA_TYPES = { a3m: 'text/x-a3m', csv: 'text/csv' } as const;
export const LIBRARY_MEDIA_TYPES = ['text/csv', 'text/tab-separated-values'];
const ALL_MEDIA_TYPES = [...new Set([...STRUCTURE_MEDIA_TYPES, ...Object.values(MSA_MEDIA_TYPES), ...LIBRARY_MEDIA_TYPES])];

/** A file input restricted to `mediaTypes` (base64 uploads declare one of them). */
export function fileInputOf(mediaTypes: readonly string[], options: TSchemaOptions = {}) {
  return TaggedUnion(
    [
      Type.Object(
        {
          type: Type.Literal('url'),
          // The scheme is checked with the other content rules (http/https, 422) so that the
          // message can say so; an unreachable URL fails the start with 422 as well.
          url: Type.String({ minLength: 1, maxLength: 4096, description: 'An http or https URL the server downloads at start', examples: ['https://files.rcsb.org/download/1CRN.cif'] }),
        },
        { additionalProperties: false, description: 'A file the server downloads when the job starts' },
      ),
      Type.Object(
        {
          type: Type.Literal('base64'),
          // `contentEncoding` also gives the routes taking such fields their large body limit (plugins/body-limits.ts).
          data: Type.String({ minLength: 1, contentEncoding: 'base64', description: 'Base64-encoded file contents', examples: ['ZGF0YV8xQ1JOCg=='] }),
          media_type: Type.Unsafe<string>({ type: 'string', enum: [...mediaTypes], description: `MIME type: ${mediaTypes.join(' or ')}`, examples: [mediaTypes[0]] }),
        },
        { additionalProperties: false, description: 'A file uploaded inline' },
      ),
    ],
    { description: 'How to provide a file: an http(s) URL or an inline base64 upload', ...options },
  );
}

/** Any file input of spec/API.md §7.6; the fields of each family use `fileInputOf` with their own media types. */
export const FileInput = fileInputOf(ALL_MEDIA_TYPES);

export type FileInputValue = { type: 'url'; url: string } | { type: 'base64'; data: string; media_type: string };

export interface FoundFileInput {
  /** Input path of the file object, also the key of `PredictionJob.inputFiles`, e.g. `input.entities[2].msa`. */
  path: string;
  file: FileInputValue;
  /**
   * Media types the file may have: for a base64 upload the one it declares (validated); for a
   * URL the candidates, most likely first (a template URL ending in `.pdb` is PDB first).
   */
  allowedMediaTypes: string[];
  /** Fields of the file object that the echoed input keeps beside the file's URL (a template's `id`). */
  echo?: Record<string, unknown>;
  /**
   * Too large to hold (an explore library, up to 375 MiB): written to storage as it arrives and
   * checked as a stream from there, within BOLTZ_LIBRARY_FILE_MAX_BYTES.
   */
  streamed?: boolean;
}

/**
 * Media types a structure file input may have: a base64 upload's declared one; for a URL, a
 * `.pdb` is most likely PDB, anything else is read as mmCIF first (the CCD/PDB default).
 */
export function structureMediaTypes(file: FileInputValue): string[] {
  if (file.type === 'base64') return [file.media_type];
  const path = file.url.split(/[?#]/)[0].toLowerCase();
  return path.endsWith('.pdb') || path.endsWith('.ent') ? ['chemical/x-pdb', 'chemical/x-cif'] : [...STRUCTURE_MEDIA_TYPES];
}
