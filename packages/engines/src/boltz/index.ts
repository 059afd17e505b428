import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChemistry } from '@boltz/chemistry';
import { EngineFailure, withoutHostPaths } from '../engine-failure.ts';
import { pythonPackageVersion } from '../live/probe.ts';
import type { EngineOutcome, PredictionEngine } from '../engine.ts';
import { classifyFailure } from './failure.ts';
import { readBoltzOutput } from './output.ts';
import { runProcess } from './process.ts';
import { OUT_DIR, toBoltzRequest, type BoltzDeployment } from './request.ts';

export { needsAutomaticMsa, toBoltzRequest, type BoltzDeployment, type BoltzRequest } from './request.ts';
export { readBoltzOutput, chainOrder } from './output.ts';
export { classifyFailure, type ProcessResult } from './failure.ts';
export { pdbTemplateToMmcif } from './pdb-template.ts';

export interface BoltzEngineOptions extends BoltzDeployment {
  /** The `boltz` command (absolute path or a name on PATH). */
  executable: string;
  /** Per-job limit (spec/ENGINE.md §7); default 2 hours. */
  timeoutMs?: number;
  /** The installed `boltz` package version for `version`; detected from the executable's Python when omitted. */
  packageVersion?: string;
  /** Keep each job's full engine log here as `<job id>.log` (the work dir is removed after the job). */
  logDir?: string;
}

const DEFAULT_TIMEOUT_MS = 2 * 60 * 60 * 1000;

/**
 * The live engine: the open-source Boltz-2 model through `boltz predict` (spec/ENGINE.md).
 * Structure-and-binding only; ADME and the pipelines have no open-source engine (§8).
 */
export function createBoltzEngine(options: BoltzEngineOptions): PredictionEngine {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const packageVersion = options.packageVersion ?? pythonPackageVersion(options.executable, 'boltz') ?? 'unknown version';
  // The package ships Boltz-2 weights; the wire keeps `model: "boltz-2.1"` (§1).
  const version = `boltz2 (boltz ${packageVersion})`;
  const failed = (error: { code: string; message: string; details?: Record<string, string> }): EngineOutcome => ({ status: 'failed', version, error });

  return {
    version,
    supports: (kind) => kind === 'structure_and_binding',
    async run(job, files, signal) {
      if (job.kind !== 'structure_and_binding') return failed({ code: 'engine_unavailable', message: `No live engine for ${job.kind}.` });
      try {
        const request = toBoltzRequest(job, options, await loadChemistry());
        await mkdir(job.workDir, { recursive: true });
        await writeFile(join(job.workDir, `${job.id}.yaml`), request.yamlText);
        for (const file of request.files) await writeFile(join(job.workDir, file.name), file.data);
        if (options.logDir) await mkdir(options.logDir, { recursive: true });
        const result = await runProcess(options.executable, request.args, {
          cwd: job.workDir,
          timeoutMs,
          signal,
          logPath: options.logDir ? join(options.logDir, `${job.id}.log`) : undefined,
        });
        const error = classifyFailure(result, timeoutMs);
        if (error) return failed(error);
        const output = await readBoltzOutput(join(job.workDir, OUT_DIR), job.id, job, files, result.log);
        return { status: 'succeeded', version, output };
      } catch (error) {
        if (error instanceof EngineFailure) return failed(error.toJobError());
        return failed({ code: 'engine_failed', message: withoutHostPaths(`The engine could not run: ${(error as Error).message}`) });
      }
    },
  };
}
