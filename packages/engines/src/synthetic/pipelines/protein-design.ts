import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { loadChemistry } from '@boltz/chemistry';
import { tarGz } from '../../archive.ts';
import type { InputFile } from '../../engine.ts';
import type { JobInput, ResultDraft } from '../../job-types.ts';
import { npz } from '../../npz.ts';
import type { PipelineEngine } from '../../pipeline.ts';
import { type DesignPlan, HYDROPHOBIC, type PlannedChain, type SequenceFilters, isDesigned, planProteinDesign, plannedEntity } from '../../protein/design-plan.ts';
import { AMINO_ACIDS } from '../../protein/sequence-dsl.ts';
import { type Random, seededRandom } from '../random.ts';
import { ipsaeMin, minInteractionPae, resultStructure } from './result-structure.ts';

/**
 * Test-mode protein design (spec/API.md §10, spec/PIPELINE-ENGINES.md §6): every design is a
 * deterministic function of (run id, result index). Its designed residues honour the request's
 * DSL lengths, motifs and filters; its structure and metrics come from the synthetic structure
 * engine, so iptm, PAE and coordinates agree. Files are not stored: the archive and structure of
 * result k are re-created from the same seed when downloaded (`renderFile`), so a free run of a
 * million designs costs rows, not disk.
 */
export interface SyntheticPipelineTiming {
  /** Results per committed batch. */
  batchSize: number;
  /** Pause before each batch (ms), so clients can watch a run progress and stop it. */
  intervalMs: number;
}

export const SYNTHETIC_PIPELINE_VERSION = 'synthetic-pipelines-1';

/** Relative frequencies of amino acids in natural proteins (UniProt), by one-letter code. */
const BACKGROUND: Record<string, number> = {
  A: 8.3, R: 5.5, N: 4.1, D: 5.5, C: 1.4, Q: 3.9, E: 6.8, G: 7.1, H: 2.3, I: 5.9,
  L: 9.7, K: 5.8, M: 2.4, F: 3.9, P: 4.7, S: 6.6, T: 5.4, W: 1.1, Y: 2.9, V: 6.9,
};

function pick(random: Random, letters: readonly string[]): string {
  const total = letters.reduce((sum, letter) => sum + BACKGROUND[letter], 0);
  let at = random.next() * total;
  for (const letter of letters) {
    at -= BACKGROUND[letter];
    if (at < 0) return letter;
  }
  return letters[letters.length - 1];
}

function matchesMotif(sequence: string, start: number, motif: string): boolean {
  for (let k = 0; k < motif.length; k++) if (motif[k] !== 'X' && sequence[start + k] !== motif[k]) return false;
  return true;
}

/** A designed segment of `length` residues that passes `filters`. */
function designSegment(length: number, filters: SequenceFilters, random: Random): string {
  const allowed = [...AMINO_ACIDS].filter((letter) => !filters.excluded.has(letter));
  const polar = allowed.filter((letter) => !HYDROPHOBIC.includes(letter));
  const residues = Array.from({ length }, () => pick(random, allowed));
  const maxHydrophobic = filters.maxHydrophobicFraction === undefined ? length : Math.floor(filters.maxHydrophobicFraction * length);
  let hydrophobic = residues.filter((letter) => HYDROPHOBIC.includes(letter)).length;
  for (let i = 0; hydrophobic > maxHydrophobic && polar.length > 0 && i < length; i++) {
    if (HYDROPHOBIC.includes(residues[i])) {
      residues[i] = pick(random, polar);
      hydrophobic--;
    }
  }
  // Rewrite any window that matches an excluded motif at its first non-wildcard position.
  for (let pass = 0; pass < 20; pass++) {
    let clean = true;
    const sequence = residues.join('');
    for (const motif of filters.excludedMotifs) {
      for (let start = 0; start + motif.length <= length; start++) {
        if (!matchesMotif(sequence, start, motif)) continue;
        clean = false;
        const offset = [...motif].findIndex((letter) => letter !== 'X');
        const keepsPolar = !HYDROPHOBIC.includes(motif[offset]);
        const choices = (keepsPolar ? polar : allowed).filter((letter) => letter !== motif[offset]);
        residues[start + offset] = pick(random, choices.length > 0 ? choices : allowed.filter((letter) => letter !== motif[offset]));
      }
    }
    if (clean) break;
  }
  return residues.join('');
}

/** Each chain of the option with its designed segments filled in, plus which residues were designed. */
function designChains(chains: PlannedChain[], random: Random): Array<PlannedChain & { sequence: string; designed: string }> {
  return chains.map((chain) => {
    let sequence = '';
    let designed = '';
    for (const segment of chain.segments) {
      if (segment.kind === 'fixed') sequence += segment.sequence;
      else {
        const part = designSegment(segment.min + Math.floor(random.next() * (segment.max - segment.min + 1)), segment.filters, random);
        sequence += part;
        designed += part;
      }
    }
    return { ...chain, sequence, designed };
  });
}

/** Helix / sheet / loop fractions from residue propensities (Chou–Fasman classes), summing to 1. */
export function secondaryStructureFractions(sequence: string): { helix_fraction: number; sheet_fraction: number; loop_fraction: number } {
  if (sequence.length <= 5) return { helix_fraction: 0, sheet_fraction: 0, loop_fraction: 1 };
  const count = (letters: string) => [...sequence].filter((letter) => letters.includes(letter)).length / sequence.length;
  const helix = Math.min(0.9, 1.1 * count('AELMQKRH'));
  const sheet = Math.min(0.9 - helix * 0.5, 0.8 * count('VIYFWT'));
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const helixFraction = round(helix);
  const sheetFraction = round(Math.max(0, Math.min(1 - helixFraction, sheet)));
  return { helix_fraction: helixFraction, sheet_fraction: sheetFraction, loop_fraction: round(1 - helixFraction - sheetFraction) };
}

interface Design {
  row: Omit<ResultDraft<'protein_design'>, 'artifacts'>;
  files: { cif: string; paeNpz: Buffer; metricsJson: Buffer };
}

/** Design number `seq` of run `runId`: the same every time it is asked for. */
async function design(runId: string, plan: DesignPlan, seq: number): Promise<Design> {
  const random = seededRandom(runId, `design ${seq}`);
  const option = plan.binders[Math.floor(random.next() * plan.binders.length)];
  const binder = designChains(option.chains, random);
  const entities = [...plan.target.map((chain) => plannedEntity(chain)), ...binder.map((chain) => plannedEntity(chain, chain.sequence))];
  const binderIds = binder.filter(isDesigned).map((chain) => chain.id);
  const targetIds = plan.target.map((chain) => chain.id);
  const proteinTarget = plan.target.some((chain) => chain.type === 'protein');
  const binding = proteinTarget && binderIds.length > 0 ? { type: 'protein_protein_binding' as const, binder_chain_ids: binderIds } : undefined;
  const structure = resultStructure(entities, binding, await loadChemistry(), `${runId}/${seq}`);
  const fractions = secondaryStructureFractions(binder.map((chain) => chain.designed).join(''));
  const metrics =
    plan.shape === 'generic'
      ? { structure_confidence: structure.metrics.structure_confidence, ...fractions }
      : {
          binding_confidence: structure.binding?.binding_confidence ?? structure.metrics.iptm,
          iptm: structure.metrics.iptm,
          min_interaction_pae: minInteractionPae(structure, binderIds, targetIds),
          structure_confidence: structure.metrics.structure_confidence,
          ...fractions,
          ipsae_min: ipsaeMin(structure, binderIds, targetIds),
        };
  const warnings = metrics.structure_confidence < 0.6 ? [{ code: 'low_confidence', message: 'The predicted structure of this design has low confidence.' }] : undefined;
  const row = {
    ...(plan.shape === 'legacy' ? {} : { type: plan.shape }),
    entities,
    metrics,
    ...(warnings ? { warnings } : {}),
  } as Design['row'];
  return {
    row,
    files: {
      cif: structure.cif,
      paeNpz: npz({ pae: structure.pae }),
      metricsJson: Buffer.from(JSON.stringify(metrics, null, 2) + '\n'),
    },
  };
}

function planOf(input: JobInput<'protein_design'>, files: ReadonlyMap<string, InputFile>): DesignPlan {
  const plan = planProteinDesign(input, files);
  // The server validated the same input against the same files at start.
  if ('errors' in plan) throw new Error(`protein design input does not plan: ${JSON.stringify(plan.errors)}`);
  return plan;
}

/**
 * A result archive holds `result/{metrics.json, predicted_structure.cif, pae.npz}`; the CLI extracts
 * it to `results/<result id>/files/result/…`, the layout the official agent skills read
 * (spec/API.md §10 names the structure `predicted_structure.cif`; the skills find it through
 * `paths.structure` of `results/index.jsonl`, whatever its name).
 */
const ARCHIVE = 'archive.tar.gz';
const STRUCTURE = 'predicted_structure.cif';

export function createSyntheticProteinDesignEngine(timing: SyntheticPipelineTiming): PipelineEngine<'protein_design'> {
  return {
    version: SYNTHETIC_PIPELINE_VERSION,
    async run(run, sink, signal) {
      const plan = planOf(run.input, run.inputFiles);
      const total = run.input.num_proteins;
      for (let next = run.resultCount; next < total; ) {
        // Even `instant` runs let the process serve requests between batches.
        if (timing.intervalMs > 0) await sleep(timing.intervalMs, undefined, { signal }).catch(() => undefined);
        else await yieldToEventLoop();
        if (signal.aborted) return { status: 'failed', error: { code: 'interrupted', message: 'The run was interrupted.' } };
        const count = Math.min(timing.batchSize, total - next);
        const results: Array<ResultDraft<'protein_design'>> = [];
        for (let seq = next; seq < next + count; seq++) {
          const { row } = await design(run.id, plan, seq);
          results.push({
            ...row,
            artifacts: {
              archive: sink.files.defer(ARCHIVE, 'application/gzip', `${seq}/archive`),
              structure: sink.files.defer(STRUCTURE, 'chemical/x-cif', `${seq}/structure`),
            },
          } as ResultDraft<'protein_design'>);
        }
        next += count;
        await sink.commit({ results, progress: { num_proteins_generated: next, total_proteins_to_generate: total }, checkpoint: { next }, billedUnits: count });
      }
      return { status: 'succeeded' };
    },
    async renderFile(run, recipe) {
      const [seqText, which] = recipe.split('/');
      const { files } = await design(run.id, planOf(run.input, run.inputFiles), Number(seqText));
      if (which === 'structure') return Buffer.from(files.cif);
      return tarGz([
        { path: 'result/metrics.json', data: files.metricsJson },
        { path: `result/${STRUCTURE}`, data: Buffer.from(files.cif) },
        { path: 'result/pae.npz', data: files.paeNpz },
      ]);
    },
  };
}
