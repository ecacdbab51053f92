/**
 * Attention's head layout changes for the wasm backend, as copies of contiguous runs of hd
 * floats on tfjs-wasm's heap (one copyWithin each, no allocation):
 *   split  x [N, T, P*H*hd] -> P tensors [H*N, T, hd]:  out_p[h*N + n, t, :] = x[n, t, (p*H + h)*hd + (0..hd)]
 *   merge  P tensors [H*N, T, hd] -> [N, T, P*H*hd]:    the inverse
 * With P = 3 these are the qkv split into heads and the join of dq, dk, dv; with P = 1 the
 * merge of the heads' outputs and the split of its upstream gradient. The ops formulation
 * (runtime/tfjs/ops/attention.ts) is a reshape, a rank-4 transpose, a reshape and a split or
 * concat, with more reshapes around: about 15 kernel calls per attention layer, forward and
 * backward, each a full pass or a tape entry. Rows are ordered (head, sample) in both.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { addressOf, asWasmBackend, positiveIntegerAttr, type WasmBackend } from './wasm_backend.ts';

/** Names of the head kernels, as registered with tf.registerKernel for backend 'wasm'. */
export const headKernelNames = {
  /** inputs { x [N, T, P*H*hd] }, attrs { heads: H, parts: P }; outputs P tensors [H*N, T, hd] */
  split: 'MaecSplitHeads',
  /** inputs { x0, x1, ... (P tensors [H*N, T, hd]) }, attrs { heads: H, samples: N }; output [N, T, P*H*hd] */
  merge: 'MaecMergeHeads',
} as const;

function wasmBackend(backend: unknown, name: string): WasmBackend {
  const checked = asWasmBackend(backend);
  if (!checked.ok) throw new Error(`${name}: ${checked.reason}`);
  return checked.backend;
}

/**
 * Copies part p of the packed layout [N, T, P*H*hd] (at float offset `packed`) to or from its
 * head layout [H*N, T, hd] (at `byHead`), one run of hd floats per (head, sample, token).
 */
function copyRuns(f: Float32Array, byHead: number, packed: number, toHeads: boolean, p: number, n: number, t: number, heads: number, hd: number, width: number): void {
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < n; s++) {
      let a = byHead + (h * n + s) * t * hd;
      let b = packed + s * t * width + (p * heads + h) * hd;
      for (let i = 0; i < t; i++, a += hd, b += width) {
        if (toHeads) f.copyWithin(a, b, b + hd);
        else f.copyWithin(b, a, a + hd);
      }
    }
  }
}

/** The whole heap as floats: every tensor of the backend lies in it (taken after the outputs are made). */
function heap(backend: WasmBackend): Float32Array {
  return new Float32Array(backend.wasm.asm.memory.buffer as ArrayBuffer);
}

function split(): KernelFunc {
  return (args) => {
    const name = headKernelNames.split;
    const { x } = args.inputs as { x: TensorInfo };
    const heads = positiveIntegerAttr(name, args.attrs, 'heads');
    const parts = positiveIntegerAttr(name, args.attrs, 'parts');
    if (x.dtype !== 'float32' || x.shape.length !== 3 || x.shape[2]! % (parts * heads) !== 0) {
      throw new Error(`${name}: expected x float32 [N, T, ${parts} * ${heads} * hd], got ${x.dtype} [${x.shape}]`);
    }
    const backend = wasmBackend(args.backend, name);
    const [n, t, width] = x.shape as [number, number, number];
    const hd = width / (parts * heads);
    const outs = Array.from({ length: parts }, () => backend.makeOutput([heads * n, t, hd], 'float32'));
    const f = heap(backend);
    const src = addressOf(backend, x) / 4;
    outs.forEach((out, p) => copyRuns(f, addressOf(backend, out) / 4, src, true, p, n, t, heads, hd, width));
    return outs;
  };
}

function merge(): KernelFunc {
  return (args) => {
    const name = headKernelNames.merge;
    const inputs = Object.keys(args.inputs).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => args.inputs[k] as TensorInfo);
    const heads = positiveIntegerAttr(name, args.attrs, 'heads');
    const n = positiveIntegerAttr(name, args.attrs, 'samples');
    const first = inputs[0];
    if (first === undefined) throw new Error(`${name}: expected at least one input`);
    const [, t, hd] = first.shape as [number, number, number];
    for (const [i, x] of inputs.entries()) {
      if (x.dtype !== 'float32' || x.shape.length !== 3 || x.shape[0] !== heads * n || x.shape[1] !== t || x.shape[2] !== hd) {
        throw new Error(`${name}: expected x${i} float32 [${heads} * ${n}, ${t ?? 'T'}, ${hd ?? 'hd'}] like x0, got ${x.dtype} [${x.shape}]`);
      }
    }
    const backend = wasmBackend(args.backend, name);
    const parts = inputs.length;
    const width = parts * heads * hd;
    const out = backend.makeOutput([n, t, width], 'float32');
    const f = heap(backend);
    const dst = addressOf(backend, out) / 4;
    inputs.forEach((x, p) => copyRuns(f, addressOf(backend, x) / 4, dst, false, p, n, t, heads, hd, width));
    return out;
  };
}

/** The head kernels' configs for the wasm backend. */
export function headKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: headKernelNames.split, backendName: 'wasm', kernelFunc: split() },
    { kernelName: headKernelNames.merge, backendName: 'wasm', kernelFunc: merge() },
  ];
}
