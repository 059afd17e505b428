import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMemoryResultFiles, EngineFailure, readBoltzOutput, type PredictionJob } from '../src/index.ts';
import { readTarGz } from './helpers.ts';

/**
 * fixtures/boltz-output/<job id>/ are hand-made `--out_dir` folders laid out as Boltz writes them
 * (spec/ENGINE.md §4: CIF models, confidence JSON, numpy-written PAE/PDE/pLDDT npz, affinity
 * JSON), each with the API input (case.json) and the expected API output or job error.
 */
const OUTPUTS = new URL('./fixtures/boltz-output/', import.meta.url).pathname;

function fixture(jobId: string) {
  const dir = join(OUTPUTS, jobId);
  const { input } = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
  const job: PredictionJob<'structure_and_binding'> = { id: jobId, kind: 'structure_and_binding', livemode: true, input, inputFiles: new Map(), workDir: '/nonexistent' };
  const predictions = join(dir, `boltz_results_${jobId}`, 'predictions', jobId);
  return { dir, job, predictions };
}

/** File objects compared by name and type (their ids are the store's business); numbers to 1e-9. */
function comparable(value: any): any {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (value && typeof value === 'object') {
    if ('file_id' in value) return { filename: value.filename, media_type: value.media_type };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

describe('live engine: Boltz output folder → API output (spec/ENGINE.md §6)', () => {
  it('maps metrics, sorts samples by confidence and derives ligand binding metrics', async () => {
    const { dir, job, predictions } = fixture('sab_pred_ligand');
    const files = createMemoryResultFiles();
    const output = await readBoltzOutput(dir, job.id, job, files);
    assert.deepEqual(comparable(output), JSON.parse(readFileSync(join(dir, 'expected-output.json'), 'utf8')));
    assert.deepEqual(output.best_sample, output.all_sample_results[0]);
    // model_1 was the more confident: it is served as sample 0.
    assert.ok(files.read(output.all_sample_results[0].structure.file_id).equals(readFileSync(join(predictions, 'sab_pred_ligand_model_1.cif'))));

    const archive = readTarGz(files.read(output.archive.file_id));
    assert.deepEqual([...archive.keys()], [
      'prediction/metrics.json',
      'prediction/sample_0_predicted_structure.cif', 'prediction/sample_0_pae.npz', 'prediction/sample_0_pde.npz', 'prediction/sample_0_plddt.npz',
      'prediction/sample_1_predicted_structure.cif', 'prediction/sample_1_pae.npz', 'prediction/sample_1_pde.npz', 'prediction/sample_1_plddt.npz',
      'prediction/affinity.json',
    ]);
    assert.ok(archive.get('prediction/sample_0_pae.npz')!.equals(readFileSync(join(predictions, 'pae_sab_pred_ligand_model_1.npz'))));
    assert.ok(archive.get('prediction/sample_1_plddt.npz')!.equals(readFileSync(join(predictions, 'plddt_sab_pred_ligand_model_0.npz'))));
    assert.ok(archive.get('prediction/affinity.json')!.equals(readFileSync(join(predictions, 'affinity_sab_pred_ligand.json'))));
    const metrics = JSON.parse(archive.get('prediction/metrics.json')!.toString());
    assert.deepEqual(metrics, {
      best_sample: { metrics: output.best_sample.metrics },
      all_sample_results: output.all_sample_results.map((s) => ({ metrics: s.metrics })),
      binding_metrics: output.binding_metrics,
    });
    // No engine path anywhere in what clients see.
    assert.doesNotMatch(JSON.stringify(output) + archive.get('prediction/metrics.json'), /boltz_results|predictions\//);
  });

  it('derives protein–protein binding from pair_chains_iptm in the structure chain order', async () => {
    const { dir, job } = fixture('sab_pred_ppi');
    const output = await readBoltzOutput(dir, job.id, job, createMemoryResultFiles());
    assert.deepEqual(comparable(output), JSON.parse(readFileSync(join(dir, 'expected-output.json'), 'utf8')));
  });

  it('reads a missing metric as 0', async () => {
    const { dir, job } = fixture('sab_pred_ppi');
    const copy = mkdtempSync(join(tmpdir(), 'boltz-output-'));
    try {
      cpSync(dir, copy, { recursive: true });
      const confidencePath = join(copy, 'boltz_results_sab_pred_ppi/predictions/sab_pred_ppi/confidence_sab_pred_ppi_model_0.json');
      const { ligand_iptm, ...rest } = JSON.parse(readFileSync(confidencePath, 'utf8'));
      assert.equal(ligand_iptm, 0);
      writeFileSync(confidencePath, JSON.stringify({ ...rest, complex_ipde: undefined, ligand_iptm: undefined }));
      const output = await readBoltzOutput(copy, job.id, job, createMemoryResultFiles());
      assert.equal(output.best_sample.metrics.ligand_iptm, 0);
      assert.equal(output.best_sample.metrics.complex_ipde, 0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  for (const jobId of readdirSync(OUTPUTS).filter((name) => existsSync(join(OUTPUTS, name, 'expected-error.json')))) {
    it(`fails ${jobId} with the documented error`, async () => {
      const { dir, job } = fixture(jobId);
      await assert.rejects(readBoltzOutput(dir, job.id, job, createMemoryResultFiles()), (error: unknown) => {
        assert.ok(error instanceof EngineFailure);
        assert.deepEqual(error.toJobError(), JSON.parse(readFileSync(join(dir, 'expected-error.json'), 'utf8')));
        return true;
      });
    });
  }

  it('tells an out-of-memory skip from other empty results by the engine log', async () => {
    const { dir, job } = fixture('sab_pred_oom');
    await assert.rejects(
      readBoltzOutput(dir, job.id, job, createMemoryResultFiles(), '| WARNING: ran out of memory, skipping batch\n'),
      (error: any) => error.code === 'out_of_memory',
    );
  });
});
