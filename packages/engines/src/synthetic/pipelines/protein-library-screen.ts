import { type Chemistry, ccdHeavyAtoms, loadChemistry } from '@boltz/chemistry';
import type { JobInput } from '../../job-types.ts';
import type { PipelineEngine } from '../../pipeline.ts';
import { type PlannedChain, freeChainId, planTarget } from '../../protein/design-plan.ts';
import type { SyntheticPipelineTiming } from './batch-loop.ts';
import { type PositionOutcome, createSyntheticPipelineEngine } from './batches.ts';
import { binderMetrics, entityOf, epitopeRestraints, proteinResult, resultStructure, secondaryStructureFractions } from './result-structure.ts';

/**
 * Test-mode protein library screen (spec/API.md §10, spec/PIPELINE-ENGINES.md §4.4 and §6):
 * candidate k is folded with the target as one complex by the synthetic structure engine, seeded
 * by (run id, k), and scored with the binder metric set; the target's epitope becomes a pocket
 * hint for the candidate. A candidate whose complex is larger than the synthetic GPU holds fails
 * as it would on a real one (out of memory): it counts in `num_proteins_failed`, produces no row
 * and bills nothing, and the run goes on.
 */
type Input = JobInput<'protein_library_screen'>;
type Candidate = Input['proteins'][number];
type CandidateEntity = Candidate['entities'][number];

/**
 * Tokens (residues plus ligand heavy atoms) of the largest complex the synthetic engine folds:
 * about what Boltz-2 fits on one 80 GB GPU. Starts accept complexes up to the structure cap of
 * the server; candidates between the two fail here.
 */
export const SYNTHETIC_SCREEN_MAX_TOKENS = 2048;

function entityTokens(entity: CandidateEntity, chemistry: Chemistry): number {
  const perCopy =
    entity.type === 'ligand_ccd'
      ? ccdHeavyAtoms(entity.value)
      : entity.type === 'ligand_smiles'
        ? (chemistry.heavyAtomCount(entity.value) ?? 0)
        : entity.type === 'glycan'
          ? entity.residues.reduce((sum, residue) => sum + ccdHeavyAtoms(residue.ccd), 0)
          : entity.value.length;
  return perCopy * entity.chain_ids.length;
}

/** The candidate's entities with chain ids the target already uses renamed to free ones (echoed renamed in the row). */
function candidateEntities(candidate: Candidate, target: readonly PlannedChain[]): CandidateEntity[] {
  const used = new Set([...target.map((chain) => chain.id), ...candidate.entities.flatMap((entity) => entity.chain_ids)]);
  const targetIds = new Set(target.map((chain) => chain.id));
  return candidate.entities.map((entity) => ({
    ...entity,
    chain_ids: entity.chain_ids.map((id) => {
      if (!targetIds.has(id)) return id;
      const free = freeChainId(used);
      used.add(free);
      return free;
    }),
  }));
}

async function screen(runId: string, target: PlannedChain[], candidates: Candidate[], index: number): Promise<PositionOutcome<'protein_library_screen'>> {
  const chemistry = await loadChemistry();
  const candidate = candidates[index];
  const entities = candidateEntities(candidate, target);
  const targetEntities = target.map((chain) => entityOf(chain));
  const tokens = [...targetEntities, ...entities].reduce((sum, entity) => sum + entityTokens(entity as CandidateEntity, chemistry), 0);
  if (tokens > SYNTHETIC_SCREEN_MAX_TOKENS) return { kind: 'failed' };

  const proteins = entities.filter((entity) => entity.type === 'protein');
  const binderIds = proteins.flatMap((entity) => entity.chain_ids);
  const targetIds = target.map((chain) => chain.id);
  const proteinTarget = target.some((chain) => chain.type === 'protein');
  const binding = proteinTarget && binderIds.length > 0 ? { type: 'protein_protein_binding' as const, binder_chain_ids: binderIds } : undefined;
  const all = [...targetEntities, ...entities] as Parameters<typeof resultStructure>[0];
  const structure = await resultStructure(all, binding, `${runId}/${index}`, epitopeRestraints(target, binderIds));
  const fractions = secondaryStructureFractions(proteins.map((entity) => entity.value).join(''));
  return proteinResult<'protein_library_screen'>(structure, { entities: all, metrics: binderMetrics(structure, binderIds, targetIds, fractions), ...(candidate.id !== undefined ? { external_id: candidate.id } : {}) }, 'candidate');
}

export function createSyntheticProteinLibraryScreenEngine(timing: SyntheticPipelineTiming): PipelineEngine<'protein_library_screen'> {
  return createSyntheticPipelineEngine(timing, (run) => {
    const target = planTarget(run.input.target, run.inputFiles);
    // The server validated the same input against the same files at start.
    if ('errors' in target) throw new Error(`library screen target does not plan: ${JSON.stringify(target.errors)}`);
    const candidates = run.input.proteins;
    return {
      total: candidates.length,
      at: async (index) => (index < candidates.length ? screen(run.id, target, candidates, index) : { kind: 'exhausted', error: { code: 'engine_failed', message: 'The screen ran past its last candidate.' } }),
      progress: ({ results, failed }) => ({ num_proteins_screened: results, num_proteins_failed: failed, total_proteins_to_screen: candidates.length }),
    };
  });
}
