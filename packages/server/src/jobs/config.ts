import { ConfigError, integer } from '../config.ts';

export type TestTiming = 'fast' | 'realistic' | 'instant';

/** The live engine: the open-source `boltz predict` on this host (spec/ENGINE.md §3). */
export interface BoltzEngineConfig {
  executable: string;
  cacheDir: string;
  msaServerUrl?: string;
  maxParallelSamples?: number;
  usePotentials: boolean;
  noKernels: boolean;
  seed?: number;
  /** Glycans through multi-residue CCD ligands are experimental (ENGINE.md §8). */
  glycans: boolean;
  timeoutMs: number;
  /** Keep each job's full engine log here (ENGINE.md §7). */
  logDir?: string;
}

/** Protein design on BoltzGen (spec/PIPELINE-ENGINES.md §1, §4.2; README "Live engines"). */
export interface BoltzGenEngineConfig {
  executable: string;
  /** Persistent per-run folders: a resumed or taken-over run reruns its chunk here with `--reuse`. */
  workDir: string;
  cacheDir?: string;
  checkpointDir?: string;
  nanobodyScaffolds?: string[];
  chunkDesigns: number;
  chunkTimeoutMs: number;
  devices?: number;
  logDir?: string;
}

/** An operator executable following docs/engine-contract.md, for a family without an open-source engine. */
export interface ContractEngineConfig {
  executable: string;
  /** Persistent per-run folders (resume reruns the executable in the same folder). */
  workDir: string;
}

/** Families an operator can plug an executable into (spec/PIPELINE-ENGINES.md §4.7): BOLTZ_PIPELINE_ENGINE_<FAMILY>. */
export const CONTRACT_FAMILIES = ['small_molecule_design', 'small_molecule_explore'] as const;
export type ContractFamily = (typeof CONTRACT_FAMILIES)[number];

/** Settings of the job runners, files and retention (README "Configuration"). */
export interface JobsConfig {
  /** BOLTZ_RUNNERS=0: this process serves HTTP only; `boltz-server worker` runs the jobs. */
  runInProcess: boolean;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  testTiming: TestTiming;
  retentionSweepMs: number;
  /** Undefined: no live engine, live starts answer 501 (DESIGN.md). */
  boltzEngine?: BoltzEngineConfig;
  /** Undefined: protein design has no live engine (live starts → 501). */
  boltzGenEngine?: BoltzGenEngineConfig;
  /** Operator executables by family; a family without one answers live starts with 501. */
  contractEngines: Partial<Record<ContractFamily, ContractEngineConfig>>;
  /** BOLTZ_PIPELINE_ENGINE_WORK_DIR: persistent run folders of the live pipeline engines, one folder per family. */
  pipelineWorkDir: string;
  files: {
    urlSigningSecret?: string;
    urlLifetimeSeconds: number;
    inputMaxBytes: number;
    /** BOLTZ_INPUT_URLS_MAX: `{type: "url"}` file inputs one job may have. */
    inputUrlsMax: number;
    /** BOLTZ_INPUT_FETCH_TOTAL_MAX_BYTES: bytes fetched for one job's URL inputs together. */
    inputFetchTotalMaxBytes: number;
    inputFetchTimeoutMs: number;
    /** BOLTZ_LIBRARY_FILE_MAX_BYTES: size cap of a streamed file input (an explore library), kept on disk rather than in memory. */
    libraryMaxBytes: number;
    /** BOLTZ_LIBRARY_URL_TIMEOUT_MS: time to download a streamed file input. */
    libraryFetchTimeoutMs: number;
    allowPrivateUrls: boolean;
  };
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function testTiming(raw: string | undefined): TestTiming {
  if (raw === undefined || raw === '') return 'fast';
  if (raw === 'fast' || raw === 'realistic' || raw === 'instant') return raw;
  throw new ConfigError(`BOLTZ_TEST_TIMING must be fast, realistic or instant (got "${raw}")`);
}

function boltzEngine(env: NodeJS.ProcessEnv): BoltzEngineConfig | undefined {
  const executable = env.BOLTZ_ENGINE_EXECUTABLE;
  if (!executable) return undefined;
  return {
    executable,
    cacheDir: env.BOLTZ_ENGINE_CACHE || `${env.HOME ?? '.'}/.boltz`,
    msaServerUrl: env.BOLTZ_ENGINE_MSA_SERVER_URL || undefined,
    maxParallelSamples: env.BOLTZ_ENGINE_MAX_PARALLEL_SAMPLES ? integer(env, 'BOLTZ_ENGINE_MAX_PARALLEL_SAMPLES', 5, 1, 100) : undefined,
    usePotentials: flag(env, 'BOLTZ_ENGINE_USE_POTENTIALS', false),
    noKernels: flag(env, 'BOLTZ_ENGINE_NO_KERNELS', false),
    seed: env.BOLTZ_ENGINE_SEED ? integer(env, 'BOLTZ_ENGINE_SEED', 0, 0, 2 ** 31 - 1) : undefined,
    glycans: flag(env, 'BOLTZ_ENGINE_GLYCANS', false),
    // ENGINE.md §7: a per-job timeout, 2 h by default.
    timeoutMs: integer(env, 'BOLTZ_ENGINE_TIMEOUT_SECONDS', 7200, 1, 7 * 86_400) * 1000,
    logDir: env.BOLTZ_ENGINE_LOG_DIR || undefined,
  };
}

function boltzGenEngine(env: NodeJS.ProcessEnv): BoltzGenEngineConfig | undefined {
  const executable = env.BOLTZ_BOLTZGEN_EXECUTABLE;
  if (!executable) return undefined;
  const scaffolds = env.BOLTZ_BOLTZGEN_NANOBODY_SCAFFOLDS;
  return {
    executable,
    workDir: env.BOLTZ_BOLTZGEN_WORK_DIR || `${env.HOME ?? '.'}/.boltz-server/boltzgen-runs`,
    cacheDir: env.BOLTZ_BOLTZGEN_CACHE || undefined,
    checkpointDir: env.BOLTZ_BOLTZGEN_CHECKPOINT_DIR || undefined,
    // A list of BoltzGen scaffold YAMLs, separated like PATH.
    nanobodyScaffolds: scaffolds ? scaffolds.split(':').filter(Boolean) : undefined,
    chunkDesigns: integer(env, 'BOLTZ_BOLTZGEN_CHUNK_DESIGNS', 10, 1, 10_000),
    chunkTimeoutMs: integer(env, 'BOLTZ_BOLTZGEN_CHUNK_TIMEOUT_SECONDS', 6 * 3600, 1, 7 * 86_400) * 1000,
    devices: env.BOLTZ_BOLTZGEN_DEVICES ? integer(env, 'BOLTZ_BOLTZGEN_DEVICES', 1, 1, 64) : undefined,
    logDir: env.BOLTZ_ENGINE_LOG_DIR || undefined,
  };
}

function pipelineWorkDir(env: NodeJS.ProcessEnv): string {
  return env.BOLTZ_PIPELINE_ENGINE_WORK_DIR || `${env.HOME ?? '.'}/.boltz-server/pipeline-runs`;
}

function contractEngines(env: NodeJS.ProcessEnv): Partial<Record<ContractFamily, ContractEngineConfig>> {
  const workRoot = pipelineWorkDir(env);
  const engines: Partial<Record<ContractFamily, ContractEngineConfig>> = {};
  for (const family of CONTRACT_FAMILIES) {
    const executable = env[`BOLTZ_PIPELINE_ENGINE_${family.toUpperCase()}`];
    if (executable) engines[family] = { executable, workDir: `${workRoot}/${family}` };
  }
  return engines;
}

export function loadJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  return {
    runInProcess: flag(env, 'BOLTZ_RUNNERS', true),
    concurrency: integer(env, 'BOLTZ_RUNNER_CONCURRENCY', 2, 1, 256),
    leaseMs: integer(env, 'BOLTZ_JOB_LEASE_MS', 30_000, 500, 3_600_000),
    pollMs: integer(env, 'BOLTZ_RUNNER_POLL_MS', 250, 10, 60_000),
    testTiming: testTiming(env.BOLTZ_TEST_TIMING),
    retentionSweepMs: integer(env, 'BOLTZ_RETENTION_SWEEP_MS', 60_000, 50, 86_400_000),
    boltzEngine: boltzEngine(env),
    boltzGenEngine: boltzGenEngine(env),
    contractEngines: contractEngines(env),
    pipelineWorkDir: pipelineWorkDir(env),
    files: {
      urlSigningSecret: env.BOLTZ_URL_SIGNING_SECRET || undefined,
      urlLifetimeSeconds: integer(env, 'BOLTZ_FILE_URL_TTL_SECONDS', 3600, 1, 7 * 86_400),
      inputMaxBytes: integer(env, 'BOLTZ_INPUT_FILE_MAX_BYTES', 25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
      inputUrlsMax: integer(env, 'BOLTZ_INPUT_URLS_MAX', 16, 0, 1000),
      inputFetchTotalMaxBytes: integer(env, 'BOLTZ_INPUT_FETCH_TOTAL_MAX_BYTES', 100 * 1024 * 1024, 1, 16 * 1024 * 1024 * 1024),
      inputFetchTimeoutMs: integer(env, 'BOLTZ_INPUT_URL_TIMEOUT_MS', 10_000, 100, 600_000),
      // The API's explore library limit (spec/API.md §10) is the default.
      libraryMaxBytes: integer(env, 'BOLTZ_LIBRARY_FILE_MAX_BYTES', 375 * 1024 * 1024, 1, 16 * 1024 * 1024 * 1024),
      libraryFetchTimeoutMs: integer(env, 'BOLTZ_LIBRARY_URL_TIMEOUT_MS', 300_000, 100, 3_600_000),
      allowPrivateUrls: flag(env, 'BOLTZ_ALLOW_PRIVATE_URLS', false),
    },
  };
}
