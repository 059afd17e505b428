// Explore library ingestion through the server: a test server (packages/server/test/harness.ts)
// fetches a generated CSV library from a local URL at `start`, checks it (the streaming reader in
// the request worker pool) and stores it; meanwhile /healthz is probed every 10 ms. Reports the
// start's MB/s, the /healthz p50/p99/max and the process's peak RSS (server, request workers and
// this client share the process). The file is the one explore-library-ingestion.ts generates.
// Usage: node --import tsx scripts/bench/explore-start.ts [--records N]
// Goal (issue 9): ≥ 50 MB/s, RSS < 512 MiB, /healthz p99 < 50 ms.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestServer } from '../../packages/server/test/harness.ts';
import { newWorkspace, workspaceKey } from '../../packages/server/test/predictions.ts';
import { EXAMPLE_TARGET } from '../../packages/server/src/families/common/small-molecule.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' } } });
const path = join(tmpdir(), `boltz-bench-library-${values.records}.csv`);
if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/bench/explore-library-ingestion.ts --records ${values.records} first`);
const size = statSync(path).size;

const files = createServer((_request, response) => createReadStream(path).pipe(response));
await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(files.address() as { port: number }).port}/library.csv`;
const limit = String(Math.max(size + 1, 25 << 20));
const server = await startTestServer({ BOLTZ_ALLOW_PRIVATE_URLS: 'true', BOLTZ_INPUT_FILE_MAX_BYTES: limit, BOLTZ_INPUT_FETCH_TOTAL_MAX_BYTES: limit, BOLTZ_INPUT_URL_TIMEOUT_MS: '600000', BOLTZ_REQUEST_TASK_TIMEOUT_MS: '600000', BOLTZ_REQUEST_TASK_MEMORY_MB: '4096' });
const client = server.client(await workspaceKey(server, await newWorkspace(server, 'bench'), 'test'));

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
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `explore start, ${(size / 2 ** 20).toFixed(0)} MiB library by URL: ${outcome} in ${seconds.toFixed(2)} s, ${(size / 1e6 / seconds).toFixed(0)} MB/s; ` +
    `/healthz p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${probes.at(-1)!.toFixed(1)} ms (${probes.length} probes); peak RSS ${peakRssMiB.toFixed(0)} MiB\n`,
);
await server.close();
files.close();
