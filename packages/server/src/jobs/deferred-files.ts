import type { FileRow } from '@boltz/storage';
import { notFound } from '../errors.ts';
import { familyOf } from '../families/registry.ts';
import type { Services } from '../services.ts';
import { deferredRecipeOf } from './job-files.ts';
import { engineInputOf, inputFilesOf } from './run-input.ts';

/**
 * The bytes of a file its engine deferred (test-mode pipeline results, packages/engines
 * `ResultFiles.defer`): re-created by the engine of the job that produced it, from the job's
 * input and the file's recipe. Undefined for an ordinary stored file.
 */
export async function renderDeferredFile(services: Services, file: FileRow): Promise<Buffer | undefined> {
  const recipe = deferredRecipeOf(file.storage_key);
  if (recipe === undefined) return undefined;
  const job = await services.storage.jobs.findById(file.job_id);
  const family = job ? familyOf(job.kind) : undefined;
  const engine = job && family?.type === 'pipeline' ? services.engines.pipelineEngine(job.mode, family) : undefined;
  if (!job || job.input === null || !family || !engine?.renderFile) throw notFound(`File ${file.id} not found`);
  const inputFiles = await inputFilesOf(services.storage, services.blobs, job);
  return engine.renderFile({ id: job.id, input: engineInputOf(family, job, inputFiles) as never, inputFiles }, recipe);
}
