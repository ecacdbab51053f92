/**
 * The contract with kernels/maec_kernels.wasm: its exports and the activation codes its
 * epilogue understands (mirrors the ACT_* defines in kernels/matmul.c).
 */

/** Exports of the kernel module. Pointers are byte addresses in tfjs-wasm's memory. */
export interface KernelExports {
  /** Floats of packing scratch space maec_matmul needs. */
  readonly maec_scratch_floats: () => number;
  /**
   * c[t] = act(A[t] . B[t] + bias) for t < batch; A(i, p) = a[t * aBs + i * aRs + p * aCs],
   * B(p, j) = b[t * bBs + p * bRs + j * bCs] (strides in elements), c row-major m x n.
   * bias is 0 or the address of n floats; k >= 1.
   */
  readonly maec_matmul: (
    a: number, b: number, c: number,
    batch: number, m: number, n: number, k: number,
    aBs: number, bBs: number, aRs: number, aCs: number, bRs: number, bCs: number,
    scratch: number, bias: number, act: number, alpha: number,
  ) => void;
}

/** Activations the kernel applies in its store, by tfjs name. */
export const activationCodes = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
} as const;

export type KernelActivation = keyof typeof activationCodes;

export function isKernelActivation(name: string): name is KernelActivation {
  return Object.hasOwn(activationCodes, name);
}
