// `npm run bench`: throughput and latency of the real server process under autocannon load.
// Usage: npm run bench -- [--duration <s>] [--warmup <s>] [--connections <n>] [--rounds <n>]
//                         [--jobs <n>] [--test-timing instant|fast|realistic] [name filter…]
// A filter keeps the scenarios whose names contain it, plus the baselines they compare with;
// the filter `latency` selects the submit-to-succeeded measurement, which follows the table;
// the filter `synthetic` the synthetic engine's CPU time for a 1,000-residue complex (one core);
// the filter `cli` start-up times: boltz-api --version and a retrieve, the server to /healthz;
// the filter `explore` explore library ingestion of 5,000,000 records (~366 MiB): the reader
// alone, then an explore start fetching it by URL (scripts/bench/explore-*.ts).
// The bench builds first (scripts/build.mjs) and measures the compiled server and CLI.
// Test-mode jobs run with `instant` timing by default, so that latencies measure the server
// (queue, runners, synthetic engine, files) rather than the configured waits.
// `--rounds 3` measures every scenario three times, round-robin, and reports the medians: on a
// shared machine that keeps a burst of someone else's work from deciding a ratio.
import { availableParallelism, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startBenchServer } from './bench/context.ts';
import { type BenchRequest, type LoadSettings, type Measurement, measure, medianOfRounds } from './bench/measure.ts';
import type { Scenario } from './bench/scenario.ts';
import { SCENARIOS } from './bench/scenarios/index.ts';
import { measureCliStartup } from './bench/cli-startup.ts';
import { measureJobLatency } from './bench/job-latency.ts';
import { measureResultInsertion } from './bench/scenarios/pipelines.ts';
import { measureSyntheticEngine } from './bench/synthetic-engine.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '100' },
    'test-timing': { type: 'string', default: 'instant' },
  },
});
const rounds = Number(values.rounds);
const settings: LoadSettings = {
  durationSeconds: Number(values.duration),
  warmupSeconds: Number(values.warmup),
  connections: Number(values.connections),
};

function selectScenarios(filters: string[]): Scenario[] {
  if (filters.length === 0) return SCENARIOS;
  const wanted = new Set(SCENARIOS.filter((s) => filters.some((f) => s.name.includes(f))).map((s) => s.name));
  for (const s of SCENARIOS) if (wanted.has(s.name) && s.baseline) wanted.add(s.baseline);
  return SCENARIOS.filter((s) => wanted.has(s.name));
}

function goalVerdict(scenario: Scenario, result: Measurement, ratio: number | undefined): string {
  if (!scenario.goal) return '';
  const missed: string[] = [];
  const { minRatioToBaseline, maxP99Ms } = scenario.goal;
  if (minRatioToBaseline !== undefined && (ratio === undefined || ratio < minRatioToBaseline)) missed.push(`ratio < ${minRatioToBaseline}`);
  if (maxP99Ms !== undefined && result.p99Ms >= maxP99Ms) missed.push(`p99 ≥ ${maxP99Ms} ms`);
  return missed.length ? `MISSED (${missed.join(', ')})` : 'met';
}

/** Server and load generator share the machine: a busy one lowers throughput and raises p99. */
function machineLoad(): string {
  return `machine load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}\n`);
}

const SECTIONS = ['latency', 'synthetic', 'cli', 'explore'];
const scenarioFilters = positionals.filter((filter) => !SECTIONS.includes(filter));
const measureLatency = positionals.length === 0 || positionals.includes('latency');
const measureEngine = positionals.length === 0 || positionals.includes('synthetic');
const measureCli = positionals.length === 0 || positionals.includes('cli');
const measureExplore = positionals.length === 0 || positionals.includes('explore');
const EXPLORE_RECORDS = '5000000';
const built = spawnSync(process.execPath, [new URL('./build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('npm run build failed');
const scenarios = scenarioFilters.length === 0 && positionals.length > 0 ? [] : selectScenarios(scenarioFilters);
const server = await startBenchServer({ testTiming: values['test-timing'] });
const results = new Map<string, Measurement>();
let goalsMissed = false;
try {
  process.stdout.write(
    `boltz-server (SQLite, LOG_LEVEL=warn) at ${server.context.baseURL}; autocannon, ${settings.connections} connections, ` +
      `${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per scenario` +
      `${rounds > 1 ? `, ${rounds} rounds (medians)` : ''}\n${machineLoad()} at the start\n\n`,
  );
  if (measureEngine) {
    process.stdout.write('Synthetic engine, one thread of this process (CPU time per complex, 5 runs after a warm-up):\n');
    const timings = await measureSyntheticEngine();
    printTable([
      ['computation', 'CPU ms median', 'CPU ms max', 'wall ms median'],
      ...timings.map((t) => [t.what, t.cpuMsMedian.toFixed(0), t.cpuMsMax.toFixed(0), t.wallMsMedian.toFixed(0)]),
    ]);
    process.stdout.write('\n');
  }
  if (measureCli) {
    process.stdout.write('Start-up, wall time of whole processes (median of 10 after a warm-up; the server: 3 starts):\n');
    const timings = await measureCliStartup(server.context);
    const node = timings[0].medianMs;
    printTable([
      ['process', 'median ms', 'max ms', 'vs node -e 0', 'goal'],
      ...timings.map((t) => {
        const met = t.goalMs === undefined ? '' : t.medianMs < t.goalMs ? `met (< ${t.goalMs} ms)` : `MISSED (≥ ${t.goalMs} ms)`;
        if (met.startsWith('MISSED')) goalsMissed = true;
        return [t.what, t.medianMs.toFixed(0), t.maxMs.toFixed(0), `+${(t.medianMs - node).toFixed(0)} ms`, met];
      }),
    ]);
    process.stdout.write('\n');
  }
  if (measureExplore) {
    process.stdout.write(`Explore library ingestion, ${EXPLORE_RECORDS} records (each script in a process of its own):\n`);
    for (const script of ['explore-library-ingestion.ts', 'explore-start.ts']) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', new URL(`./bench/${script}`, import.meta.url).pathname, '--records', EXPLORE_RECORDS], { encoding: 'utf8' });
      process.stdout.write(run.stdout + run.stderr);
      if (run.status !== 0 || run.stdout.includes('MISSED')) goalsMissed = true;
    }
    process.stdout.write('\n');
  }
  // Before the load scenarios: their job submissions would leave a backlog ahead of these jobs.
  if (measureLatency) {
    process.stdout.write(`Submit-to-succeeded, test mode (BOLTZ_TEST_TIMING=${values['test-timing']}), ${values.jobs} jobs per family, 4 at a time, polled every 20 ms:\n`);
    const latencies = await measureJobLatency(server.context, { jobs: Number(values.jobs), concurrency: 4 });
    printTable([
      ['family', 'jobs/s', 'server p50 ms', 'server p99 ms', 'client p50 ms', 'client p99 ms'],
      ...latencies.map((l) => [l.family, l.jobsPerSecond.toFixed(1), String(l.serverP50Ms), String(l.serverP99Ms), String(l.clientP50Ms), String(l.clientP99Ms)]),
    ]);
    const insertion = await measureResultInsertion(server.context, 1000);
    process.stdout.write(
      `\nPipeline results, test mode: a ${insertion.results}-protein design run produced and committed ${insertion.perSecond.toFixed(0)} results/s (${insertion.seconds.toFixed(1)} s, server clock)\n\n`,
    );
  }
  const rows: string[][] = [['scenario', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'failures', 'vs baseline', 'goal']];
  // Each scenario prepares its data just before its first measurement, as a single round would.
  const requests = new Map<string, BenchRequest>();
  const samples = new Map<string, Measurement[]>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      if (!requests.has(scenario.name)) requests.set(scenario.name, await scenario.prepare(server.context));
      const load = { ...settings, connections: scenario.connections ?? settings.connections };
      const request = requests.get(scenario.name)!;
      const target = request.target === 'bare-fastify' ? server.bare : { baseURL: server.context.baseURL, cpuSeconds: server.cpuSeconds };
      samples.get(scenario.name)!.push(await measure(target.baseURL, request, load, target.cpuSeconds));
      process.stderr.write(`  measured ${scenario.name}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''}\n`);
    }
  }
  for (const scenario of scenarios) {
    const result = medianOfRounds(samples.get(scenario.name)!);
    results.set(scenario.name, result);
    const baseline = scenario.baseline ? results.get(scenario.baseline) : undefined;
    const ratio = baseline ? result.requestsPerSecond / baseline.requestsPerSecond : undefined;
    const verdict = goalVerdict(scenario, result, ratio);
    if (verdict.startsWith('MISSED') || result.failures > 0) goalsMissed = true;
    rows.push([
      scenario.name,
      result.requestsPerSecond.toFixed(0),
      String(result.p50Ms),
      String(result.p99Ms),
      result.cpuMicrosPerRequest === undefined ? '' : result.cpuMicrosPerRequest.toFixed(0),
      String(result.failures),
      ratio === undefined ? '' : `${(ratio * 100).toFixed(1)}% of ${scenario.baseline}`,
      verdict,
    ]);
  }
  if (rows.length > 1) printTable(rows);
  process.stdout.write(`\n${machineLoad()} at the end\n`);
} finally {
  await server.close();
}
process.exitCode = goalsMissed ? 1 : 0;
