import { openStorage } from '@boltz/storage';
import { ApiError } from '../errors.ts';
import { reserveSpend } from './spending.ts';

/**
 * One competitor in spending.test.ts's race, run as a process of its own (like a second server
 * replica): its own database connection(s), starting `count` reservations at once. Takes its
 * order as JSON in argv[2]; prints how many were accepted and refused with 402 as JSON.
 */
export interface RaceOrder {
  url: string;
  schema?: string;
  organizationId: string;
  workspaceId: string;
  jobPrefix: string;
  count: number;
  amountMilliUsd: number;
}

const order = JSON.parse(process.argv[2]) as RaceOrder;
const storage = openStorage({ url: order.url, schema: order.schema, poolSize: 5 });
const outcomes = await Promise.allSettled(
  Array.from({ length: order.count }, (_, i) =>
    storage.transaction((trx) =>
      reserveSpend(trx, {
        jobId: `${order.jobPrefix}${i}`,
        organizationId: order.organizationId,
        workspaceId: order.workspaceId,
        mode: 'live',
        amountMilliUsd: order.amountMilliUsd,
        now: new Date(),
      }),
    ),
  ),
);
await storage.close();
const refusals = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
process.stdout.write(JSON.stringify({
  accepted: outcomes.filter((o) => o.status === 'fulfilled').length,
  refused: refusals.filter((e) => e instanceof ApiError && e.code === 'spending_limit_exceeded').length,
  failures: refusals.filter((e) => !(e instanceof ApiError)).map((e) => String(e)),
}));
