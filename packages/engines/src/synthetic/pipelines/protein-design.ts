import type { InputFile } from '../../engine.ts';
import type { JobInput } from '../../job-types.ts';
import type { PipelineEngine } from '../../pipeline.ts';
import { type DesignPlan, HYDROPHOBIC, type PlannedChain, type SequenceFilters, isDesigned, matchesMotif, planProteinDesign } from '../../protein/design-plan.ts';
import { AMINO_ACIDS } from '../../protein/sequence-dsl.ts';
import { type Random, seededRandom } from '../random.ts';
import type { SyntheticPipelineTiming } from './batch-loop.ts';
import { type PositionOutcome, createSyntheticPipelineEngine } from './batches.ts';
import { binderMetrics, entityOf, epitopeRestraints, genericMetrics, proteinResult, resultStructure, secondaryStructureFractions } from './result-structure.ts';

/**
 * Test-mode protein design (spec/API.md §10, spec/PIPELINE-ENGINES.md §6): every design is a
 * deterministic function of (run id, result index). Its designed residues honour the request's
 * DSL lengths, motifs and filters; its structure and metrics come from the synthetic structure
 * engine, so iptm, PAE and coordinates agree. Batching, checkpoints and the re-created files are
 * the shared loop's (./batches.ts).
 */
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

/** Design number `seq` of run `runId`: the same every time it is asked for. */
async function design(runId: string, plan: DesignPlan, seq: number): Promise<PositionOutcome<'protein_design'>> {
  const random = seededRandom(runId, `design ${seq}`);
  const option = plan.binders[Math.floor(random.next() * plan.binders.length)];
  const binder = designChains(option.chains, random);
  const entities = [...plan.target.map((chain) => entityOf(chain)), ...binder.map((chain) => entityOf(chain, chain.sequence))];
  const binderIds = binder.filter(isDesigned).map((chain) => chain.id);
  const targetIds = plan.target.map((chain) => chain.id);
  const proteinTarget = plan.target.some((chain) => chain.type === 'protein');
  const binding = proteinTarget && binderIds.length > 0 ? { type: 'protein_protein_binding' as const, binder_chain_ids: binderIds } : undefined;
  const structure = await resultStructure(entities, binding, `${runId}/${seq}`, epitopeRestraints(plan.target, binderIds));
  const fractions = secondaryStructureFractions(binder.map((chain) => chain.designed).join(''));
  const metrics = plan.shape === 'generic' ? genericMetrics(structure, fractions) : binderMetrics(structure, binderIds, targetIds, fractions);
  return proteinResult<'protein_design'>(structure, { ...(plan.shape === 'legacy' ? {} : { type: plan.shape }), entities, metrics }, 'design');
}

function planOf(input: JobInput<'protein_design'>, files: ReadonlyMap<string, InputFile>): DesignPlan {
  const plan = planProteinDesign(input, files);
  // The server validated the same input against the same files at start.
  if ('errors' in plan) throw new Error(`protein design input does not plan: ${JSON.stringify(plan.errors)}`);
  return plan;
}

export function createSyntheticProteinDesignEngine(timing: SyntheticPipelineTiming): PipelineEngine<'protein_design'> {
  return createSyntheticPipelineEngine(timing, (run) => {
    const plan = planOf(run.input, run.inputFiles);
    return {
      total: run.input.num_proteins,
      at: (seq) => design(run.id, plan, seq),
      progress: ({ results }) => ({ num_proteins_generated: results, total_proteins_to_generate: run.input.num_proteins }),
    };
  });
}
