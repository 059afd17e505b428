export * from './engine.ts';
export { createMemoryResultFiles, type MemoryResultFiles } from './memory-result-files.ts';
export {
  SAMPLE_METRIC_KEYS,
  structureConfidence,
  packStructureOutput,
  storePackedOutput,
  type SampleMetrics,
  type BindingMetrics,
  type StructureOutput,
  type PackedStructureOutput,
  type PredictedSample,
} from './structure-output.ts';
export { createWorkerPool, sharedWorkerPool, siblingModule, type WorkerPool, type WorkerPoolOptions, type WorkerTask } from './worker-pool.ts';
export { tarGz, type ArchiveEntry } from './archive.ts';
export { npz, npyFloat32, type Float32Array2D } from './npz.ts';
export { writeMmcif } from './mmcif.ts';
export {
  createSyntheticEngine,
  predictAdme,
  admeFromDescriptors,
  synthesizeComplex,
  synthesizeStructureAndBinding,
  complexSpecOf,
  SYNTHETIC_TASKS,
  type SyntheticEngineOptions,
  type ComplexSpec,
  type EntitySpec,
  type SiteRef,
  type SynthesizedComplex,
  type ChainSummary,
  type ComplexConfidence,
  type ResidueAtoms,
} from './synthetic/index.ts';
export { EngineFailure } from './engine-failure.ts';
export {
  createBoltzEngine,
  needsAutomaticMsa,
  toBoltzRequest,
  readBoltzOutput,
  classifyFailure,
  pdbTemplateToMmcif,
  type BoltzEngineOptions,
  type BoltzDeployment,
  type BoltzRequest,
  type ProcessResult,
} from './boltz/index.ts';
export * from './job-types.ts';
export * from './pipeline.ts';
export { readMmcifChains, proteinSequenceOf, MmcifError, type CifChain, type CifResidue } from './read-mmcif.ts';
export * from './protein/design-plan.ts';
export { parseSequenceDsl, AMINO_ACIDS, type DslSegment } from './protein/sequence-dsl.ts';
export { createSyntheticProteinDesignEngine } from './synthetic/pipelines/protein-design.ts';
export { createSyntheticProteinLibraryScreenEngine, SYNTHETIC_SCREEN_MAX_TOKENS } from './synthetic/pipelines/protein-library-screen.ts';
export { createSyntheticSequenceRedesignEngine } from './synthetic/pipelines/protein-sequence-redesign.ts';
export * from './protein/redesign-plan.ts';
export { SYNTHETIC_PIPELINE_VERSION, type SyntheticPipelineTiming } from './synthetic/pipelines/batch-loop.ts';
export { CURATED_BINDERS, type CuratedBinder } from './protein/curated-binders.ts';
export {
  createSyntheticMoleculeDesignEngine,
  createSyntheticMoleculeScreenEngine,
  createSyntheticExploreEngine,
  EXPLORE_LIBRARY_PATH,
  type SmallMoleculeEngineOptions,
} from './synthetic/pipelines/small-molecule.ts';
export { ligandChainId, MAX_SCORED_HEAVY_ATOMS, type MoleculeTarget } from './synthetic/pipelines/molecule-scores.ts';
export { createBoltzGenEngine, boltzGenArgs, type BoltzGenEngineOptions } from './live/boltzgen/engine.ts';
export { toBoltzGenSpec, boltzGenAdmissionProblems, rangesOf, type BoltzGenSpec, type BoltzGenProtocol } from './live/boltzgen/spec.ts';
export { parseCsv } from './live/boltzgen/output.ts';
export { RunFolders, processIsAlive } from './live/run-folders.ts';
export { probeEngine, pythonPackageVersion, resolveExecutable, type EngineProbe, type ProbeTarget } from './live/probe.ts';
export { createContractEngine, describeExecutable, CONTRACT_VERSION, type ContractEngineOptions, type ContractDescription } from './live/contract/engine.ts';
export { createBoltzScreenEngine, smallMoleculeScreenAdapter, type ScreenAdapter, type BoltzScreenEngineOptions, type BoltzPredictOutputs } from './live/boltz-screen/engine.ts';
export { createBoltzGenRedesignEngine } from './live/boltzgen/engine.ts';
export { toBoltzGenRedesign } from './live/boltzgen/redesign.ts';
export { proteinScreenAdapter, proteinScreenAdmissionProblems } from './live/boltz-screen/protein.ts';
