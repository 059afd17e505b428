/**
 * The job families (spec/API.md §8–§10): two predictions and six pipelines. The kind is what the
 * job table stores; everything else a family differs in is declared in the server's family
 * registry (packages/server/src/families/).
 */
export const JOB_KINDS = [
  'structure_and_binding',
  'adme',
  'protein_design',
  'protein_library_screen',
  'protein_sequence_redesign',
  'small_molecule_design',
  'small_molecule_library_screen',
  'small_molecule_explore',
] as const;

export type JobKind = (typeof JOB_KINDS)[number];

/** Predictions end in `succeeded` or `failed`; pipelines can also be `stopped` and resumed (§7.2). */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'stopped';

export type JobMode = 'live' | 'test';
