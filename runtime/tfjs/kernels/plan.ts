/**
 * Turns a BatchMatMul's shapes and transpose flags into strided calls of the kernel.
 *
 * tfjs semantics: a is [...batchA, M, K] ([..., K, M] with transposeA), b is [...batchB, K, N]
 * ([..., N, K] with transposeB); batch dims broadcast numpy-style where one side is 1 (or
 * missing), and the output is [...broadcast(batchA, batchB), M, N], contiguous.
 *
 * Batch dims that walk memory the same way are merged; the innermost merged dim becomes the
 * kernel's own batch loop and any others are looped over here. When B is shared by the whole
 * batch and A is not transposed, the batch folds into M: one [batch*M, K] x [K, N] product
 * packs B once and keeps the register blocks full.
 */

/** One batch dim the caller loops over: its size and the element stride it moves each operand. */
export interface OuterDim {
  readonly size: number;
  readonly aStride: number;
  readonly bStride: number;
  readonly cStride: number;
}

/** Everything a kernel call needs besides addresses. Strides are in elements. */
export interface MatMulPlan {
  readonly outShape: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** the kernel's own batch loop; a stride of 0 broadcasts that operand */
  readonly batch: number;
  readonly aBatchStride: number;
  readonly bBatchStride: number;
  readonly aRowStride: number;
  readonly aColStride: number;
  readonly bRowStride: number;
  readonly bColStride: number;
  /** outer batch dims, outermost first, each a separate kernel call per index */
  readonly outer: readonly OuterDim[];
}

/** Why a product is not planned; the caller hands such a call to the stock kernel. */
export type PlanRefusal =
  | { readonly code: 'rank'; readonly message: string }
  | { readonly code: 'inner'; readonly message: string }
  | { readonly code: 'broadcast'; readonly message: string }
  | { readonly code: 'empty'; readonly message: string };

export type PlanResult =
  | { readonly ok: true; readonly plan: MatMulPlan }
  | { readonly ok: false; readonly refusal: PlanRefusal };

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

/** Left-pads a batch shape with 1s to `rank` dims. */
function padTo(dims: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - dims.length).fill(1), ...dims];
}

/** Element strides of a contiguous batch shape whose items are `item` elements; 0 where size 1. */
function batchStrides(dims: readonly number[], item: number): number[] {
  const strides = new Array<number>(dims.length).fill(0);
  let stride = item;
  for (let d = dims.length - 1; d >= 0; --d) {
    const size = dims[d] ?? 1;
    strides[d] = size === 1 ? 0 : stride;
    stride *= size;
  }
  return strides;
}

/**
 * Plans `matMul(a, b, transposeA, transposeB)` for shapes `aShape`, `bShape`.
 *
 * @example planMatMul([12, 65, 64], [12, 64, 65], false, false) // batch 12, m 65, n 65, k 64
 */
export function planMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): PlanResult {
  const refuse = (code: PlanRefusal['code'], message: string): PlanResult => ({ ok: false, refusal: { code, message } });
  if (aShape.length < 2 || bShape.length < 2) {
    return refuse('rank', `expected rank >= 2 operands, found ranks ${aShape.length} and ${bShape.length}`);
  }
  const [a0, a1] = aShape.slice(-2) as [number, number];
  const [b0, b1] = bShape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const kb = transposeB ? b1 : b0;
  const n = transposeB ? b0 : b1;
  if (k !== kb) return refuse('inner', `expected equal inner dims, found ${k} and ${kb}`);

  const rank = Math.max(aShape.length, bShape.length) - 2;
  const aBatch = padTo(aShape.slice(0, -2), rank);
  const bBatch = padTo(bShape.slice(0, -2), rank);
  const outBatch: number[] = [];
  for (let d = 0; d < rank; ++d) {
    const x = aBatch[d] ?? 1;
    const y = bBatch[d] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      return refuse('broadcast', `expected broadcastable batch dims, found ${aBatch.join('x')} and ${bBatch.join('x')}`);
    }
    outBatch.push(Math.max(x, y));
  }
  const outShape = [...outBatch, m, n];
  if (m === 0 || n === 0 || k === 0 || product(outBatch) === 0) {
    return refuse('empty', `expected non-empty operands, found m=${m} n=${n} k=${k} batch=${outBatch.join('x')}`);
  }

  // Batch dims innermost first, size-1 dims dropped, mergeable neighbours merged.
  const aStrides = batchStrides(aBatch, m * k);
  const bStrides = batchStrides(bBatch, k * n);
  const cStrides = batchStrides(outBatch, m * n);
  const groups: { size: number; aStride: number; bStride: number; cStride: number }[] = [];
  for (let d = rank - 1; d >= 0; --d) {
    const size = outBatch[d] ?? 1;
    if (size === 1) continue;
    const dim = { size, aStride: aStrides[d] ?? 0, bStride: bStrides[d] ?? 0, cStride: cStrides[d] ?? 0 };
    const inner = groups[groups.length - 1];
    if (
      inner &&
      dim.aStride === inner.aStride * inner.size &&
      dim.bStride === inner.bStride * inner.size &&
      dim.cStride === inner.cStride * inner.size
    ) {
      inner.size *= size;
    } else {
      groups.push(dim);
    }
  }

  const innermost = groups.shift() ?? { size: 1, aStride: 0, bStride: 0, cStride: m * n };
  const foldIntoM = innermost.size > 1 && innermost.bStride === 0 && !transposeA;
  return {
    ok: true,
    plan: {
      outShape,
      m: foldIntoM ? m * innermost.size : m,
      n,
      k,
      batch: foldIntoM ? 1 : innermost.size,
      aBatchStride: foldIntoM ? 0 : innermost.aStride,
      bBatchStride: foldIntoM ? 0 : innermost.bStride,
      aRowStride: transposeA ? 1 : k,
      aColStride: transposeA ? m : 1,
      bRowStride: transposeB ? 1 : n,
      bColStride: transposeB ? k : 1,
      outer: groups.reverse(),
    },
  };
}

/** Floating-point operations (2 per multiply-add) of a planned product. */
export function planFlops(plan: MatMulPlan): number {
  const outer = product(plan.outer.map((d) => d.size));
  return 2 * outer * plan.batch * plan.m * plan.n * plan.k;
}
