import assert from 'node:assert/strict';
import type Boltz from 'boltz-api';
import type { TestServer } from './harness.ts';

/**
 * Shared pieces of the prediction conformance tests: small valid inputs, keys for a fresh
 * workspace, polling until a job ends, and collecting every presigned URL of a job.
 */
export const PREDICTION_FIELDS = [
  'completed_at',
  'created_at',
  'data_deleted_at',
  'error',
  'expires_at',
  'id',
  'input',
  'livemode',
  'model',
  'output',
  'started_at',
  'status',
  'version',
  'workspace_id',
];
export const LIST_ITEM_FIELDS = PREDICTION_FIELDS.filter((field) => field !== 'input' && field !== 'output');

/** A small protein with a SMILES ligand and a binding question: every output field appears. */
export const STRUCTURE_INPUT = {
  entities: [
    { type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ', msa: { type: 'empty' as const } },
    { type: 'ligand_smiles' as const, chain_ids: ['L'], value: 'CCO' },
  ],
  binding: { type: 'ligand_protein_binding' as const, binder_chain_id: 'L' },
  num_samples: 2,
};

export const ADME_INPUT = {
  molecules: [
    { smiles: 'CC(=O)Oc1ccccc1C(=O)O', id: 'aspirin' },
    { smiles: 'CCO' },
    { smiles: 'C1CC', id: 'broken' },
  ],
};

export async function newWorkspace(server: TestServer, name: string): Promise<string> {
  const workspace = await server.client(server.liveAdminKey).admin.workspaces.create({ name });
  return workspace.id;
}

export async function workspaceKey(server: TestServer, workspaceId: string, mode: 'live' | 'test'): Promise<string> {
  const created = await server.client(server.liveAdminKey).admin.apiKeys.create({ name: `${mode} key`, workspace_id: workspaceId, mode });
  return created.key;
}

type Family = 'structureAndBinding' | 'adme';

/** Polls `retrieve` like a client would, until the job is terminal. */
export async function waitUntilDone(client: Boltz, family: Family, id: string, query: { workspace_id?: string } = {}, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job: any = await client.predictions[family].retrieve(id, query);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    assert.ok(Date.now() < deadline, `${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every `{url, url_expires_at}` object anywhere in a job, with its JSON path. */
export function fileObjects(value: unknown, path = ''): Array<{ path: string; url: string; url_expires_at: string }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => fileObjects(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (typeof object.url === 'string' && typeof object.url_expires_at === 'string') {
    return [{ path, url: object.url, url_expires_at: object.url_expires_at }];
  }
  return Object.entries(object).flatMap(([key, item]) => fileObjects(item, path ? `${path}.${key}` : key));
}

/** Downloads a presigned URL the way a browser or `curl` would: no credential at all. */
export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Waits until no job is pending or running, so that a database snapshot holds still. */
export async function allJobsFinished(server: TestServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const active = await server.storage.db.selectFrom('jobs').select('id').where('status', 'in', ['pending', 'running']).execute();
    if (active.length === 0) return;
    assert.ok(Date.now() < deadline, `jobs still active: ${active.map((row) => row.id)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
