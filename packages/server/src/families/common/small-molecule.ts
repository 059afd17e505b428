import { type Chemistry, type MoleculeFilters, checkMoleculeFilters, loadRdkit } from '@boltz/chemistry';
import { type MoleculeTarget, ligandChainId } from '@boltz/engines';
import type { ErrorDetails } from '../../errors.ts';
import { checkStructureAndBindingInput } from '../structure-and-binding/check-input.ts';
import type { StructureAndBindingInput } from '../structure-and-binding/input-schema.ts';
import { START_FIELD_LIMITS } from './schema-limits.ts';

/**
 * What the three small-molecule pipelines share (spec/API.md §10): the target, `molecule_filters`,
 * their limits and checks, and the metadata of the run resource.
 */
export const SMALL_MOLECULE_PIPELINE = {
  type: 'pipeline',
  pipeline: 'boltzmol',
  pipelineVersion: '1.0',
  legacyIdPrefixes: [],
  testPendingMs: { instant: 0, fast: 100, realistic: 10_000 },
} as const;

/** Documented limits of the small-molecule start bodies, by property name (./schema-limits.ts). */
export const SMALL_MOLECULE_FIELD_LIMITS = {
  ...START_FIELD_LIMITS,
  entities: { minItems: 1, maxItems: 50 },
  chain_ids: { minItems: 1 },
  value: { minLength: 1 },
  // An empty SMILES is one more invalid molecule of a screen (docs/molecule-filters.md), not a bad request.
  smiles: { maxLength: 10_000 },
  reference_ligands: { maxItems: 20 },
  custom_filters: { maxItems: 50 },
  patterns: { minItems: 1, maxItems: 200 },
  max_distance_angstrom: { exclusiveMinimum: 0 },
};

/** A SMILES ligand that stands for the molecule while the target's constraints are checked. */
const PLACEHOLDER_MOLECULE = 'C';

/**
 * Path-named problems of a target (422), with structure-and-binding's rules for its entities,
 * bonds and constraints (the same checker, on `target` instead of `input`), plus the
 * small-molecule fields: at least one protein, `pocket_residues` on protein chains within their
 * length, `reference_ligands` RDKit can parse. A pocket constraint's binder is the molecule, whose
 * chain is `ligandChainId(target)` (`L` unless the target uses it).
 */
export function checkMoleculeTarget(target: MoleculeTarget, chemistry: Chemistry): ErrorDetails {
  const details: ErrorDetails = {};
  const report = (path: string, message: string) => void (details[path] ??= message);
  if (!target.entities.some((entity) => entity.type === 'protein')) report('target.entities', 'needs at least one protein entity: the target of a small molecule is a protein');

  const ligandChain = ligandChainId(target);
  const asPrediction = {
    entities: [...target.entities, { type: 'ligand_smiles', chain_ids: [ligandChain], value: PLACEHOLDER_MOLECULE }],
    ...(target.bonds ? { bonds: target.bonds } : {}),
    ...(target.constraints ? { constraints: target.constraints } : {}),
  } as StructureAndBindingInput;
  const toTarget = (text: string) => text.replace(/\binput\.(entities|bonds|constraints)/g, 'target.$1');
  for (const [path, message] of Object.entries(checkStructureAndBindingInput(asPrediction, chemistry))) report(toTarget(path), toTarget(message));

  for (const [chainId, residues] of Object.entries(target.pocket_residues ?? {})) {
    const path = `target.pocket_residues${/^[A-Za-z0-9_]+$/.test(chainId) ? `.${chainId}` : `[${JSON.stringify(chainId)}]`}`;
    const entity = target.entities.find((candidate) => candidate.chain_ids.includes(chainId));
    if (!entity || entity.type !== 'protein') {
      report(path, entity ? `chain ${chainId} is a glycan; pocket residues are on protein chains` : `names no chain of the target (chains: ${target.entities.flatMap((e) => e.chain_ids).join(', ')})`);
      continue;
    }
    if (residues.length === 0) report(path, 'is empty; list the 0-based indices of the pocket residues, or leave the chain out');
    const seen = new Set<number>();
    residues.forEach((residue, k) => {
      if (!Number.isInteger(residue) || residue < 0 || residue >= entity.value.length) {
        report(`${path}[${k}]`, `is ${residue}, but chain ${chainId} has ${entity.value.length} residues (0-based indices 0–${entity.value.length - 1})`);
      } else if (seen.has(residue)) report(`${path}[${k}]`, `repeats residue ${residue}`);
      seen.add(residue);
    });
  }
  target.reference_ligands?.forEach((smiles, k) => {
    if (chemistry.heavyAtomCount(smiles) === null) report(`target.reference_ligands[${k}]`, 'is not a SMILES that RDKit can parse; check brackets, ring-closure digits and valences');
  });
  return details;
}

/** Path-named problems of `molecule_filters` (SMARTS or regexes that do not compile, min above max). */
export async function checkFilters(filters: MoleculeFilters | undefined): Promise<ErrorDetails> {
  if (!filters) return {};
  const issues = checkMoleculeFilters(await loadRdkit(), filters);
  return Object.fromEntries(issues.map((issue) => [`molecule_filters.${issue.path}`, issue.message]));
}

/** Target and filter checks of any small-molecule body. */
export async function checkMoleculeRequest(input: { target: MoleculeTarget; molecule_filters?: unknown }, chemistry: Chemistry): Promise<ErrorDetails> {
  return { ...checkMoleculeTarget(input.target, chemistry), ...(await checkFilters(input.molecule_filters as MoleculeFilters | undefined)) };
}

/** A small valid target: the kinase domain of human ABL1 (PDB 2HYY's sequence), imatinib's pocket residues. */
export const EXAMPLE_TARGET: MoleculeTarget = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['A'],
      value: 'SPNYDKWEMERTDITMKHKLGGGQYGEVYEGVWKKYSLTVAVKTLKEDTMEVEEFLKEAAVMKEIKHPNLVQLLGVCTREPPFYIITEFMTYGNLLDYLRECNRQEVNAVVLLYMATQISSAMEYLEKKNFIHRDLAARNCLVGENHLVKVADFGLSRLMTGDTYTAHAGAKFPIKWTAPESLAYNKFSIKSDVWAFGVLLWEIATYGMSPYPGIDLSQVYELLEKDYRMERPEGCPEKVYELMRACWQWNPSDRPSFAEIHQAFETMFQESSISDEVEKEL',
    },
  ],
  pocket_residues: { A: [25, 46, 68, 93, 94, 95, 96, 147, 158] },
};
