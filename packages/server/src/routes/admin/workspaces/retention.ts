import type { Static } from 'typebox';
import { invalidRequest } from '../../../errors.ts';
import { retentionHours } from '../../../resources/workspace.ts';
import { MAX_RETENTION_HOURS, type DataRetention } from '../../../schemas/workspace.ts';

export function checkRetention(retention: Static<typeof DataRetention> | undefined): void {
  if (retention && retentionHours(retention) > MAX_RETENTION_HOURS) {
    throw invalidRequest('data_retention must be at most 14 days (336 hours)', {
      'data_retention.value': `must be at most ${retention.unit === 'days' ? 14 : MAX_RETENTION_HOURS} ${retention.unit}`,
    });
  }
}
