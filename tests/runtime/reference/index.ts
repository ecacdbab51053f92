/**
 * A plain float64 implementation of the official MAE forward pass, written from
 * ../shared/reference/MAE-SPEC.md with loops over Float64Arrays and no tfjs. Tests compare the
 * lowered tfjs programs (and their gradients) against it for configurations the single PyTorch
 * fixture does not cover.
 */
export { referenceForward, referenceLoss, stack, type ReferenceKind, type ReferenceInputs, type ReferenceOutputs } from './mae.ts';
export { patchify, unpatchify, patchElement, type PatchOrder } from './patchify.ts';
export { argsort, keptCount, randomMasking, type Masking } from './masking.ts';
export { sincosTable } from './position.ts';
export { erf } from './erf.ts';
export { type ParamValues } from './params.ts';
export { type Mat } from './mat.ts';
