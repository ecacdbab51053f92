/**
 * Executes a MatMulPlan with the kernel: one call per index of the outer batch dims (usually
 * a single call), each covering the plan's inner batch loop.
 */
import { activationCodes, type KernelActivation } from './abi.ts';
import type { KernelInstance } from './instance.ts';
import type { MatMulPlan } from './plan.ts';

/** What the kernel's store applies after the product; bias is 0 or the address of n floats. */
export interface Epilogue {
  readonly bias: number;
  readonly activation: KernelActivation;
  readonly alpha: number;
}

export const noEpilogue: Epilogue = { bias: 0, activation: 'linear', alpha: 0 };

/** c = epilogue(a . b) as planned; a, b, c are byte addresses in the instance's memory. */
export function runPlan(instance: KernelInstance, plan: MatMulPlan, a: number, b: number, c: number, epilogue: Epilogue): void {
  const call = (aOffset: number, bOffset: number, cOffset: number): void =>
    instance.exports.maec_matmul(
      a + 4 * aOffset, b + 4 * bOffset, c + 4 * cOffset,
      plan.batch, plan.m, plan.n, plan.k,
      plan.aBatchStride, plan.bBatchStride,
      plan.aRowStride, plan.aColStride, plan.bRowStride, plan.bColStride,
      instance.scratch, epilogue.bias, activationCodes[epilogue.activation], epilogue.alpha,
    );
  const walk = (dim: number, aOffset: number, bOffset: number, cOffset: number): void => {
    const outer = plan.outer[dim];
    if (outer === undefined) return call(aOffset, bOffset, cOffset);
    for (let i = 0; i < outer.size; ++i) {
      walk(dim + 1, aOffset + i * outer.aStride, bOffset + i * outer.bStride, cOffset + i * outer.cStride);
    }
  };
  walk(0, 0, 0, 0);
}
