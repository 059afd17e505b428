import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type InputFile, type JobInput, type PipelineKind, type PipelineRun, type ResultBatch, type ResultSink, RunInterrupted, createMemoryResultFiles } from '../src/index.ts';
import { createSyntheticProteinLibraryScreenEngine } from '../src/synthetic/pipelines/protein-library-screen.ts';
import { createSyntheticSequenceRedesignEngine } from '../src/synthetic/pipelines/protein-sequence-redesign.ts';
import { KeyedPermutation } from '../src/synthetic/permutation.ts';
import { libraryScreenBody } from '../../server/src/families/protein-library-screen/examples.ts';
import { genericRedesignBody } from '../../server/src/families/protein-sequence-redesign/examples.ts';

describe('KeyedPermutation', () => {
  it('is a bijection of [0, size) for every size, and depends on its key', () => {
    for (let size = 1; size <= 130; size++) {
      const permutation = new KeyedPermutation('run-1', BigInt(size));
      const images = Array.from({ length: size }, (_, i) => permutation.at(BigInt(i)));
      assert.deepEqual([...images].sort((a, b) => Number(a - b)), Array.from({ length: size }, (_, i) => BigInt(i)), `size ${size}`);
    }
    const a = new KeyedPermutation('run-1', 1000n);
    const b = new KeyedPermutation('run-2', 1000n);
    const first = (p: KeyedPermutation) => Array.from({ length: 20 }, (_, i) => p.at(BigInt(i)));
    assert.deepEqual(first(a), first(new KeyedPermutation('run-1', 1000n)), 'deterministic');
    assert.notDeepEqual(first(a), first(b));
    assert.throws(() => a.at(1000n), RangeError);
  });

  it('draws distinct, scattered points of a huge range', () => {
    const size = 19n ** 300n;
    const permutation = new KeyedPermutation('run-1', size);
    const points = Array.from({ length: 2000 }, (_, i) => permutation.at(BigInt(i)));
    assert.equal(new Set(points.map(String)).size, 2000);
    assert.ok(points.every((point) => point >= 0n && point < size));
    assert.ok(points.filter((point) => point < size / 2n).length > 900, 'about half fall in each half');
  });
});

type Committed<K extends PipelineKind> = ResultBatch<K>;

/** Runs an engine like the job runner does, optionally interrupting it after `stopAfter` committed batches. */
async function runEngine<K extends PipelineKind>(
  engine: { run(run: PipelineRun<K>, sink: ResultSink<K>, signal: AbortSignal): Promise<unknown> },
  run: Omit<PipelineRun<K>, 'resultCount' | 'checkpoint' | 'progress'>,
  from: { resultCount: number; checkpoint: unknown },
  stopAfter = Infinity,
): Promise<Array<Committed<K>>> {
  const batches: Array<Committed<K>> = [];
  const controller = new AbortController();
  const sink: ResultSink<K> = {
    files: createMemoryResultFiles(),
    async commit(batch) {
      if (batches.length >= stopAfter) {
        controller.abort();
        throw new RunInterrupted('stopped');
      }
      batches.push(batch);
    },
  };
  await engine.run({ ...run, ...from, progress: null }, sink, controller.signal).catch((error) => {
    if (!(error instanceof RunInterrupted)) throw error;
  });
  return batches;
}

function files(structure: string): ReadonlyMap<string, InputFile> {
  const body = libraryScreenBody(1);
  return new Map([[structure, { data: Buffer.from(body.target.structure.data, 'base64'), mediaType: 'chemical/x-cif' }]]);
}

describe('synthetic protein pipelines', () => {
  const timing = { batchSize: 4, intervalMs: 0 };

  it('screen: resumes from the checkpoint with the same rows, failures counted once and never billed', async () => {
    const input = libraryScreenBody(10) as unknown as JobInput<'protein_library_screen'>;
    (input.proteins[3].entities[0] as { value: string }).value = 'A'.repeat(2100);
    const run = { id: 'prot_scr_test', kind: 'protein_library_screen' as const, livemode: false, input, inputFiles: files('target.structure'), workDir: '/nonexistent' };
    const engine = createSyntheticProteinLibraryScreenEngine(timing);
    const whole = await runEngine(engine, run, { resultCount: 0, checkpoint: null });
    const rows = whole.flatMap((batch) => batch.results);
    assert.equal(rows.length, 9);
    assert.deepEqual(whole.at(-1)!.progress, { num_proteins_screened: 9, num_proteins_failed: 1, total_proteins_to_screen: 10 });
    assert.equal(whole.reduce((sum, batch) => sum + batch.billedUnits, 0), 9);

    const first = await runEngine(engine, run, { resultCount: 0, checkpoint: null }, 1);
    const kept = first.flatMap((batch) => batch.results);
    const rest = await runEngine(engine, run, { resultCount: kept.length, checkpoint: first.at(-1)!.checkpoint });
    assert.deepEqual(JSON.parse(JSON.stringify([...kept, ...rest.flatMap((batch) => batch.results)])), JSON.parse(JSON.stringify(rows)));
    assert.deepEqual(rest.at(-1)!.progress, whole.at(-1)!.progress);
  });

  it('redesign: the same distinct sequences whether or not the run was interrupted, every one passing the filters', async () => {
    const input = genericRedesignBody(25) as unknown as JobInput<'protein_sequence_redesign'>;
    const run = { id: 'prot_seq_test', kind: 'protein_sequence_redesign' as const, livemode: false, input, inputFiles: files('structure'), workDir: '/nonexistent' };
    const engine = createSyntheticSequenceRedesignEngine(timing);
    const sequences = (batches: Array<Committed<'protein_sequence_redesign'>>) => batches.flatMap((batch) => batch.results.map((row) => (row.entities[0] as { value: string }).value));
    const whole = sequences(await runEngine(engine, run, { resultCount: 0, checkpoint: null }));
    assert.equal(whole.length, 25);
    assert.equal(new Set(whole).size, 25);
    for (const sequence of whole) {
      assert.doesNotMatch(sequence, /[CW]/);
      assert.doesNotMatch(sequence, /N.S/);
    }
    const first = await runEngine(engine, run, { resultCount: 0, checkpoint: null }, 2);
    const rest = await runEngine(engine, run, { resultCount: 8, checkpoint: first.at(-1)!.checkpoint });
    assert.deepEqual([...sequences(first), ...sequences(rest)], whole);
  });
});
