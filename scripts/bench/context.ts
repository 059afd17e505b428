import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Boltz from 'boltz-api';
import { generateApiKey } from '@boltz/shared';
import { createTestDatabaseLocation } from '../../packages/storage/test/test-database.ts';
import { type ServerProcess, startServerProcess } from '../../packages/server/test/server-process.ts';

/** What every scenario may use: a real server process on a fresh SQLite file, and its keys. */
export interface BenchContext {
  baseURL: string;
  liveAdminKey: string;
  testAdminKey: string;
  defaultWorkspaceId: string;
  /** The official SDK, for setting up data before a measurement. */
  client: Boltz;
  /** The server's SQLite file, for scenarios that load data in bulk. */
  databaseFile: string;
}

export interface BenchServer {
  context: BenchContext;
  process: ServerProcess;
  /** CPU seconds the server process has used so far (user + system), or undefined off Linux. */
  cpuSeconds(): number | undefined;
  /** The bare Fastify 5 route in its own process (bare-fastify.mjs), the baseline of the ratios. */
  bare: { baseURL: string; cpuSeconds(): number | undefined };
  close(): Promise<void>;
}

/** Starts bare-fastify.mjs; it prints its port once it listens. */
async function startBareFastify() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bare-fastify.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  return { child, baseURL: `http://127.0.0.1:${Number(line.trim())}` };
}

/** USER_HZ: the unit of /proc CPU times, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time per request says what a request costs the server and moves much less than
 * throughput when other work shares the machine (contention still inflates it somewhat).
 * Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
 */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Starts `boltz-server` the way an operator would, with logs at `warn` (what production
 * should run with) and a rate limit high enough never to be the thing measured.
 */
export async function startBenchServer(options: { testTiming: string }): Promise<BenchServer> {
  // SQLite, the embedded default, for which the issue states its goal.
  const database = await createTestDatabaseLocation('sqlite');
  const liveAdminKey = generateApiKey('admin', 'live');
  const testAdminKey = generateApiKey('admin', 'test');
  const server = await startServerProcess({
    ...database.env,
    LOG_LEVEL: 'warn',
    // The compiled server, as `npm start` runs it (bench.ts builds first).
    BOLTZ_RUN_FROM_SOURCE: '0',
    RATE_LIMIT_MAX: '1000000000',
    BOLTZ_TEST_TIMING: options.testTiming,
    BOLTZ_BOOTSTRAP_ADMIN_KEY: liveAdminKey,
    BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: testAdminKey,
  });
  const bare = await startBareFastify();
  const client = new Boltz({ apiKey: liveAdminKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
  const workspaces = await client.admin.workspaces.list();
  const defaultWorkspace = workspaces.data.find((workspace) => workspace.is_default);
  if (!defaultWorkspace) throw new Error('the bootstrapped organization has no default workspace');
  return {
    context: { baseURL: server.baseURL, liveAdminKey, testAdminKey, defaultWorkspaceId: defaultWorkspace.id, client, databaseFile: database.url },
    process: server,
    cpuSeconds: () => processCpuSeconds(server.child.pid!),
    bare: { baseURL: bare.baseURL, cpuSeconds: () => processCpuSeconds(bare.child.pid!) },
    async close() {
      bare.child.kill();
      const exit = await server.stop();
      await database.dispose();
      if (exit.code !== 0) throw new Error(`boltz-server exited with ${exit.code ?? exit.signal}:\n${exit.stderr}`);
    },
  };
}
