import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadChemistry } from '@boltz/chemistry';
import { createBoltzEngine, createMemoryResultFiles, toBoltzRequest, type BoltzEngineOptions, type PredictionJob } from '../src/index.ts';
import { readTarGz } from './helpers.ts';

/**
 * run() for real: the engine writes the YAML, spawns a stand-in executable (fixtures/stand-ins,
 * small node scripts) in the job's work dir and reads what it leaves in --out_dir.
 */
const STAND_INS = new URL('./fixtures/stand-ins/', import.meta.url).pathname;
const OUTPUTS = new URL('./fixtures/boltz-output/', import.meta.url).pathname;
const workDirs: string[] = [];
after(() => workDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function engine(standIn: string, options: Partial<BoltzEngineOptions> = {}) {
  return createBoltzEngine({ executable: join(STAND_INS, standIn), cacheDir: '/srv/boltz/cache', packageVersion: '2.2.0', ...options });
}

function job(jobId: string): PredictionJob<'structure_and_binding'> {
  const { input } = JSON.parse(readFileSync(join(OUTPUTS, jobId, 'case.json'), 'utf8'));
  const workDir = mkdtempSync(join(tmpdir(), 'boltz-run-'));
  workDirs.push(workDir);
  return { id: jobId, kind: 'structure_and_binding', livemode: true, input, inputFiles: new Map(), workDir };
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A killed orphan may linger as a zombie until it is reaped: dead all the same.
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

describe('live engine: run() with stand-in executables', () => {
  it('writes the YAML and flags, runs the executable and returns the API output', async () => {
    const ligandJob = job('sab_pred_ligand');
    const files = createMemoryResultFiles();
    const outcome = await engine('boltz-success.mjs').run(ligandJob, files, new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    assert.equal(outcome.version, 'boltz2 (boltz 2.2.0)');

    const expected = toBoltzRequest(ligandJob, { cacheDir: '/srv/boltz/cache' }, await loadChemistry());
    const record = JSON.parse(readFileSync(join(ligandJob.workDir, 'stand-in-record.json'), 'utf8'));
    assert.deepEqual(record.argv, expected.args);
    assert.equal(record.yaml, expected.yamlText);
    assert.match(record.yaml, /properties:\n {2}- affinity:\n {6}binder: "L"/);

    const output = (outcome as any).output;
    assert.equal(output.all_sample_results.length, 2);
    assert.equal(output.best_sample.metrics.structure_confidence, 0.8413);
    assert.deepEqual(output.binding_metrics, { type: 'ligand_protein_binding_metrics', binding_confidence: 0.62, optimization_score: 6.75 });
    assert.ok(readTarGz(files.read(output.archive.file_id)).has('prediction/sample_1_pae.npz'));
  });

  it('fails with validation_error from the parse error line, without host paths', async () => {
    const outcome = await engine('boltz-parse-error.mjs').run(job('sab_pred_ligand'), createMemoryResultFiles(), new AbortController().signal);
    assert.deepEqual(outcome, { status: 'failed', version: 'boltz2 (boltz 2.2.0)', error: { code: 'validation_error', message: 'CCD component ZZZ not found in mols' } });
  });

  it('fails with out_of_memory when the engine skips the batch and writes nothing', async () => {
    const outcome = await engine('boltz-out-of-memory.mjs').run(job('sab_pred_ligand'), createMemoryResultFiles(), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal((outcome as any).error.code, 'out_of_memory');
  });

  it('kills the whole process group on timeout and fails with timeout', async () => {
    const hungJob = job('sab_pred_ligand');
    const outcome = await engine('boltz-hang.mjs', { timeoutMs: 4_000 }).run(hungJob, createMemoryResultFiles(), new AbortController().signal);
    assert.deepEqual((outcome as any).error, { code: 'timeout', message: "The prediction exceeded the engine's time limit of 4 seconds." });
    const worker = Number(readFileSync(join(hungJob.workDir, 'child.pid'), 'utf8'));
    for (let i = 0; i < 50 && !isGone(worker); i++) await sleep(100);
    assert.ok(isGone(worker), 'the worker in the process group was killed');
  });

  it('stops when the runner aborts', async () => {
    const controller = new AbortController();
    const running = engine('boltz-hang.mjs').run(job('sab_pred_ligand'), createMemoryResultFiles(), controller.signal);
    setTimeout(() => controller.abort(), 500);
    const outcome = await running;
    assert.equal((outcome as any).error.code, 'timeout');
  });

  it('reports a missing executable as engine_failed and supports structure_and_binding only', async () => {
    const missing = engine('no-such-boltz');
    assert.ok(missing.supports('structure_and_binding'));
    assert.equal(missing.supports('adme'), false);
    const outcome = await missing.run(job('sab_pred_ligand'), createMemoryResultFiles(), new AbortController().signal);
    assert.equal((outcome as any).error.code, 'engine_failed');
    assert.doesNotMatch((outcome as any).error.message, /\/fixtures\//);
  });
});
