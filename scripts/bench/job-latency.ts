import Boltz from 'boltz-api';
import { barnaseBarstar } from '../../packages/server/src/families/structure-and-binding/examples.ts';
import type { BenchContext } from './context.ts';

/**
 * Submit-to-succeeded latency of test-mode jobs (issue 3): jobs are started through the
 * official SDK a few at a time and polled until they succeed. The server's own timestamps
 * (`created_at` → `completed_at`) measure queueing plus running without the polling interval;
 * the client's view (start call → first poll that sees `succeeded`) includes it.
 */
export interface JobLatency {
  family: string;
  jobs: number;
  serverP50Ms: number;
  serverP99Ms: number;
  clientP50Ms: number;
  clientP99Ms: number;
  jobsPerSecond: number;
}

const POLL_MS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runOne(start: () => Promise<{ id: string }>, retrieve: (id: string) => Promise<{ status: string; created_at: string; completed_at: string | null }>) {
  const submitted = performance.now();
  const { id } = await start();
  for (;;) {
    const job = await retrieve(id);
    if (job.status === 'succeeded') {
      return { server: Date.parse(job.completed_at!) - Date.parse(job.created_at), client: performance.now() - submitted };
    }
    if (job.status === 'failed') throw new Error(`job ${id} failed`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function measureFamily(family: string, jobs: number, concurrency: number, run: () => ReturnType<typeof runOne>): Promise<JobLatency> {
  const server: number[] = [];
  const client: number[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < jobs) {
        const latency = await run();
        server.push(latency.server);
        client.push(latency.client);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  server.sort((a, b) => a - b);
  client.sort((a, b) => a - b);
  return {
    family,
    jobs,
    serverP50Ms: percentile(server, 50),
    serverP99Ms: percentile(server, 99),
    clientP50Ms: Math.round(percentile(client, 50)),
    clientP99Ms: Math.round(percentile(client, 99)),
    jobsPerSecond: jobs / seconds,
  };
}

export async function measureJobLatency(context: BenchContext, options: { jobs: number; concurrency: number }): Promise<JobLatency[]> {
  const client = new Boltz({ apiKey: context.testAdminKey, baseURL: context.baseURL, maxRetries: 0, logLevel: 'off' });
  const adme = await measureFamily('ADME (1 molecule)', options.jobs, options.concurrency, () =>
    runOne(
      () => client.predictions.adme.start({ model: 'adme-v1', input: { molecules: [{ smiles: 'CC(=O)Oc1ccccc1C(=O)O' }] } }),
      (id) => client.predictions.adme.retrieve(id),
    ),
  );
  const structure = await measureFamily('structure-and-binding (barnase–barstar, 1 sample)', options.jobs, options.concurrency, () =>
    runOne(
      () => client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: { ...barnaseBarstar, num_samples: 1 } as never }),
      (id) => client.predictions.structureAndBinding.retrieve(id),
    ),
  );
  return [adme, structure];
}
