import type { Quote } from '../billing/prices.ts';
import { serviceUnavailable, validationError } from '../errors.ts';
import type { Family } from '../families/family.ts';
import type { ReceivedInputFile } from '../files/input-files.ts';
import type { Services } from '../services.ts';
import { CpuLimitExceeded, CpuPoolSaturated } from './request-cpu-pool.ts';

/**
 * What a client hears when request work hits a limit of the worker pool: an input that costs
 * more than a task may spend is the client's to change (422); a full pool is temporary (503,
 * which the SDKs retry after `retry-after`).
 */
export function cpuLimitError(error: unknown, subject: string): unknown {
  if (error instanceof CpuLimitExceeded) {
    return validationError(`${subject} is too costly to check: it ${error.message}`, { [subject]: `${error.message}; make it smaller or simpler` });
  }
  if (error instanceof CpuPoolSaturated) return serviceUnavailable('The server is busy checking other requests; retry shortly');
  return error;
}

/**
 * Validation and quote shared by `start` and `estimate-cost` (spec/API.md §7.4), in the
 * request worker pool: RDKit can take seconds on one SMILES, and a structure file megabytes of
 * parsing, which must not stall the loop. The decoded file inputs are shared with the worker.
 */
export async function checkAndQuoteInWorker(services: Pick<Services, 'requestCpu' | 'config' | 'blobs'>, family: Family, input: unknown, files: readonly ReceivedInputFile[]): Promise<Quote> {
  let result;
  try {
    // Fetched and decoded inputs live in shared memory (sharedBytes of @boltz/shared): handed
    // over, not copied. Streamed ones are read by the worker from where they were stored.
    const handed = files.map((file) =>
      'data' in file
        ? { path: file.path, mediaType: file.mediaType, data: file.data }
        : { path: file.path, mediaType: file.mediaType, localPath: services.blobs.localPath(file.incomingKey), size: file.size },
    );
    result = await services.requestCpu.checkAndQuote(family.kind, input, handed, services.config.prices);
  } catch (error) {
    throw cpuLimitError(error, 'input');
  }
  if (result.ok) return result.quote;
  const [firstPath] = Object.keys(result.details);
  throw validationError(`${firstPath} ${result.details[firstPath]}`, result.details);
}
