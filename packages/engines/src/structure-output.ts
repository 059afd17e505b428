import { tarGz, type ArchiveEntry, type CompressedData } from './archive.ts';
import type { ResultFiles, StoredFile } from './engine.ts';

/**
 * The structure-and-binding `output` (spec/API.md §8.2), shared by every engine: samples sorted
 * best first, each structure stored as `sample_<i>_predicted_structure.cif`, and
 * `archive.tar.gz` with `prediction/metrics.json` plus the per-sample files.
 */
export const SAMPLE_METRIC_KEYS = [
  'structure_confidence',
  'ptm',
  'iptm',
  'ligand_iptm',
  'protein_iptm',
  'complex_plddt',
  'complex_iplddt',
  'complex_pde',
  'complex_ipde',
] as const;

export type SampleMetrics = Record<(typeof SAMPLE_METRIC_KEYS)[number], number>;

export type BindingMetrics =
  | { type: 'ligand_protein_binding_metrics'; binding_confidence: number; optimization_score: number }
  | { type: 'protein_protein_binding_metrics'; binding_confidence: number };

/**
 * Protein–protein `binding_confidence` (docs/spec/ENGINE.md §6, on the raw ipTM scale that
 * docs/spec/PIPELINE-ENGINES.md §6 asks live and test mode to share): the mean over binder chains
 * b and target protein chains t of (ipTM[b][t] + ipTM[t][b]) / 2, where `pairIptm(x, y)` is the
 * chain-pair ipTM aligned on x (Boltz's `pair_chains_iptm`, or the synthetic engine's). It is not
 * the complex `iptm`: that scores every interface of the complex, this only binder against target.
 * undefined when there is no binder–target pair.
 */
export function proteinBindingConfidence(pairIptm: (a: string, b: string) => number, binders: readonly string[], targets: readonly string[]): number | undefined {
  const values = binders.flatMap((b) => targets.filter((t) => t !== b).map((t) => (pairIptm(b, t) + pairIptm(t, b)) / 2));
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined;
}

export interface PredictedSample {
  metrics: SampleMetrics;
  structureCif: Buffer;
  /** `.npz` files for the archive, by kind, as far as the engine wrote them (raw, or already compressed for the archive). */
  arrays: { pae?: Buffer | CompressedData; pde?: Buffer | CompressedData; plddt?: Buffer | CompressedData };
}

export interface StructureSampleOutput {
  metrics: SampleMetrics;
  structure: StoredFile;
}

export interface StructureOutput {
  best_sample: StructureSampleOutput;
  all_sample_results: StructureSampleOutput[];
  archive: StoredFile;
  binding_metrics?: BindingMetrics;
}

/** structure_confidence = (4·complex_plddt + X) / 5 with X = iptm if non-zero else ptm (ENGINE.md §4). */
export function structureConfidence(metrics: Omit<SampleMetrics, 'structure_confidence'>): number {
  return (4 * metrics.complex_plddt + (metrics.iptm || metrics.ptm)) / 5;
}

/**
 * The CPU part of an output, computable in a worker thread: samples ranked, each structure's
 * bytes, and the archive. `files[i]` is sample i's structure (best first); the archive is last.
 */
export interface PackedStructureOutput {
  files: Array<{ filename: string; data: Uint8Array; mediaType: string }>;
  metrics: SampleMetrics[];
  bindingMetrics?: BindingMetrics;
}

export function packStructureOutput(
  samples: readonly PredictedSample[],
  bindingMetrics: BindingMetrics | undefined,
  extraArchiveEntries: readonly ArchiveEntry[],
): PackedStructureOutput {
  // Stable sort: ties keep the engine's own order.
  const ranked = [...samples].sort((a, b) => b.metrics.structure_confidence - a.metrics.structure_confidence);
  const files: PackedStructureOutput['files'] = [];
  const entries: ArchiveEntry[] = [];
  for (const [i, sample] of ranked.entries()) {
    const name = `sample_${i}_predicted_structure.cif`;
    files.push({ filename: name, data: sample.structureCif, mediaType: 'chemical/x-cif' });
    entries.push({ path: `prediction/${name}`, data: sample.structureCif });
    for (const kind of ['pae', 'pde', 'plddt'] as const) {
      const data = sample.arrays[kind];
      if (data) entries.push({ path: `prediction/sample_${i}_${kind}.npz`, data });
    }
  }
  const metrics = ranked.map((sample) => orderedMetrics(sample.metrics));
  const metricsJson = {
    best_sample: { metrics: metrics[0] },
    all_sample_results: metrics.map((m) => ({ metrics: m })),
    ...(bindingMetrics ? { binding_metrics: bindingMetrics } : {}),
  };
  entries.unshift({ path: 'prediction/metrics.json', data: Buffer.from(JSON.stringify(metricsJson, null, 2) + '\n') });
  entries.push(...extraArchiveEntries);
  files.push({ filename: 'archive.tar.gz', data: tarGz(entries), mediaType: 'application/gzip' });
  return { files, metrics, ...(bindingMetrics ? { bindingMetrics } : {}) };
}

/** Stores a packed output's files (main thread) and returns the API `output`. */
export async function storePackedOutput(packed: PackedStructureOutput, files: ResultFiles): Promise<StructureOutput> {
  const stored: StoredFile[] = [];
  // Bytes that crossed a worker boundary arrive as plain Uint8Arrays.
  for (const file of packed.files) stored.push(await files.put(file.filename, Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength), file.mediaType));
  const results: StructureSampleOutput[] = packed.metrics.map((metrics, i) => ({ metrics, structure: stored[i] }));
  return {
    best_sample: results[0],
    all_sample_results: results,
    archive: stored[stored.length - 1],
    ...(packed.bindingMetrics ? { binding_metrics: packed.bindingMetrics } : {}),
  };
}

export async function storeStructureOutput(
  samples: readonly PredictedSample[],
  bindingMetrics: BindingMetrics | undefined,
  extraArchiveEntries: readonly ArchiveEntry[],
  files: ResultFiles,
): Promise<StructureOutput> {
  return storePackedOutput(packStructureOutput(samples, bindingMetrics, extraArchiveEntries), files);
}

function orderedMetrics(metrics: SampleMetrics): SampleMetrics {
  return Object.fromEntries(SAMPLE_METRIC_KEYS.map((key) => [key, metrics[key]])) as SampleMetrics;
}
