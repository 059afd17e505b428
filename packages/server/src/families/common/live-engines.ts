import {
  type BoltzGenEngineOptions,
  type PipelineEngine,
  type ScreenAdapter,
  createBoltzScreenEngine,
  createContractEngine,
} from '@boltz/engines';
import type { BoltzGenEngineConfig, ContractFamily, JobsConfig } from '../../jobs/config.ts';

/**
 * The live pipeline engines a deployment configures (docs/live-engines.md), built from the job
 * settings: BoltzGen for protein design and sequence redesign, `boltz predict` (Boltz-2) for the
 * library screens, an operator executable (docs/engine-contract.md) for small-molecule design and
 * explore. Undefined when the setting is absent: live starts of that family answer 501.
 */
export function boltzGenOptions(config: BoltzGenEngineConfig): BoltzGenEngineOptions {
  return {
    executable: config.executable,
    workRoot: config.workDir,
    cacheDir: config.cacheDir,
    checkpointDir: config.checkpointDir,
    nanobodyScaffolds: config.nanobodyScaffolds,
    chunkDesigns: config.chunkDesigns,
    chunkTimeoutMs: config.chunkTimeoutMs,
    devices: config.devices,
    logDir: config.logDir,
  };
}

/** A library screen on the deployment's `boltz predict`: the target's MSA from the MSA server when one is set, single-sequence otherwise. */
export function boltzScreenEngine<K extends 'protein_library_screen' | 'small_molecule_library_screen'>(adapter: ScreenAdapter<K>, config: JobsConfig): PipelineEngine<K> | undefined {
  const boltz = config.boltzEngine;
  if (!boltz) return undefined;
  return createBoltzScreenEngine(adapter, {
    executable: boltz.executable,
    workRoot: `${config.pipelineWorkDir}/${adapter.kind}`,
    cacheDir: boltz.cacheDir,
    targetMsa: boltz.msaServerUrl ? 'server' : 'empty',
    msaServerUrl: boltz.msaServerUrl,
    noKernels: boltz.noKernels,
  });
}

export function contractEngine<K extends ContractFamily>(kind: K, config: JobsConfig): PipelineEngine<K> | undefined {
  const engine = config.contractEngines[kind];
  return engine && createContractEngine({ kind, executable: engine.executable, workRoot: engine.workDir });
}
