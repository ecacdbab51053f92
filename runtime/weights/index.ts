/**
 * Model weights: official and Hugging Face parameter names (every layout), loading a checkpoint against the
 * model's parameter list, and exporting in either naming.
 */
export { FROZEN_PARAMS, isDecoderParam, isFrozenParam, isPretrainingOnlyParam, type ExpectedParam } from './params.ts';
export { HF_LAYOUTS, QKV_PARTS, detectHfLayout, detectNaming, hfToOfficialName, officialToHfNames, wrapperPrefix, type HfLayout, type Naming, type QkvPart } from './names.ts';
export { hfToOfficial, officialToHf, type HfConversion, type NamedArray, type SourcedArray } from './hf.ts';
export { MAX_LISTED_PROBLEMS, WeightsError, formatWeightProblem, formatWeightProblems, type WeightProblem, type WeightProblemCode } from './problems.ts';
export { loadWeights, type LoadWeightsOptions } from './load.ts';
export { exportWeights, type ExportWeightsOptions } from './export.ts';
export { hfConfig, hfPreprocessorConfig, InteropError, officialModel, vitMaeConfig, type OfficialModel } from './interop.ts';
