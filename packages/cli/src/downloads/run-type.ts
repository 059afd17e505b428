import { CliError } from '../errors.ts';

export type RunType =
  | 'prediction'
  | 'adme'
  | 'protein_design'
  | 'protein_library_screen'
  | 'protein_sequence_redesign'
  | 'small_molecule_design'
  | 'small_molecule_library_screen'
  | 'small_molecule_explore';

/** Longest prefixes first: `adme_pred_` must win over `pred_` (CLI.md §9.1). */
const PREFIXES: Array<[string, RunType]> = [
  ['adme_pred_', 'adme'],
  ['sab_pred_', 'prediction'],
  ['pred_', 'prediction'],
  ['prot_des_', 'protein_design'],
  ['prot_scr_', 'protein_library_screen'],
  ['prot_seq_', 'protein_sequence_redesign'],
  ['sm_des_', 'small_molecule_design'],
  ['sm_scr_', 'small_molecule_library_screen'],
  ['sm_exp_', 'small_molecule_explore'],
];

export function runTypeFromId(id: string): RunType {
  for (const [prefix, type] of PREFIXES) if (id.startsWith(prefix)) return type;
  const prefix = id.includes('_') ? id.slice(0, id.indexOf('_')) : id;
  if (prefix === 'pres' || prefix === 'psmp') {
    throw new CliError(`Unsupported ID prefix "${prefix}". download-results only supports prediction and pipeline run IDs.`);
  }
  throw new CliError(`Could not infer download-results run type from ID prefix "${prefix}"`);
}
