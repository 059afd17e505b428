import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '../../packages/server/test/server-process.ts';
import type { BenchContext } from './context.ts';

/**
 * Start-up times, as a user feels them: wall time of whole processes, the median of `runs`
 * after one warm-up run (file cache), next to `node -e 0` (what any Node program pays), and the compiled server's start. The CLI
 * runs its bundle, as installed from the server's /cli/boltz-api.tgz (scripts/build.mjs).
 */
const CLI_BIN = fileURLToPath(new URL('../../packages/cli/bin/boltz-api.js', import.meta.url));

export interface StartupTiming {
  what: string;
  medianMs: number;
  maxMs: number;
  goalMs?: number;
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv, runs: number): { medianMs: number; maxMs: number } {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], maxMs: times[times.length - 1] };
}

/** The compiled server started again on the bench's (migrated, bootstrapped) SQLite file, until /healthz answers. */
async function timeServerStart(context: BenchContext, runs: number): Promise<{ medianMs: number; maxMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boltz-bench-start-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const server = await startServerProcess({ DATABASE_URL: context.databaseFile, BOLTZ_DATA_DIR: dataDir, BOLTZ_RUN_FROM_SOURCE: '0', LOG_LEVEL: 'warn' });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], maxMs: times[times.length - 1] };
}

export async function measureCliStartup(context: BenchContext, runs = 10): Promise<StartupTiming[]> {
  const client = context.client.withOptions({ apiKey: context.testAdminKey });
  const job = await client.predictions.structureAndBinding.start({
    model: 'boltz-2.1',
    workspace_id: context.defaultWorkspaceId,
    input: { entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQR', msa: { type: 'empty' } }] },
  });
  const env = { ...process.env, BOLTZ_RUN_FROM_SOURCE: '0', BOLTZ_API_KEY: context.testAdminKey, BOLTZ_BASE_URL: context.baseURL };
  return [
    { what: 'node -e 0', ...timeProcess(['-e', '0'], env, runs) },
    { what: 'boltz-api --version', ...timeProcess([CLI_BIN, '--version'], env, runs), goalMs: 150 },
    { what: 'boltz-api predictions:structure-and-binding retrieve', ...timeProcess([CLI_BIN, 'predictions:structure-and-binding', 'retrieve', '--id', job.id, '--format', 'json'], env, runs), goalMs: 300 },
    { what: 'boltz-server start to /healthz (SQLite)', ...(await timeServerStart(context, 3)), goalMs: 2000 },
  ];
}
