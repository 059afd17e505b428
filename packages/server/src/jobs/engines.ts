import type { Chemistry } from '@boltz/chemistry';
import { type EngineProbe, type JobInput, type PipelineEngine, type PipelineKind, type PredictionEngine, type PredictionKind, createSyntheticEngine, probeEngine } from '@boltz/engines';
import { ConfigError } from '../config.ts';
import type { JobMode } from '@boltz/shared';
import type { RunnableKinds } from '@boltz/storage';
import type { PipelineFamily, PredictionFamily } from '../families/family.ts';
import { FAMILIES } from '../families/registry.ts';
import type { JobsConfig } from './config.ts';

/**
 * Which engine runs a job (DESIGN.md "engines behind one interface"): test mode → the family's
 * synthetic engine; live mode → the live engine the deployment configures for it, if any. Live
 * engines are built once, at start-up.
 */
export class EngineSet {
  private readonly livePredictions = new Map<PredictionKind, PredictionEngine>();
  private readonly livePipelines = new Map<PipelineKind, PipelineEngine<PipelineKind>>();
  private readonly testPipelines = new Map<PipelineKind, PipelineEngine<PipelineKind>>();

  constructor(private readonly config: JobsConfig) {
    for (const family of FAMILIES) {
      if (family.type === 'prediction') {
        const live = family.engines.live(config);
        if (live) this.livePredictions.set(family.kind, live);
      } else {
        const live = family.engines.live(config);
        if (live) this.livePipelines.set(family.kind, live);
        this.testPipelines.set(family.kind, family.engines.test(config.testTiming));
      }
    }
    // A misconfigured executable is a start-up error, not an ENOENT per job (README "Live engines").
    const unrunnable = this.probes().filter((probe) => !probe.runnable);
    if (unrunnable.length > 0) throw new ConfigError(unrunnable.flatMap((probe) => probe.problems).join('; '));
  }

  /** Health of every configured live engine (start-up and `/readyz`). */
  probes(): EngineProbe[] {
    const probes: EngineProbe[] = [];
    const boltz = this.config.boltzEngine;
    if (boltz) {
      const families = [...this.livePredictions.keys()];
      probes.push(probeEngine({ engine: 'boltz', setting: 'BOLTZ_ENGINE_EXECUTABLE', executable: boltz.executable, families, version: this.livePredictions.get('structure_and_binding')?.version }));
    }
    for (const engine of this.livePipelines.values()) {
      const probe = engine.probe?.();
      if (!probe) continue;
      // One executable serving several families (BoltzGen: design and redesign) is one engine.
      const same = probes.find((other) => other.setting === probe.setting && other.executable === probe.executable);
      if (same) same.families.push(...probe.families.filter((family) => !same.families.includes(family)));
      else probes.push({ ...probe, families: [...probe.families] });
    }
    return probes;
  }

  /** At start-up: engine processes of runs whose server was killed (packages/engines/src/live/run-folders.ts). */
  async endOrphanedProcesses(): Promise<number> {
    let ended = 0;
    for (const engine of this.livePipelines.values()) ended += (await engine.endOrphanedProcesses?.()) ?? 0;
    return ended;
  }

  /** The version a new job will run with; undefined when nothing here can run it (live → 501). */
  versionFor(mode: JobMode, family: PredictionFamily | PipelineFamily): string | undefined {
    if (family.type === 'prediction') return mode === 'test' ? TEST_PREDICTION_VERSION : this.livePredictions.get(family.kind)?.version;
    return (mode === 'test' ? this.testPipelines : this.livePipelines).get(family.kind)?.version;
  }

  /** Fields of an input the live engine cannot honour, by path (→ 422 at start); test mode honours everything. */
  admissionProblems<K extends PipelineKind>(mode: JobMode, family: PipelineFamily<K>, input: JobInput<K>): Record<string, string> {
    if (mode === 'test') return {};
    return this.pipelineEngine(mode, family)?.admissionProblems?.(input) ?? {};
  }

  /** Which jobs this process's runners claim. */
  runnable(): RunnableKinds {
    return { test: FAMILIES.map((family) => family.kind), live: [...this.livePredictions.keys(), ...this.livePipelines.keys()] };
  }

  pendingMs(mode: JobMode, family: PredictionFamily | PipelineFamily): number {
    return mode === 'test' ? family.testPendingMs[this.config.testTiming] : 0;
  }

  predictionEngine<K extends PredictionKind>(mode: JobMode, family: PredictionFamily<K>, input: JobInput<K>, chemistry: Chemistry): PredictionEngine | undefined {
    return mode === 'test' ? family.engines.test(this.config.testTiming, input, chemistry) : this.livePredictions.get(family.kind);
  }

  pipelineEngine<K extends PipelineKind>(mode: JobMode, family: PipelineFamily<K>): PipelineEngine<K> | undefined {
    return (mode === 'test' ? this.testPipelines : this.livePipelines).get(family.kind) as PipelineEngine<K> | undefined;
  }
}

const TEST_PREDICTION_VERSION = createSyntheticEngine().version;
