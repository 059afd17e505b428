import type { FastifyRequest } from 'fastify';
import type { JobRow } from '@boltz/storage';
import { presignerFor, toPrediction } from '../../jobs/render.ts';
import type { Services } from '../../services.ts';

/** Scheme and host that presigned URLs point at: configured, or the one the client used. */
export function publicOrigin(services: Services, request: FastifyRequest): string {
  return services.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function predictionResponse(services: Services, request: FastifyRequest, row: JobRow) {
  const now = services.now();
  return toPrediction(row, presignerFor(services.urlSigner, publicOrigin(services, request), now));
}
