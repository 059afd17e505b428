import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobInput, type PipelineRun, type ResultBatch, RunInterrupted, createBoltzGenEngine, createBoltzGenRedesignEngine } from '../src/index.ts';
import { collectingSink, isAlive, readTarGz } from './helpers.ts';
import { CIF, base64, legacyPeptideBody } from './design-requests.ts';

/**
 * run() of the BoltzGen engine against a stand-in `boltzgen` (fixtures/stand-ins/boltzgen.mjs)
 * that checks its arguments and writes BoltzGen's output layout: rows, progress, checkpoints
 * and billed units per chunk, out-of-memory designs, a crash mid-chunk, a stop mid-run and resume.
 */
const STAND_IN = new URL('./fixtures/stand-ins/boltzgen.mjs', import.meta.url).pathname;
const roots: string[] = [];
after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'boltzgen-test-'));
  roots.push(dir);
  return dir;
}

function control(scenario: Record<string, unknown>): void {
  const file = join(scratch(), 'control.json');
  writeFileSync(file, JSON.stringify(scenario));
  process.env.BOLTZGEN_STAND_IN_CONTROL = file;
}


function newRun(id: string, numProteins: number, resume?: { resultCount: number; checkpoint: unknown }): PipelineRun<'protein_design'> {
  return {
    id,
    kind: 'protein_design',
    livemode: true,
    input: legacyPeptideBody(numProteins) as unknown as JobInput<'protein_design'>,
    inputFiles: new Map([['target.structure', CIF]]),
    workDir: scratch(),
    resultCount: resume?.resultCount ?? 0,
    checkpoint: resume?.checkpoint ?? null,
    progress: null,
  };
}

const sink = (stopAfter = Infinity) => collectingSink<'protein_design'>(stopAfter);

function invocations(workRoot: string, runId: string): Array<{ argv?: string[]; generated?: string[]; path?: string }> {
  const file = join(workRoot, runId, 'invocations.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
}

const engine = (workRoot: string, chunkDesigns = 3) => createBoltzGenEngine({ executable: STAND_IN, workRoot, packageVersion: '0.1.2', chunkDesigns });
const results = (batches: Array<ResultBatch<'protein_design'>>) => batches.flatMap((batch) => batch.results);
const sequenceOf = (row: any) => row.entities.find((entity: any) => entity.chain_ids[0] === 'P').value;

describe('BoltzGen engine: run() with a stand-in boltzgen', () => {
  it('streams chunk by chunk: exactly num_proteins distinct rows, progress and billed units per batch', async () => {
    control({});
    const workRoot = scratch();
    const out = sink();
    const outcome = await engine(workRoot).run(newRun('prot_des_a', 7), out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    assert.deepEqual(out.batches.map((b) => b.results.length), [3, 3, 1]);
    assert.deepEqual(out.batches.map((b) => b.billedUnits), [3, 3, 1]);
    assert.deepEqual(out.batches.map((b) => b.progress), [3, 6, 7].map((n) => ({ num_proteins_generated: n, total_proteins_to_generate: 7 })));
    const rows = results(out.batches) as any[];
    assert.equal(new Set(rows.map(sequenceOf)).size, 7);
    for (const row of rows) {
      assert.deepEqual(row.entities[0], { type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQI' });
      assert.match(sequenceOf(row), /^GS[^CM]{8}G$/, 'the DSL lengths and the excluded amino acids');
      const m = row.metrics;
      assert.deepEqual(Object.keys(m).sort(), ['binding_confidence', 'helix_fraction', 'iptm', 'loop_fraction', 'min_interaction_pae', 'sheet_fraction', 'structure_confidence']);
      assert.ok(Math.abs(m.helix_fraction + m.sheet_fraction + m.loop_fraction - 1) < 1e-3);
      const archive = readTarGz(out.files.read(row.artifacts.archive.file_id));
      assert.deepEqual([...archive.keys()], ['result/metrics.json', 'result/predicted_structure.cif']);
      assert.equal(JSON.parse(archive.get('result/metrics.json')!.toString()).engine.name, 'boltzgen');
    }
    const calls = invocations(workRoot, 'prot_des_a');
    assert.equal(calls.length, 0, 'the run folder is removed once the run succeeded');
  });

  it('passes the arguments a real run needs, with the virtualenv first on PATH', async () => {
    control({ hang: 'chunk_1' });
    const workRoot = scratch();
    const controller = new AbortController();
    const out = sink();
    const running = engine(workRoot).run(newRun('prot_des_args', 6), out, controller.signal);
    while (out.batches.length < 1) await sleep(50);
    const [first] = invocations(workRoot, 'prot_des_args');
    assert.deepEqual(first.argv, ['run', 'spec_0.yaml', '--output', 'chunk_0', '--protocol', 'peptide-anything', '--num_designs', '3', '--inverse_fold_avoid', 'CM', '--steps', 'design', 'inverse_folding', 'folding', 'analysis', '--reuse']);
    assert.equal(first.path, join(STAND_IN, '..'));
    controller.abort();
    assert.equal((await running).status, 'failed');
  });

  it('a design that runs out of GPU memory is missing: more chunks, still exactly num_proteins', async () => {
    control({ oom: ['chunk_0/spec_0_1'] });
    const workRoot = scratch();
    const out = sink();
    const outcome = await engine(workRoot).run(newRun('prot_des_oom', 4), out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    assert.deepEqual(out.batches.map((b) => b.results.length), [2, 2], 'chunk_0 lost one design to out-of-memory; chunk_1 makes up for it');
    assert.deepEqual(out.batches.at(-1)!.progress, { num_proteins_generated: 4, total_proteins_to_generate: 4 });
    assert.equal(out.batches.reduce((sum, b) => sum + b.billedUnits, 0), 4);
  });

  it('a crash mid-chunk reruns the chunk with --reuse: finished designs are not redone, no row is lost or repeated', async () => {
    const log = join(scratch(), 'invocations.jsonl');
    control({ crashOnce: 'chunk_1', log });
    const workRoot = scratch();
    const out = sink();
    const run = newRun('prot_des_crash', 6);
    const outcome = await engine(workRoot, 4).run(run, out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    assert.deepEqual(out.batches.map((b) => b.results.length), [4, 2]);
    const generated = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((entry) => entry.output === 'chunk_1');
    assert.deepEqual(generated.map((entry) => entry.generated), [['spec_0_0'], ['spec_0_1']], 'the rerun made only the design the crash interrupted');
    assert.equal(new Set(results(out.batches).map(sequenceOf)).size, 6);
  });

  it('duplicates and filter failures are skipped; too many failures end the run with what it produced', async () => {
    // spec_0_1 repeats spec_0_0's sequence; spec_0_2 breaks max_hydrophobic_fraction 0.3.
    control({ sequences: { spec_0_0: 'KDEKDEKD', spec_0_1: 'KDEKDEKD', spec_0_2: 'VVVVVVVV' } });
    const workRoot = scratch();
    const out = sink();
    const outcome = await createBoltzGenEngine({ executable: STAND_IN, workRoot, packageVersion: '0.1.2', chunkDesigns: 3, maxAttemptsPerProtein: 1 }).run(newRun('prot_des_dup', 3), out, new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal((outcome as any).error.code, 'engine_failed');
    assert.match((outcome as any).error.message, /Only 1 of 3 designs/);
    assert.deepEqual(results(out.batches).map(sequenceOf), ['GSKDEKDEKDG']);
    assert.equal(out.batches.reduce((sum, b) => sum + b.billedUnits, 0), 1, 'only produced designs are billed');
  });

  it('stop mid-chunk ends the process group; resume reruns that chunk and continues from the checkpoint', async () => {
    control({ hang: 'chunk_1' });
    const workRoot = scratch();
    const controller = new AbortController();
    const first = sink();
    const running = engine(workRoot).run(newRun('prot_des_stop', 6), first, controller.signal);
    const childPid = join(workRoot, 'prot_des_stop', 'chunk_1', 'child.pid');
    while (!existsSync(childPid)) await sleep(50);
    controller.abort();
    const stopped = await running;
    assert.equal(stopped.status, 'failed');
    assert.equal((stopped as any).error.code, 'interrupted');
    const worker = Number(readFileSync(childPid, 'utf8'));
    for (let i = 0; i < 50 && isAlive(worker); i++) await sleep(100);
    assert.ok(!isAlive(worker), "the engine's worker child was killed with its group");
    assert.equal(first.batches.length, 1);
    assert.ok(existsSync(join(workRoot, 'prot_des_stop')), 'a stopped run keeps its folder');

    control({});
    const last = first.batches[0];
    const second = sink();
    const outcome = await engine(workRoot).run(newRun('prot_des_stop', 6, { resultCount: 3, checkpoint: last.checkpoint }), second, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    assert.deepEqual(second.batches.map((b) => b.progress.num_proteins_generated), [6]);
    const all = [...results(first.batches), ...results(second.batches)].map(sequenceOf);
    assert.equal(new Set(all).size, 6, 'no design is emitted twice across stop and resume');
  });

  it('a batch the runner refuses (stopped during commit) is produced again on resume, never twice', async () => {
    control({});
    const workRoot = scratch();
    const first = sink(1);
    await assert.rejects(engine(workRoot).run(newRun('prot_des_refused', 6), first, new AbortController().signal), RunInterrupted);
    const second = sink();
    const outcome = await engine(workRoot).run(newRun('prot_des_refused', 6, { resultCount: 3, checkpoint: first.batches[0].checkpoint }), second, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const calls = invocations(workRoot, 'prot_des_refused');
    assert.equal(calls.length, 0);
    const all = [...results(first.batches), ...results(second.batches)].map(sequenceOf);
    assert.equal(all.length, 6);
    assert.equal(new Set(all).size, 6);
  });

  it('sequence redesign runs inverse folding on the uploaded backbone: distinct sequences of the designed chain', async () => {
    control({});
    const out = collectingSink<'protein_sequence_redesign'>();
    const run: PipelineRun<'protein_sequence_redesign'> = {
      id: 'prot_red_a',
      kind: 'protein_sequence_redesign',
      livemode: true,
      input: {
        type: 'binder',
        num_proteins: 4,
        structure: base64,
        entities: [{ type: 'from_template', role: 'target', chain_id: 'A' }, { type: 'from_template', role: 'binder', chain_id: 'B', design_motifs: [{ type: 'residues', residues: [0, 1], filters: [] }] }],
      } as unknown as JobInput<'protein_sequence_redesign'>,
      inputFiles: new Map([['structure', CIF]]),
      workDir: scratch(),
      resultCount: 0,
      checkpoint: null,
      progress: null,
    };
    const outcome = await createBoltzGenRedesignEngine({ executable: STAND_IN, workRoot: scratch(), packageVersion: '0.1.2', chunkDesigns: 3 }).run(run, out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const rows = out.batches.flatMap((b) => b.results) as any[];
    assert.equal(rows.length, 4);
    assert.deepEqual(out.batches.at(-1)!.progress, { num_proteins_generated: 4, total_proteins_to_generate: 4 });
    for (const row of rows) {
      assert.equal(row.type, 'binder');
      assert.deepEqual(row.entities.map((e: any) => e.chain_ids[0]), ['A', 'B']);
    }
    assert.equal(new Set(rows.map((r) => r.entities[1].value)).size, 4);
  });
});
