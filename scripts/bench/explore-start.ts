// Explore library ingestion through the server: the compiled `boltz-server` in a process of its own
// (SQLite, its defaults) fetches a generated CSV library from a local URL at `start`, streams it to
// storage and checks it from there (the streaming reader in the request worker pool); meanwhile
// /healthz is probed every 10 ms. Reports the start's MB/s, the /healthz p50/p99/max and the peak
// RSS of each process: the server (its worker threads included) and this one (file server and
// client). The file is the one explore-library-ingestion.ts generates.
// Usage: node --import tsx scripts/bench/explore-start.ts [--records N]
// Goal (issue 9): ≥ 50 MB/s, RSS < 512 MiB, /healthz p99 < 50 ms.
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Boltz from 'boltz-api';
import { generateApiKey } from '@boltz/shared';
import { startServerProcess } from '../../packages/server/test/server-process.ts';
import { EXAMPLE_TARGET } from '../../packages/server/src/families/common/small-molecule.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' } } });
const path = join(tmpdir(), `boltz-bench-library-${values.records}.csv`);
if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/bench/explore-library-ingestion.ts --records ${values.records} first`);
const size = statSync(path).size;

const files = createServer((_request, response) => createReadStream(path).pipe(response));
await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(files.address() as { port: number }).port}/library.csv`;
const dataDir = mkdtempSync(join(tmpdir(), 'boltz-bench-explore-'));
const testAdminKey = generateApiKey('admin', 'test');
const server = await startServerProcess({
  BOLTZ_DATA_DIR: dataDir,
  BOLTZ_RUN_FROM_SOURCE: '0',
  LOG_LEVEL: 'warn',
  BOLTZ_ALLOW_PRIVATE_URLS: 'true',
  BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: testAdminKey,
});
const client = new Boltz({ apiKey: testAdminKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
// A fresh server compiles its request validators in the background during its first seconds
// (packages/server/src/plugins/validation.ts), some for hundreds of milliseconds: measure after.
await new Promise((resolve) => setTimeout(resolve, 5000));

const probes: number[] = [];
let probing = true;
const probe = (async () => {
  while (probing) {
    const began = performance.now();
    await fetch(`${server.baseURL}/healthz`);
    probes.push(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
})();
const began = performance.now();
let outcome = 'started';
try {
  const run = await client.smallMolecule.explore.start({ budget: 10, library: { format: 'csv', smiles_column: 'smiles', id_column: 'compound_id', source: { type: 'url', url } }, target: EXAMPLE_TARGET as never });
  await client.smallMolecule.explore.stop(run.id);
} catch (error) {
  outcome = `refused: ${(error as Error).message}`;
}
const seconds = (performance.now() - began) / 1000;
probing = false;
await probe;
probes.sort((a, b) => a - b);
const at = (p: number) => probes[Math.min(probes.length - 1, Math.ceil(p * probes.length) - 1)].toFixed(1);
/** Linux `VmHWM`: the process's peak resident memory, its threads included. */
const serverPeakMiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024;
const ownPeakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `explore start, ${(size / 2 ** 20).toFixed(0)} MiB library by URL: ${outcome} in ${seconds.toFixed(2)} s, ${(size / 1e6 / seconds).toFixed(0)} MB/s; ` +
    `/healthz p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${probes.at(-1)!.toFixed(1)} ms (${probes.length} probes); ` +
    `peak RSS: server ${serverPeakMiB.toFixed(0)} MiB, file server + client ${ownPeakMiB.toFixed(0)} MiB\n` +
    `goal ≥ 50 MB/s, server < 512 MiB, /healthz p99 < 50 ms: ${outcome === 'started' && size / 1e6 / seconds >= 50 && serverPeakMiB < 512 && Number(at(0.99)) < 50 ? 'met' : 'MISSED'}\n`,
);
await server.stop();
files.close();
rmSync(dataDir, { recursive: true, force: true });
