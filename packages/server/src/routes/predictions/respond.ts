import type { JobRow } from '@boltz/storage';
import { presignerFor, toPrediction } from '../../jobs/render.ts';
import type { Services } from '../../services.ts';

export function predictionResponse(services: Services, row: JobRow) {
  const now = services.now();
  // Presigned URLs point at the configured public origin, never at the request's Host header.
  return toPrediction(row, presignerFor(services.urlSigner, services.publicUrl(), now));
}
