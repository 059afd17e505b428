import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InputFile, PredictionJob } from '../src/index.ts';

/**
 * Golden cases for `toBoltzRequest`: fixtures/requests/<case>/case.json holds the API input (most
 * snapshotted from packages/server/src/families/structure-and-binding/examples.ts), the
 * deployment settings and, for URL file inputs, the fixture file the server would have fetched.
 * Next to it: expected.yaml, expected-args.json and expected-files/, or expected-error.json.
 */
export const REQUEST_FIXTURES = new URL('./fixtures/requests/', import.meta.url).pathname;

export interface RequestCase {
  name: string;
  jobId: string;
  deployment: any;
  input: any;
  urlFiles?: Record<string, { fixture: string; mediaType: string }>;
}

export function requestCases(): RequestCase[] {
  return readdirSync(REQUEST_FIXTURES)
    .sort()
    .map((name) => ({ name, ...JSON.parse(readFileSync(join(REQUEST_FIXTURES, name, 'case.json'), 'utf8')) }));
}

/** The decoded file inputs, as the server's job runner hands them over (base64 decoded, URLs fetched). */
export function inputFilesOf(testCase: RequestCase): Map<string, InputFile> {
  const files = new Map<string, InputFile>();
  const add = (path: string, source: any) => {
    if (source?.type === 'base64') files.set(path, { data: Buffer.from(source.data, 'base64'), mediaType: source.media_type });
  };
  (testCase.input.entities as any[]).forEach((entity, i) => add(`input.entities[${i}].msa`, entity.msa?.source));
  (testCase.input.templates ?? []).forEach((template: any, i: number) => add(`input.templates[${i}].template_structure`, template.template_structure));
  for (const [path, { fixture, mediaType }] of Object.entries(testCase.urlFiles ?? {})) {
    files.set(path, { data: readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url)), mediaType });
  }
  return files;
}

export function jobOf(testCase: RequestCase, workDir = '/nonexistent'): PredictionJob<'structure_and_binding'> {
  return { id: testCase.jobId, kind: 'structure_and_binding', livemode: true, input: testCase.input, inputFiles: inputFilesOf(testCase), workDir };
}
