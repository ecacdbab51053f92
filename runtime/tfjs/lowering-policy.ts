import type { BackendName } from './target.ts';

/**
 * How each op is lowered on each backend, in one place, with the reason. Measured on
 * tfjs 4.22; each choice is exact (the same numbers), only the kernels that run differ.
 */
export interface LoweringPolicy {
  /**
   * 'plain2d': a linear layer's forward and backward use only plain 2-D matmuls with explicit
   * transposes (a custom gradient). On wasm a matmul with transposeA/transposeB, or a batched
   * one, leaves XNNPACK and runs ~20x slower. 'native': tfjs's matMul and its own gradient.
   */
  readonly linear: 'plain2d' | 'native';
  /**
   * 'scatterGrad': token gathers (shuffle / unshuffle) get a custom gradient that scatters the
   * upstream gradient back (ScatterNd): wasm has no UnsortedSegmentSum, so tf.gather has no
   * gradient there. 'native': tf.gather's own gradient.
   */
  readonly gather: 'scatterGrad' | 'native';
  /**
   * 'split': slicing on a differentiated path uses tf.split (its gradient is a concat).
   * StridedSlice has no gradient on any backend, so tf.slice-with-strides is never used.
   */
  readonly slice: 'split';
  /**
   * 'addZeros': repeating a token over the batch is a broadcasting add onto zeros; tile and
   * broadcastTo have a gradient of one Slice per repeat, extremely slow on wasm.
   */
  readonly broadcast: 'addZeros';
  /** Transposes are kept at rank 4 or below (higher ranks fall off the fast path). */
  readonly maxTransposeRank: 4;
}

const WASM: LoweringPolicy = { linear: 'plain2d', gather: 'scatterGrad', slice: 'split', broadcast: 'addZeros', maxTransposeRank: 4 };
// With maec's matmul kernels (runtime/kernels) transposed products are as fast as plain ones,
// so explicit transposes would only cost time and memory.
const WASM_MAEC_KERNELS: LoweringPolicy = { ...WASM, linear: 'native' };
// The cpu backend is the reference: the same decompositions, so wasm and cpu differ only in kernels.
const CPU: LoweringPolicy = WASM;
// libtensorflow has fast transposed matmuls and a gather gradient.
const TENSORFLOW: LoweringPolicy = { linear: 'native', gather: 'native', slice: 'split', broadcast: 'addZeros', maxTransposeRank: 4 };

// tfjs-webgpu's matmul shader takes transposeA/transposeB and batches natively, and it has
// UnsortedSegmentSum, so tf.gather's own gradient runs (tests/runtime/webgpu.test.ts checks
// both against the official code's gradients). maec's gathers are 1-D (flat indices), the case
// whose gradient needs no chained ops.
const WEBGPU: LoweringPolicy = TENSORFLOW;

export const POLICIES: Readonly<Record<BackendName, LoweringPolicy>> = Object.freeze({ wasm: WASM, cpu: CPU, tensorflow: TENSORFLOW, webgpu: WEBGPU });

/** The lowering policy for a backend; on wasm it depends on whether maec's matmul kernels are installed. */
export function policyFor(backend: string, maecKernels = false): LoweringPolicy {
  if (backend === 'wasm' && maecKernels) return WASM_MAEC_KERNELS;
  return (POLICIES as Record<string, LoweringPolicy>)[backend] ?? WASM;
}
