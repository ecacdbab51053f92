/**
 * Which products our kernel takes and which stay with the stock kernel.
 *
 * Stock tfjs-wasm sends a product to XNNPACK only when both operands have batch size 1 and
 * neither is transposed; everything else runs in its naive loop. The rule below is the
 * measured one from bench/kernels.md: see docs/kernels.md for the numbers behind it.
 */
import type { MatMulPlan } from './plan.ts';
import { planFlops } from './plan.ts';

/** 'auto' applies the measured rule; 'always' sends every float32 product to our kernel. */
export type RoutePolicy = 'auto' | 'always';

/** Facts about a call that the stock kernel's own dispatch depends on. */
export interface CallShape {
  readonly plan: MatMulPlan;
  readonly aBatch: number;
  readonly bBatch: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Whether stock tfjs-wasm would hand this call to XNNPACK rather than its naive loop. */
export function stockUsesXnnpack(call: CallShape): boolean {
  return call.aBatch === 1 && call.bBatch === 1 && !call.transposeA && !call.transposeB;
}

/** Below this many FLOPs a product costs less than the JS around it; keep the stock path. */
export const minFlopsForKernel = 2 * 8 * 8 * 8;

/** True when our kernel should compute `call`. */
export function routeToKernel(call: CallShape, policy: RoutePolicy): boolean {
  if (policy === 'always') return true;
  return planFlops(call.plan) >= minFlopsForKernel;
}
