import { loadChemistry } from '@boltz/chemistry';
import { type PredictionEngine, createBoltzEngine, createSyntheticEngine } from '@boltz/engines';
import type { JobMode, PredictionKind } from '@boltz/storage';
import { structureTokens } from '../predictions/structure-and-binding/tokens.ts';
import type { JobsConfig, TestTiming } from './config.ts';

/**
 * Test-mode timing presets (spec/ENGINE.md §9): how long a job stays `pending`, then
 * `running`. `fast` lets clients see both states within a second; `realistic` matches the
 * polling rates of the official clients; `instant` is for clients' own unit tests.
 */
const PENDING_MS: Record<TestTiming, Record<PredictionKind, number>> = {
  instant: { structure_and_binding: 0, adme: 0 },
  fast: { structure_and_binding: 100, adme: 100 },
  realistic: { structure_and_binding: 10_000, adme: 1_000 },
};

async function realisticRunningMs(kind: PredictionKind, input: any): Promise<number> {
  if (kind === 'adme') return Math.min(5_000, 1_000 + 30 * input.molecules.length);
  // 20–90 s, growing with the work: tokens × samples (a 51-residue protein, 1 sample ≈ 20 s).
  const work = structureTokens(input, await loadChemistry()) * (input.num_samples ?? 1);
  return Math.round(20_000 + 70_000 * Math.min(1, work / 5_000));
}

/** Which engine runs a job: test mode → synthetic; live mode → the configured live engine. */
export class EngineSet {
  private readonly live?: PredictionEngine;

  constructor(private readonly config: JobsConfig) {
    const boltz = config.boltzEngine;
    this.live = boltz ? createBoltzEngine(boltz) : undefined;
  }

  /** Undefined when nothing here can run that job: live starts then answer 501. */
  versionFor(mode: JobMode, kind: PredictionKind): string | undefined {
    if (mode === 'test') return createSyntheticEngine().version;
    return this.live?.supports(kind) ? this.live.version : undefined;
  }

  /** Modes this process can run, i.e. which jobs its runners claim. */
  runnableModes(): JobMode[] {
    return this.live ? ['test', 'live'] : ['test'];
  }

  pendingMs(mode: JobMode, kind: PredictionKind): number {
    return mode === 'test' ? PENDING_MS[this.config.testTiming][kind] : 0;
  }

  async engineFor(mode: JobMode, kind: PredictionKind, input: any): Promise<PredictionEngine | undefined> {
    if (mode === 'live') return this.live?.supports(kind) ? this.live : undefined;
    const timing = this.config.testTiming;
    const runningMs = timing === 'instant' ? 0 : timing === 'fast' ? 300 : await realisticRunningMs(kind, input);
    return createSyntheticEngine({ runningMs });
  }
}
