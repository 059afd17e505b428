import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type Boltz from 'boltz-api';
import type { APIError } from 'boltz-api';
import { type MoleculeFilters, type MoleculeVerdict, compileMoleculeFilters, defaultSmartsCatalogFilterLevel, loadRdkit } from '@boltz/chemistry';
import { pollRun, terminal } from './pipelines.ts';
import { apiError } from './sdk-assertions.ts';

export { EXAMPLE_TARGET } from '../src/families/common/small-molecule.ts';

/** Shared pieces of the small-molecule pipeline tests (spec/API.md §10), driven through the official SDK. */
export type MoleculeResource = 'design' | 'libraryScreen' | 'explore';

export async function waitForMoleculeRun(client: Boltz, resource: MoleculeResource, id: string, until: (run: any) => boolean = terminal, timeoutMs = 120_000): Promise<any> {
  return pollRun(() => client.smallMolecule[resource].retrieve(id), until, timeoutMs);
}

/**
 * Each request is refused by every call with `code` and a `details` entry at `path` (its message
 * matching `message` when given).
 */
export async function assertRefusedAt(calls: Array<(request: never) => Promise<unknown>>, cases: Array<[unknown, number, string, RegExp?]>): Promise<void> {
  for (const [request, code, path, message] of cases) {
    for (const call of calls) {
      await assert.rejects(call(request as never), (error) => {
        apiError(code)(error);
        const details = (error as APIError).error as { details?: Record<string, string> };
        assert.ok(details.details && path in details.details, `${path} in ${JSON.stringify(details)}`);
        if (message) assert.match(details.details[path], message);
        return true;
      });
    }
  }
}

export async function allMoleculeResults(client: Boltz, resource: MoleculeResource, id: string, query: Record<string, unknown> = {}): Promise<any[]> {
  const results: any[] = [];
  for await (const result of client.smallMolecule[resource].listResults(id, query)) results.push(result);
  return results;
}

/** The seeded filter library of packages/chemistry (known catalog hits, Lipinski violators, invalid SMILES). */
export function filterLibrary(): Array<{ smiles: string; id: string }> {
  const text = readFileSync(new URL('../../chemistry/fixtures/filter-library.smi', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [smiles, id] = line.split('\t');
      return { smiles, id };
    });
}

/** The verdicts packages/chemistry gives the molecules under the filters: the oracle of the expected counts. */
export async function expectedVerdicts(smiles: string[], filters: MoleculeFilters | undefined, pipeline: 'design' | 'library_screen' | 'explore'): Promise<MoleculeVerdict[]> {
  const evaluator = compileMoleculeFilters(await loadRdkit(), filters, defaultSmartsCatalogFilterLevel(pipeline));
  try {
    return smiles.map((s) => evaluator.evaluate(s));
  } finally {
    evaluator.dispose();
  }
}

export const METRIC_RANGES: Record<string, [number, number]> = {
  binding_confidence: [0.02, 0.95],
  optimization_score: [4, 8.5],
  iptm: [0.5, 0.97],
  ptm: [0.7, 0.95],
  complex_plddt: [0.7, 0.95],
  complex_iplddt: [0.6, 0.95],
  structure_confidence: [0.6, 0.96],
};

export function assertMoleculeMetrics(metrics: Record<string, number>): void {
  assert.deepEqual(Object.keys(metrics).sort(), Object.keys(METRIC_RANGES).sort());
  for (const [name, [min, max]] of Object.entries(METRIC_RANGES)) {
    assert.ok(metrics[name] >= min && metrics[name] <= max, `${name} = ${metrics[name]} outside ${min}–${max}`);
  }
  assert.ok(Math.abs(metrics.structure_confidence - (0.8 * metrics.complex_plddt + 0.2 * metrics.iptm)) < 1e-3);
}

/** The chain ids of a mmCIF's `_atom_site` rows. */
export function cifChains(cif: string): Set<string> {
  const lines = cif.split('\n');
  const header = lines.filter((line) => line.startsWith('_atom_site.')).map((line) => line.trim());
  const column = header.indexOf('_atom_site.label_asym_id');
  return new Set(lines.filter((line) => /^(ATOM|HETATM)\s/.test(line)).map((line) => line.split(/\s+/)[column]));
}
