import autocannon from 'autocannon';

/** One HTTP request that a benchmark repeats. */
export interface BenchRequest {
  /** `bare-fastify`: the baseline process instead of boltz-server. */
  target?: 'bare-fastify';
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers: a benchmark of failures measures nothing. */
  failures: number;
  /** Server CPU time per request, when the server's CPU clock can be read. */
  cpuMicrosPerRequest?: number;
}

async function fire(baseURL: string, request: BenchRequest, connections: number, durationSeconds: number) {
  return autocannon({
    url: baseURL + request.path,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections,
    duration: durationSeconds,
  });
}

/** Warms the route up (JIT, caches, connection set-up), then measures it under steady load. */
export async function measure(
  baseURL: string,
  request: BenchRequest,
  settings: LoadSettings,
  serverCpuSeconds: () => number | undefined,
): Promise<Measurement> {
  if (settings.warmupSeconds > 0) await fire(baseURL, request, settings.connections, settings.warmupSeconds);
  const cpuBefore = serverCpuSeconds();
  const result = await fire(baseURL, request, settings.connections, settings.durationSeconds);
  const cpuAfter = serverCpuSeconds();
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
    cpuMicrosPerRequest:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Several rounds of one scenario: the median of each figure, and every failure counted. */
export function medianOfRounds(rounds: Measurement[]): Measurement {
  const cpu = rounds.map((round) => round.cpuMicrosPerRequest).filter((value): value is number => value !== undefined);
  return {
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    failures: rounds.reduce((sum, round) => sum + round.failures, 0),
    cpuMicrosPerRequest: cpu.length === rounds.length ? median(cpu) : undefined,
  };
}
