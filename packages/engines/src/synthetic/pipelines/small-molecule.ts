import { DuplicateCounter, FINGERPRINT_WORDS, LibraryFileError, type MoleculeFilters, type NeighbourGraph, chooseExplorationBatch, defaultSmartsCatalogFilterLevel, readMoleculeLibrary } from '@boltz/chemistry';
import type { InputFile } from '../../engine.ts';
import type { JobInput, PipelineKind, ResultDraft } from '../../job-types.ts';
import type { PipelineEngine, ResultSink } from '../../pipeline.ts';
import { type WorkerPool, sharedWorkerPool, siblingModule } from '../../worker-pool.ts';
import { SYNTHETIC_PIPELINE_VERSION, type SyntheticPipelineTiming, runBatches } from './batch-loop.ts';
import { MAX_SCORED_HEAVY_ATOMS, type MoleculeTarget, moleculeMetrics, moleculeWarnings } from './molecule-scores.ts';
import { type Adme, type DesignTask, concatWords, type DesignedMolecule, LIGAND_FILE, type PrepareTask, type Prepared, type RenderTask, STRUCTURE_FILE } from './small-molecule-tasks.ts';

/**
 * Test-mode small-molecule design, library screen and explore (spec/API.md §10,
 * spec/PIPELINE-ENGINES.md §4.5, §4.6, §6). The run's filters are the real ones
 * (packages/chemistry, docs/molecule-filters.md); metrics come from a molecule's fingerprint
 * through molecule-scores.ts; structures are synthesized complexes of the target and the molecule,
 * re-created on download (`renderFile`) rather than stored. All RDKit work runs in the engines'
 * worker pool (small-molecule-tasks.ts).
 */
type MoleculeKind = Extract<PipelineKind, 'small_molecule_design' | 'small_molecule_library_screen' | 'small_molecule_explore'>;

export interface SmallMoleculeEngineOptions {
  timing: SyntheticPipelineTiming;
  pool?: WorkerPool;
}

const TASKS = siblingModule('./small-molecule-tasks', import.meta.url);
const task = (name: string) => ({ module: TASKS, name });

/** Molecules per preparation task: big enough to amortise a task, small enough to spread over the pool's threads. */
const PREPARE_CHUNK = 2_000;

/** Prepares `smiles` in chunks on the pool's threads; results in input order. */
async function prepareAll(pool: WorkerPool, smiles: string[], base: Omit<PrepareTask, 'smiles'>, signal: AbortSignal): Promise<Prepared> {
  const chunks: string[][] = [];
  for (let at = 0; at < smiles.length; at += PREPARE_CHUNK) chunks.push(smiles.slice(at, at + PREPARE_CHUNK));
  const parts = await Promise.all(chunks.map((chunk) => pool.run<Prepared>(task('prepareMolecules'), { ...base, smiles: chunk }, signal)));
  const words = base.fingerprints ? concatWords(parts.map((part) => part.words!)) : undefined;
  return { molecules: parts.flatMap((part) => part.molecules), ...(words ? { words } : {}) };
}

/**
 * Longest recipe a deferred file may have: its storage key (`deferred:` + recipe) is a
 * varchar(512) (packages/storage migrations).
 */
const MAX_RECIPE_LENGTH = 500;

type Render = (runId: string, input: { target: unknown }, recipe: string) => Promise<Buffer>;

/**
 * A result row of a molecule. Its files are re-created from the recipe `<seq>|<file>|<canonical
 * SMILES>` when downloaded; a molecule whose SMILES would not fit a storage key has them rendered
 * and stored now instead.
 */
async function moleculeRow<K extends MoleculeKind>(
  sink: ResultSink<K>,
  render: Render,
  run: { id: string; input: { target: unknown } },
  seq: number,
  molecule: { canonical: string; submitted: string; quality: number; adme?: Adme; externalId?: string },
): Promise<ResultDraft<K>> {
  const metrics = moleculeMetrics(molecule.quality, run.id, molecule.canonical);
  const warnings = moleculeWarnings(metrics);
  const file = async (which: RenderTask['which'], filename: string, mediaType: string) => {
    const recipe = `${seq}|${which}|${molecule.canonical}`;
    return recipe.length <= MAX_RECIPE_LENGTH ? sink.files.defer(filename, mediaType, recipe) : sink.files.put(filename, await render(run.id, run.input, recipe), mediaType);
  };
  return {
    smiles: molecule.submitted,
    metrics,
    ...(molecule.adme ? { adme: molecule.adme } : {}),
    ...(molecule.externalId !== undefined ? { external_id: molecule.externalId } : {}),
    ...(warnings ? { warnings } : {}),
    artifacts: {
      archive: await file('archive', 'archive.tar.gz', 'application/gzip'),
      structure: await file('structure', STRUCTURE_FILE, 'chemical/x-cif'),
      ligand_structure: await file('ligand_structure', LIGAND_FILE, 'chemical/x-cif'),
    },
  } as unknown as ResultDraft<K>;
}

/** Renders a result file from its recipe in the worker pool. */
function renderWith(pool: () => WorkerPool): Render {
  return async (runId, input, recipe) => {
    const [seq, which, ...rest] = recipe.split('|');
    const render: RenderTask = { runId, target: input.target as MoleculeTarget, smiles: rest.join('|'), seq: Number(seq), which: which as RenderTask['which'] };
    const bytes = await pool().run<Uint8Array>(task('renderMoleculeFile'), render);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

const filtersOf = (input: { molecule_filters?: unknown }) => input.molecule_filters as MoleculeFilters | undefined;

/** Small-molecule design: `num_molecules` unique drug-like molecules that pass the run's filters, one row each. */
export function createSyntheticMoleculeDesignEngine(options: SmallMoleculeEngineOptions): PipelineEngine<'small_molecule_design'> {
  const pool = () => options.pool ?? sharedWorkerPool();
  const render = renderWith(pool);
  return {
    version: SYNTHETIC_PIPELINE_VERSION,
    async run(run, sink, signal) {
      const total = run.input.num_molecules;
      const base: Omit<DesignTask, 'from' | 'count' | 'taken'> = {
        runId: run.id,
        target: run.input.target as MoleculeTarget,
        filters: filtersOf(run.input),
        defaultLevel: defaultSmartsCatalogFilterLevel('design'),
      };
      const design = (from: number, count: number, taken: string[]) =>
        pool().run<{ molecules: DesignedMolecule[] } | { error: string }>(task('designMolecules'), { ...base, from, count, taken }, signal);
      // Uniqueness is within the run: a resumed run first re-creates what it already has (designs are deterministic).
      const taken: string[] = [];
      if (run.resultCount > 0) {
        const earlier = await design(0, run.resultCount, []);
        if ('error' in earlier) return { status: 'failed', error: { code: 'design_failed', message: earlier.error } };
        taken.push(...earlier.molecules.map((molecule) => molecule.smiles));
      }
      let next = run.resultCount;
      return runBatches(options.timing, sink, signal, async () => {
        if (next >= total) return null;
        const count = Math.min(options.timing.batchSize, total - next);
        const designed = await design(next, count, taken);
        if ('error' in designed) {
          return { error: { code: 'design_failed', message: `Could not design more molecules that pass the filters: ${designed.error}` } };
        }
        const results = await Promise.all(
          designed.molecules.map((molecule, k) => moleculeRow(sink, render, run, next + k, { canonical: molecule.smiles, submitted: molecule.smiles, quality: molecule.quality, adme: molecule.adme })),
        );
        taken.push(...designed.molecules.map((molecule) => molecule.smiles));
        next += count;
        return { results, progress: { num_molecules_generated: next, total_molecules_to_generate: total }, checkpoint: { next }, billedUnits: count };
      });
    },
    renderFile: (run, recipe) => render(run.id, run.input, recipe),
  };
}

interface ScreenCheckpoint {
  /** Accepted molecules handled so far (scored or failed). */
  position: number;
  failed: number;
}

/**
 * Small-molecule library screen: every submitted molecule is checked (invalid, filtered — neither
 * scored nor billed), then the accepted ones are scored in submission order. A molecule over
 * Boltz-2's affinity limit of 128 heavy atoms fails (`num_molecules_failed`, not billed).
 */
export function createSyntheticMoleculeScreenEngine(options: SmallMoleculeEngineOptions): PipelineEngine<'small_molecule_library_screen'> {
  const pool = () => options.pool ?? sharedWorkerPool();
  const render = renderWith(pool);
  return {
    version: SYNTHETIC_PIPELINE_VERSION,
    async run(run, sink, signal) {
      const submitted = run.input.molecules as unknown as Array<{ smiles: string; id?: string }>;
      const prepared = await prepareAll(
        pool(),
        submitted.map((molecule) => molecule.smiles),
        { filters: filtersOf(run.input), defaultLevel: defaultSmartsCatalogFilterLevel('library_screen'), target: run.input.target as MoleculeTarget, adme: true, fingerprints: false },
        signal,
      );
      const accepted = prepared.molecules.flatMap((molecule, index) => (molecule.outcome === 2 ? [{ ...molecule, index }] : []));
      const rejection = {
        filtered_count: prepared.molecules.filter((molecule) => molecule.outcome === 1).length,
        invalid_count: prepared.molecules.filter((molecule) => molecule.outcome === 0).length,
      };
      const total = accepted.length;
      const state: ScreenCheckpoint = (run.checkpoint as ScreenCheckpoint | null) ?? { position: 0, failed: 0 };
      let screened = run.resultCount;
      let reported = run.progress !== null && run.progress.rejection_summary !== undefined;
      return runBatches(options.timing, sink, signal, async () => {
        if (state.position >= total && reported) return null;
        reported = true;
        const slice = accepted.slice(state.position, state.position + options.timing.batchSize);
        const results: Array<ResultDraft<'small_molecule_library_screen'>> = [];
        for (const molecule of slice) {
          if (molecule.heavyAtoms > MAX_SCORED_HEAVY_ATOMS) {
            state.failed++;
            continue;
          }
          const source = submitted[molecule.index];
          results.push(await moleculeRow(sink, render, run, screened + results.length, { canonical: molecule.canonical, submitted: source.smiles, quality: molecule.quality, adme: molecule.adme, externalId: source.id }));
        }
        state.position += slice.length;
        screened += results.length;
        return {
          results,
          progress: { num_molecules_screened: screened, num_molecules_failed: state.failed, total_molecules_to_screen: total, rejection_summary: rejection },
          checkpoint: { ...state },
          billedUnits: results.length,
        };
      });
    },
    renderFile: (run, recipe) => render(run.id, run.input, recipe),
  };
}

/** Where explore's library file is among a run's input files (its input path). */
export const EXPLORE_LIBRARY_PATH = 'library.source';

/** Chunks of a stored file, as a download or a file read would deliver them. */
async function* chunksOf(data: Buffer, size = 1 << 20): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

interface PreparedLibrary {
  canonical: string[];
  ids: string[];
  quality: Float64Array;
  heavyAtoms: Uint16Array;
  words: Uint32Array;
  rejection: { duplicate_count: number; filtered_count: number; invalid_count: number };
}

/**
 * Explore's `preparing_library`: the file read in one streaming pass (packages/chemistry
 * library-file.ts), each batch of records parsed, canonicalised and filtered in the worker pool,
 * repeats of a molecule (by canonical SMILES) counted once.
 */
async function prepareLibrary(pool: WorkerPool, input: JobInput<'small_molecule_explore'>, file: InputFile, signal: AbortSignal): Promise<PreparedLibrary> {
  const library = input.library;
  const seen = new DuplicateCounter(1 << 16);
  const canonical: string[] = [];
  const ids: string[] = [];
  const quality: number[] = [];
  const heavyAtoms: number[] = [];
  const words: Uint32Array[] = [];
  const rejection = { duplicate_count: 0, filtered_count: 0, invalid_count: 0 };
  await readMoleculeLibrary(chunksOf(file.data), { format: library.format, smiles_column: library.smiles_column, id_column: library.id_column }, async (records) => {
    const prepared = await prepareAll(
      pool,
      records.map((record) => record.smiles),
      { filters: filtersOf(input), defaultLevel: defaultSmartsCatalogFilterLevel('explore'), target: input.target as MoleculeTarget, adme: false, fingerprints: true },
      signal,
    );
    let fingerprint = 0;
    prepared.molecules.forEach((molecule, k) => {
      if (molecule.outcome === 0) return void rejection.invalid_count++;
      const accepted = molecule.outcome === 2;
      const words_ = accepted ? prepared.words!.subarray(fingerprint * FINGERPRINT_WORDS, ++fingerprint * FINGERPRINT_WORDS) : undefined;
      if (!seen.add(molecule.canonical)) return void rejection.duplicate_count++;
      if (!accepted) return void rejection.filtered_count++;
      canonical.push(molecule.canonical);
      ids.push(records[k].id);
      quality.push(molecule.quality);
      heavyAtoms.push(molecule.heavyAtoms);
      words.push(words_!);
    });
  });
  return { canonical, ids, quality: Float64Array.from(quality), heavyAtoms: Uint16Array.from(heavyAtoms, (n) => Math.min(n, 65_535)), words: concatWords(words), rejection };
}

interface ExploreCheckpoint {
  /** Selection batches committed, and the batch size they were chosen with (replayed on resume). */
  batches: number;
  batchSize: number;
  failed: number;
}

const PHASES = ['preparing_library', 'building_graph', 'scoring'] as const;

/**
 * Small-molecule explore (PIPELINE-ENGINES.md §4.6; our heuristic, not the hosted algorithm):
 * prepare the library, build a fingerprint neighbour graph, then score `budget` molecules in
 * batches chosen mostly among unscored neighbours of the best scorers so far
 * (packages/chemistry exploration-order.ts). A resumed run re-derives the library and graph
 * (deterministic) and replays its committed selections, without reporting an earlier phase again.
 */
export function createSyntheticExploreEngine(options: SmallMoleculeEngineOptions): PipelineEngine<'small_molecule_explore'> {
  const pool = () => options.pool ?? sharedWorkerPool();
  const render = renderWith(pool);
  return {
    version: SYNTHETIC_PIPELINE_VERSION,
    async run(run, sink, signal) {
      const file = run.inputFiles.get(EXPLORE_LIBRARY_PATH);
      if (!file) return { status: 'failed', error: { code: 'library_unavailable', message: 'The library file of this run is no longer stored.' } };
      const reachedPhase = PHASES.indexOf(run.progress?.phase ?? 'preparing_library');
      const budget = run.input.budget;
      const progress = (phase: (typeof PHASES)[number], library: PreparedLibrary, scored: number, failed: number) => ({
        phase,
        num_molecules_scored: scored,
        num_molecules_failed: failed,
        total_molecules_to_score: Math.min(budget, library.canonical.length),
        library_size: library.canonical.length,
        rejection_summary: library.rejection,
      });

      let library: PreparedLibrary;
      try {
        library = await prepareLibrary(pool(), run.input, file, signal);
      } catch (error) {
        if (error instanceof LibraryFileError) return { status: 'failed', error: { code: 'invalid_library', message: error.message } };
        throw error;
      }
      if (signal.aborted) return { status: 'failed', error: { code: 'interrupted', message: 'The run was interrupted.' } };
      if (reachedPhase < 1) await sink.commit({ results: [], progress: progress('building_graph', library, 0, 0), billedUnits: 0 });

      const size = library.canonical.length;
      const graph = await pool().run<NeighbourGraph>(task('explorationGraph'), { words: library.words, size, seed: run.id }, signal);
      const state = { graph, chosen: new Uint8Array(size), scores: new Float64Array(size).fill(Number.NaN) };
      const checkpoint: ExploreCheckpoint = (run.checkpoint as ExploreCheckpoint | null) ?? { batches: 0, batchSize: options.timing.batchSize, failed: 0 };
      const total = Math.min(budget, size);
      let scored = 0;
      /** The next selection: molecules chosen, scores of those that succeed. */
      const select = (batch: number) => {
        const chosen = chooseExplorationBatch(state, { batchSize: Math.min(checkpoint.batchSize, total - scored), seed: `${run.id}:${batch}` });
        const succeeded = chosen.filter((molecule) => library.heavyAtoms[molecule] <= MAX_SCORED_HEAVY_ATOMS);
        for (const molecule of succeeded) state.scores[molecule] = library.quality[molecule];
        return { chosen, succeeded };
      };
      for (let batch = 0; batch < checkpoint.batches; batch++) scored += select(batch).succeeded.length;
      if (scored !== run.resultCount) throw new Error(`explore replay found ${scored} scored molecules, the run has ${run.resultCount}`);
      if (reachedPhase < 2) await sink.commit({ results: [], progress: progress('scoring', library, scored, checkpoint.failed), checkpoint, billedUnits: 0 });

      return runBatches(options.timing, sink, signal, async () => {
        if (scored >= total) return null;
        const { chosen, succeeded } = select(checkpoint.batches);
        if (chosen.length === 0) return null;
        checkpoint.batches++;
        checkpoint.failed += chosen.length - succeeded.length;
        const results = await Promise.all(
          succeeded.map((molecule, k) =>
            moleculeRow(sink, render, run, scored + k, { canonical: library.canonical[molecule], submitted: library.canonical[molecule], quality: library.quality[molecule], externalId: library.ids[molecule] }),
          ),
        );
        scored += succeeded.length;
        return { results, progress: progress('scoring', library, scored, checkpoint.failed), checkpoint: { ...checkpoint }, billedUnits: results.length };
      });
    },
    renderFile: (run, recipe) => render(run.id, run.input, recipe),
  };
}
