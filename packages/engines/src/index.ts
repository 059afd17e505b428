export * from './engine.ts';
export { createMemoryResultFiles, type MemoryResultFiles } from './memory-result-files.ts';
export { SAMPLE_METRIC_KEYS, structureConfidence, type SampleMetrics, type BindingMetrics, type StructureOutput } from './structure-output.ts';
export { tarGz, type ArchiveEntry } from './archive.ts';
export { npz, npyFloat32, type Float32Array2D } from './npz.ts';
export { writeMmcif } from './mmcif.ts';
export { createSyntheticEngine, predictAdme, admeFromDescriptors, type SyntheticEngineOptions } from './synthetic/index.ts';
export { EngineFailure } from './engine-failure.ts';
export {
  createBoltzEngine,
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
export { createSyntheticProteinDesignEngine, SYNTHETIC_PIPELINE_VERSION, type SyntheticPipelineTiming } from './synthetic/pipelines/protein-design.ts';
export { CURATED_BINDERS, type CuratedBinder } from './protein/curated-binders.ts';
