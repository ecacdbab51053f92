/**
 * Which products our kernel takes and which stay with the stock kernel.
 *
 * Stock tfjs-wasm sends a product to XNNPACK only when both operands have batch size 1 and
 * neither is transposed; everything else runs in its naive loop. Measured against those two
 * (bench/kernels.md, docs/kernels.md):
 * - XNNPACK is 2-4x faster for few rows (M <= 8: packing B costs as much as the product and
 *   our 4-row register block runs mostly empty), still ahead up to M = 32 and for K or N of
 *   16 and below, and level with ours (within the +-20% noise of a shared machine) for mid
 *   sizes. Ours is ahead by 5-35% on large products such as [4096,192]x[192,768], so only
 *   those leave XNNPACK.
 * - The naive loop wins only for tiny matrices ([192,2,4]x[192,4,2], [3,3,3]x[3,3,3]), where
 *   packing and the call cost more than the product.
 */
import type { MatMulPlan } from './plan.ts';

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

/** Smallest M, N and K from which our kernel reliably beats XNNPACK. */
export const beatsXnnpackFrom = { m: 1024, n: 192, k: 64 } as const;

/** Smallest per-matrix m*n*k at which our kernel beats the naive loop (8x8x8). */
export const beatsNaiveFrom = 512;

/** True when our kernel should compute `call`. */
export function routeToKernel(call: CallShape, policy: RoutePolicy): boolean {
  if (policy === 'always') return true;
  const { m, n, k } = call.plan;
  if (stockUsesXnnpack(call)) return m >= beatsXnnpackFrom.m && n >= beatsXnnpackFrom.n && k >= beatsXnnpackFrom.k;
  return m * n * k >= beatsNaiveFrom;
}
