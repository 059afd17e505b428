import type { FastifyRequest } from 'fastify';
import type { JobResultRow, JobRow } from '@boltz/storage';
import type { Family } from '../../families/family.ts';
import { type Presign, presignerFor, toResource, toResult } from '../../jobs/render.ts';
import type { Services } from '../../services.ts';

/** Scheme and host that presigned URLs point at: configured, or the one the client used. */
export function publicOrigin(services: Services, request: FastifyRequest): string {
  return services.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

function presigner(services: Services, request: FastifyRequest): Presign {
  return presignerFor(services.urlSigner, publicOrigin(services, request), services.now());
}

export function jobResponse(services: Services, request: FastifyRequest, family: Family, row: JobRow) {
  return toResource(family, row, presigner(services, request));
}

export function resultsResponse(services: Services, request: FastifyRequest, rows: readonly JobResultRow[]) {
  const presign = presigner(services, request);
  return rows.map((row) => toResult(row, presign));
}
