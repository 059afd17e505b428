import type { JobResultRow, JobRow } from '@boltz/storage';
import type { Family } from '../../families/family.ts';
import { type Presign, presignerFor, toResource, toResult } from '../../jobs/render.ts';
import type { Services } from '../../services.ts';

/** Presigned URLs point at the configured public origin, never at the request's Host header. */
function presigner(services: Services): Presign {
  return presignerFor(services.urlSigner, services.publicUrl(), services.now());
}

export function jobResponse(services: Services, family: Family, row: JobRow) {
  return toResource(family, row, presigner(services));
}

export function resultsResponse(services: Services, rows: readonly JobResultRow[]) {
  const presign = presigner(services);
  return rows.map((row) => toResult(row, presign));
}
