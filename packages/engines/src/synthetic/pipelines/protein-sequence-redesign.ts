import type { JobInput } from '../../job-types.ts';
import type { PipelineEngine } from '../../pipeline.ts';
import { matchesMotif } from '../../protein/design-plan.ts';
import { type RedesignChain, type RedesignPlan, planSequenceRedesign, redesignSpaceSize, regionAlphabets } from '../../protein/redesign-plan.ts';
import { KeyedPermutation } from '../permutation.ts';
import { seededRandom } from '../random.ts';
import type { SyntheticPipelineTiming } from './batch-loop.ts';
import { type PositionOutcome, createSyntheticPipelineEngine } from './batches.ts';
import { binderMetrics, genericMetrics, proteinResult, resultStructure, secondaryStructureFractions } from './result-structure.ts';

/**
 * Test-mode protein sequence redesign (spec/API.md §10, spec/PIPELINE-ENGINES.md §4.3 and §6).
 * The redesigned residues of all regions form one sequence space whose alphabets honour each
 * region's excluded amino acids and hydrophobic cap by construction (redesign-plan.ts); position
 * k of the run is the k-th point of a keyed permutation of that space, so the run's sequences are
 * distinct — the SDK's "unique filter-passing redesigned proteins" — without remembering them,
 * and a point that contains an excluded motif is skipped. The backbone is fixed, so predictions
 * are more confident than de-novo designs (structure_confidence mostly 0.7–0.95).
 */
type Input = JobInput<'protein_sequence_redesign'>;

/** One redesigned residue: where it goes and the letters it may take. */
interface Slot {
  chain: number;
  residue: number;
  letters: string[];
}

interface Space {
  plan: RedesignPlan;
  slots: Slot[];
  permutation: KeyedPermutation;
}

/** The run's sequence space: which residues of each region may be hydrophobic is drawn once per run. */
function spaceOf(runId: string, plan: RedesignPlan): Space {
  const slots: Slot[] = [];
  plan.chains.forEach((chain, c) =>
    chain.regions.forEach((region, r) => {
      const { allowed, polar, hydrophobicSlots } = regionAlphabets(region);
      const random = seededRandom(runId, `hydrophobic slots ${chain.id} ${r}`);
      const order = region.residues.map((residue) => ({ residue, key: random.next() })).sort((a, b) => a.key - b.key);
      const free = new Set(order.slice(0, hydrophobicSlots).map((entry) => entry.residue));
      for (const residue of region.residues) slots.push({ chain: c, residue, letters: free.has(residue) ? allowed : polar });
    }),
  );
  return { plan, slots, permutation: new KeyedPermutation(`${runId}/sequence space`, redesignSpaceSize(plan)) };
}

/** Whether a window touching one of the region's residues spells one of its excluded motifs. */
function hasExcludedMotif(chain: RedesignChain, sequence: string): boolean {
  return chain.regions.some((region) => {
    const first = region.residues[0];
    const last = region.residues[region.residues.length - 1];
    return region.filters.excludedMotifs.some((motif) => {
      for (let start = Math.max(0, first - motif.length + 1); start <= Math.min(last, sequence.length - motif.length); start++) {
        if (region.residues.some((residue) => residue >= start && residue < start + motif.length) && matchesMotif(sequence, start, motif)) return true;
      }
      return false;
    });
  });
}

async function redesign(runId: string, space: Space, position: number): Promise<PositionOutcome<'protein_sequence_redesign'>> {
  const { plan, slots, permutation } = space;
  if (BigInt(position) >= permutation.size) {
    return { kind: 'exhausted', error: { code: 'design_space_exhausted', message: `The redesigned residues allow no further distinct sequence that passes the excluded sequence motifs (${permutation.size} tried).` } };
  }
  let point = permutation.at(BigInt(position));
  const sequences = plan.chains.map((chain) => [...chain.sequence]);
  for (const slot of slots) {
    const radix = BigInt(slot.letters.length);
    sequences[slot.chain][slot.residue] = slot.letters[Number(point % radix)];
    point /= radix;
  }
  const redesigned = plan.chains.map((chain, c) => ({ chain, sequence: sequences[c].join('') }));
  if (redesigned.some(({ chain, sequence }) => hasExcludedMotif(chain, sequence))) return { kind: 'skipped' };

  const entities = redesigned.map(({ chain, sequence }) =>
    chain.type === 'ligand_ccd' ? { type: 'ligand_ccd' as const, chain_ids: [chain.id], value: chain.value! } : { type: chain.type, chain_ids: [chain.id], value: sequence },
  );
  const ids = (role: 'target' | 'binder') => plan.chains.filter((chain) => chain.role === role).map((chain) => chain.id);
  const binderProteins = plan.chains.filter((chain) => chain.role === 'binder' && chain.type === 'protein').map((chain) => chain.id);
  const proteinTarget = plan.chains.some((chain) => chain.role === 'target' && chain.type === 'protein');
  const binding = plan.shape === 'binder' && proteinTarget && binderProteins.length > 0 ? { type: 'protein_protein_binding' as const, binder_chain_ids: binderProteins } : undefined;
  const random = seededRandom(runId, `redesign ${position}`);
  const structure = await resultStructure(entities, binding, `${runId}/${position}`, { quality: 0.6 + 0.4 * Math.sqrt(random.next()) });
  const fractions = secondaryStructureFractions(redesigned.filter(({ chain }) => chain.regions.length > 0).map(({ sequence }) => sequence).join(''));
  const metrics = plan.shape === 'binder' ? binderMetrics(structure, ids('binder'), ids('target'), fractions) : genericMetrics(structure, fractions);
  return proteinResult<'protein_sequence_redesign'>(structure, { type: plan.shape, entities, metrics }, 'redesign');
}

function planOf(input: Input, files: Parameters<typeof planSequenceRedesign>[1]): RedesignPlan {
  const plan = planSequenceRedesign(input, files);
  // The server validated the same input against the same files at start.
  if ('errors' in plan) throw new Error(`sequence redesign input does not plan: ${JSON.stringify(plan.errors)}`);
  return plan;
}

export function createSyntheticSequenceRedesignEngine(timing: SyntheticPipelineTiming): PipelineEngine<'protein_sequence_redesign'> {
  return createSyntheticPipelineEngine(timing, (run) => {
    const space = spaceOf(run.id, planOf(run.input, run.inputFiles));
    return {
      total: run.input.num_proteins,
      at: (position) => redesign(run.id, space, position),
      progress: ({ results }) => ({ num_proteins_generated: results, total_proteins_to_generate: run.input.num_proteins }),
    };
  });
}
