import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveEntry } from '../archive.ts';
import { EngineFailure } from '../engine-failure.ts';
import type { PredictionJob, ResultFiles } from '../engine.ts';
import {
  proteinBindingConfidence,
  storeStructureOutput,
  type BindingMetrics,
  type PredictedSample,
  type SampleMetrics,
  type StructureOutput,
} from '../structure-output.ts';

/**
 * `boltz predict` output folder → API `output` (spec/ENGINE.md §4, §6). Boltz names everything
 * after the record id, the YAML file stem, which is our job id:
 * `<out>/boltz_results_<id>/predictions/<id>/{<id>_model_<k>.cif, confidence_<id>_model_<k>.json,
 * pae_…npz, pde_…npz, plddt_…npz, affinity_<id>.json}`.
 */
const METRIC_SOURCES: Array<[api: keyof SampleMetrics, boltz: string]> = [
  ['structure_confidence', 'confidence_score'],
  ['ptm', 'ptm'],
  ['iptm', 'iptm'],
  ['ligand_iptm', 'ligand_iptm'],
  ['protein_iptm', 'protein_iptm'],
  ['complex_plddt', 'complex_plddt'],
  ['complex_iplddt', 'complex_iplddt'],
  ['complex_pde', 'complex_pde'],
  ['complex_ipde', 'complex_ipde'],
];

export function predictionDir(outDir: string, jobId: string): string {
  return join(outDir, `boltz_results_${jobId}`, 'predictions', jobId);
}

/** Python's json writes NaN/Infinity literals, which JSON.parse rejects: read them as null. */
async function readPythonJson(path: string): Promise<any> {
  const text = await readFile(path, 'utf8');
  return JSON.parse(text.replace(/\b(?:NaN|-?Infinity)\b/g, 'null'));
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error: any) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EngineFailure('engine_failed', `The engine returned an invalid value for ${what}.`);
  }
  return value;
}

function sampleMetrics(confidence: any): SampleMetrics {
  const metrics = {} as SampleMetrics;
  for (const [api, boltz] of METRIC_SOURCES) {
    // A missing metric is 0 (§6); a present NaN means the prediction broke.
    metrics[api] = boltz in confidence ? finite(confidence[boltz], boltz) : 0;
  }
  return metrics;
}

/** Chain ids in the order of the structure's `_atom_site` loop: the index order of pair_chains_iptm. */
export function chainOrder(cif: string): string[] {
  const lines = cif.split('\n');
  const start = lines.findIndex((l) => l.startsWith('_atom_site.'));
  if (start < 0) return [];
  const columns: string[] = [];
  let i = start;
  for (; lines[i]?.startsWith('_atom_site.'); i++) columns.push(lines[i].trim().slice('_atom_site.'.length));
  let column = columns.indexOf('auth_asym_id');
  if (column < 0) column = columns.indexOf('label_asym_id');
  const order: string[] = [];
  for (; i < lines.length && !/^(#|loop_|_|data_)/.test(lines[i]) && lines[i].trim() !== ''; i++) {
    const chain = lines[i].trim().split(/\s+/)[column]?.replace(/^(['"])(.*)\1$/, '$2');
    if (chain !== undefined && order[order.length - 1] !== chain && !order.includes(chain)) order.push(chain);
  }
  return order;
}

/**
 * Protein–protein binding confidence from the interface pTMs (§6, §8: no open-source head), by
 * the function the synthetic engine shares (../structure-output.ts).
 */
function proteinProteinBinding(job: PredictionJob<'structure_and_binding'>, best: { cif: string; confidence: any }): BindingMetrics {
  const order = chainOrder(best.cif);
  const index = (chain: string) => {
    const i = order.indexOf(chain);
    if (i < 0) throw new EngineFailure('engine_failed', `The engine's structure has no chain ${chain}.`);
    return String(i);
  };
  const binding = job.input.binding;
  const binders = binding?.type === 'protein_protein_binding' ? binding.binder_chain_ids : [];
  const targets = job.input.entities
    .flatMap((e) => (e.type === 'protein' ? e.chain_ids : []))
    .filter((chain) => !binders.includes(chain));
  const pairs = best.confidence.pair_chains_iptm ?? {};
  const pairIptm = (a: string, b: string) => finite(pairs[index(a)]?.[index(b)], 'pair_chains_iptm');
  return { type: 'protein_protein_binding_metrics', binding_confidence: proteinBindingConfidence(pairIptm, binders, targets) ?? 0 };
}

/**
 * Reads the output folder, stores the files and returns the API `output`. `log` is the process
 * output, used to tell an out-of-memory skip (Boltz exits 0 and writes nothing, §7) from other
 * empty results.
 */
export async function readBoltzOutput(outDir: string, jobId: string, job: PredictionJob<'structure_and_binding'>, files: ResultFiles, log = ''): Promise<StructureOutput> {
  const dir = predictionDir(outDir, jobId);
  const requested: number = job.input.num_samples ?? 1;
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const modelCount = [...names].filter((name) => /_model_\d+\.cif$/.test(name) && name.startsWith(`${jobId}_model_`)).length;
  if (modelCount === 0) {
    if (/out of memory/i.test(log)) throw new EngineFailure('out_of_memory', 'The GPU ran out of memory; try fewer samples or a smaller complex.');
    throw new EngineFailure('engine_failed', 'The engine finished without writing a structure.');
  }
  if (modelCount < requested) throw new EngineFailure('engine_failed', `The engine wrote ${modelCount} of ${requested} requested samples.`);

  const raw: Array<{ sample: PredictedSample; cif: string; confidence: any }> = [];
  for (let k = 0; k < requested; k++) {
    const cif = await readIfPresent(join(dir, `${jobId}_model_${k}.cif`));
    const confidencePath = join(dir, `confidence_${jobId}_model_${k}.json`);
    if (!cif || !names.has(`confidence_${jobId}_model_${k}.json`)) {
      throw new EngineFailure('engine_failed', `The engine did not write sample ${k}.`);
    }
    const confidence = await readPythonJson(confidencePath);
    const [pae, pde, plddt] = await Promise.all(
      ['pae', 'pde', 'plddt'].map((kind) => readIfPresent(join(dir, `${kind}_${jobId}_model_${k}.npz`))),
    );
    raw.push({ sample: { metrics: sampleMetrics(confidence), structureCif: cif, arrays: { pae, pde, plddt } }, cif: cif.toString('utf8'), confidence });
  }

  const extra: ArchiveEntry[] = [];
  let binding: BindingMetrics | undefined;
  const bindingType = job.input.binding?.type;
  if (bindingType === 'ligand_protein_binding') {
    const affinityFile = `affinity_${jobId}.json`;
    if (!names.has(affinityFile)) throw new EngineFailure('engine_failed', 'Binding was requested but the engine wrote no affinity prediction.');
    const data = await readFile(join(dir, affinityFile));
    const affinity = await readPythonJson(join(dir, affinityFile));
    binding = {
      type: 'ligand_protein_binding_metrics',
      binding_confidence: finite(affinity.affinity_probability_binary, 'affinity_probability_binary'),
      // log10 IC50 in µM → pIC50 (higher = stronger): our documented convention, §8.
      optimization_score: 6 - finite(affinity.affinity_pred_value, 'affinity_pred_value'),
    };
    extra.push({ path: 'prediction/affinity.json', data });
  } else if (bindingType === 'protein_protein_binding') {
    const best = [...raw].sort((a, b) => b.sample.metrics.structure_confidence - a.sample.metrics.structure_confidence)[0];
    binding = proteinProteinBinding(job, best);
  }
  return storeStructureOutput(raw.map((r) => r.sample), binding, extra, files);
}
