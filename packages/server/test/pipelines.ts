import assert from 'node:assert/strict';
import type Boltz from 'boltz-api';
import type { TestServer } from './harness.ts';

/**
 * Shared pieces of the pipeline conformance tests: the run resource's fields (the SDK's
 * `…RetrieveResponse` types), small valid start bodies, and polling helpers.
 */
export const RUN_FIELDS = [
  'completed_at',
  'created_at',
  'data_deleted_at',
  'engine',
  'engine_version',
  'error',
  'id',
  'input',
  'livemode',
  'pipeline',
  'pipeline_version',
  'progress',
  'started_at',
  'status',
  'stopped_at',
  'workspace_id',
];
export const RUN_LIST_ITEM_FIELDS = RUN_FIELDS.filter((field) => field !== 'input');

/** A tiny mmCIF with two protein chains: A (12 residues, the target) and B (8 residues, a binder scaffold). */
export function twoChainCif(): string {
  const residues: Array<['A' | 'B', string]> = [...[...'MKTAYIAKQRQI'].map((letter): ['A', string] => ['A', letter]), ...[...'GSHMEELL'].map((letter): ['B', string] => ['B', letter])];
  const three: Record<string, string> = { M: 'MET', K: 'LYS', T: 'THR', A: 'ALA', Y: 'TYR', I: 'ILE', Q: 'GLN', R: 'ARG', G: 'GLY', S: 'SER', H: 'HIS', E: 'GLU', L: 'LEU' };
  const lines = ['data_two_chains', 'loop_', '_atom_site.group_PDB', '_atom_site.id', '_atom_site.type_symbol', '_atom_site.label_atom_id', '_atom_site.label_comp_id', '_atom_site.label_asym_id', '_atom_site.label_seq_id', '_atom_site.auth_asym_id', '_atom_site.Cartn_x', '_atom_site.Cartn_y', '_atom_site.Cartn_z', '_atom_site.pdbx_PDB_model_num'];
  let seq = { A: 0, B: 0 };
  residues.forEach(([chain, letter], i) => {
    seq = { ...seq, [chain]: seq[chain] + 1 };
    lines.push(`ATOM ${i + 1} C CA ${three[letter]} ${chain} ${seq[chain]} ${chain} ${(3.8 * i).toFixed(3)} 0.000 ${chain === 'B' ? '10.000' : '0.000'} 1`);
  });
  return `${lines.join('\n')}\n#\n`;
}

/** The official protein-design skill's payload shape (legacy body): a template target and a DSL binder. */
export function legacyDesignBody(numProteins = 10) {
  return {
    num_proteins: numProteins,
    target: {
      type: 'structure_template' as const,
      structure: { type: 'base64' as const, media_type: 'chemical/x-cif' as const, data: Buffer.from(twoChainCif()).toString('base64') },
      chain_selection: { A: { chain_type: 'polymer' as const, crop_residues: 'all' as const, epitope_residues: [2, 3, 4] } },
    },
    binder_specification: {
      type: 'no_template' as const,
      modality: 'peptide' as const,
      entities: [{ type: 'designed_protein' as const, chain_ids: ['P'], value: 'GS8..12G' }],
      rules: { excluded_amino_acids: ['C', 'M'], max_hydrophobic_fraction: 0.3 },
    },
  };
}

export type PipelineResource = 'design' | 'libraryScreen' | 'sequenceRedesign';

/** Polls `retrieve` like a client, until the run is terminal (succeeded, failed or stopped). */
export async function waitForRun(client: Boltz, resource: PipelineResource, id: string, until: (run: any) => boolean = terminal, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run: any = await client.protein[resource].retrieve(id);
    if (until(run)) return run;
    assert.ok(Date.now() < deadline, `${id} still ${run.status} (${JSON.stringify(run.progress)}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const terminal = (run: { status: string }) => ['succeeded', 'failed', 'stopped'].includes(run.status);

/** Every result of a run, through the SDK's auto-pagination. */
export async function allResults(client: Boltz, resource: PipelineResource, id: string, query: Record<string, unknown> = {}): Promise<any[]> {
  const results: any[] = [];
  for await (const result of client.protein[resource].listResults(id, query)) results.push(result);
  return results;
}

export async function ledgerUnits(server: TestServer, jobId: string): Promise<{ rows: number; units: number }> {
  const rows = await server.storage.db.selectFrom('usage_ledger').select(['quantity']).where('job_id', '=', jobId).execute();
  return { rows: rows.length, units: rows.reduce((sum, row) => sum + row.quantity, 0) };
}
