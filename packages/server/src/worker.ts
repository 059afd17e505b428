import pino from 'pino';
import { openStorage } from '@boltz/storage';
import { loadConfig } from './config.ts';
import { JobProcessing, createJobServices } from './jobs/processing.ts';

/**
 * `boltz-server worker`: job runners and the retention sweeper without the HTTP API, for GPU
 * hosts next to API replicas that run with BOLTZ_RUNNERS=0 (DESIGN.md). Shares the database
 * (and the results folder, BOLTZ_DATA_DIR) with them.
 */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const storage = openStorage({ url: config.databaseUrl });
  await storage.migrate();
  const processing = new JobProcessing({ ...createJobServices(config), storage, config, now: () => new Date(), log }, { runners: true });
  processing.start();
  log.info({ concurrency: config.jobs.concurrency }, 'worker started');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping: handing running jobs back');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await processing.stop();
      await storage.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
