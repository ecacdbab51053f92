/**
 * The contract with kernels/maec_kernels.wasm: its exports (kernels/matmul.c and
 * kernels/elementwise.c) and the activation codes the matmul epilogue understands (mirrors
 * the ACT_* defines in kernels/matmul.c).
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
  /** y = x Phi(x) (exact GELU), n elements. */
  readonly maec_gelu: (x: number, y: number, n: number) => void;
  /** dx = dy (Phi(x) + x phi(x)), n elements. */
  readonly maec_gelu_grad: (x: number, dy: number, dx: number, n: number) => void;
  /** ds = scale * p * (dp - rowsum(dp * p)). */
  readonly maec_softmax_grad: (p: number, dp: number, ds: number, rows: number, cols: number, scale: number) => void;
  /** LayerNorm over rows of `cols`: writes y, xhat (rows x cols) and rstd (rows). */
  readonly maec_layer_norm: (
    x: number, gamma: number, beta: number, y: number, xhat: number, rstd: number,
    rows: number, cols: number, eps: number,
  ) => void;
  /** LayerNorm's gradient: dx (rows x cols), dgamma and dbeta (cols each). */
  readonly maec_layer_norm_grad: (
    dy: number, xhat: number, rstd: number, gamma: number, dx: number, dgamma: number, dbeta: number,
    rows: number, cols: number,
  ) => void;
  /**
   * One AdamW update of n floats (kernels/adamw.c): writes p', m', v' from p, g, m, v; decay is
   * 1 - lr * weight_decay or 1, c1 and c2 the bias corrections.
   */
  readonly maec_adamw: (
    p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    decay: number, c1: number, c2: number, eps: number, lr: number,
  ) => void;
  /** out[j] = sum over i < rows of x[i * cols + j]. */
  readonly maec_sum_rows: (x: number, out: number, rows: number, cols: number) => void;
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
