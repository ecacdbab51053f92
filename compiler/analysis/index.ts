export { countParams, elements } from './params.ts';
export type { ParamCounts, ModuleParams } from './params.ts';
export { countFlops, nodeFlops } from './flops.ts';
export type { Flops } from './flops.ts';
export { activationBytes, nodeActivationBytes, trainingStateBytes, BYTES_PER_ELEMENT, TRAINING_BYTES_PER_PARAM } from './memory.ts';
export { encoderNodeIds } from './parts.ts';
export { analyze, analyzeGraphs } from './report.ts';
export type { Report } from './report.ts';
