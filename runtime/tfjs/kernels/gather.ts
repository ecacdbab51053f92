/**
 * The masking gathers for the wasm backend (shuffle to the kept tokens, unshuffle with
 * ids_restore) and their backward scatter, as whole-row copies on tfjs-wasm's heap:
 *   out[n, k, :] = x[n, ids[n, k], :]                 x [N, L, D], ids [N, K] int32 -> [N, K, D]
 *   dx[n, l, :]  = sum of dy[n, k, :] over the k with ids[n, k] = l, else 0          [N, L, D]
 *
 * The ops formulation (runtime/tfjs/ops/tokens.ts, gatherTokens) builds flat indices with five
 * tfjs ops and runs tfjs-wasm's GatherV2, which computes an index per element: on the bench
 * config its two gathers took 33 ms of a 1.6 s step, and their ScatterNd gradients 12 ms.
 * Here each row of D floats is one typed-array set on the heap. The scatter adds onto zeros,
 * so repeated ids are summed in k order, as the gradient of a gather requires (the masking ids
 * of a row are distinct: a prefix of a permutation). Every id is checked: an id outside [0, L)
 * is an error naming it, not a read of another sample's memory.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { hasHeapViews, type HeapBackend } from './slice.ts';
import { positiveIntegerAttr } from './wasm_backend.ts';

/** Names of the gather kernels, as registered with tf.registerKernel for backend 'wasm'. */
export const gatherKernelNames = {
  /** inputs { x [N, L, D] float32, ids [N, K] int32 }; output [N, K, D] */
  gather: 'MaecGatherTokens',
  /** inputs { dy [N, K, D] float32, ids [N, K] int32 }, attrs { length: L }; output [N, L, D] */
  scatter: 'MaecScatterTokens',
} as const;

function heapBackend(backend: unknown, name: string): HeapBackend {
  if (!hasHeapViews(backend)) throw new Error(`${name}: expected the tfjs-wasm backend (typedArrayFromHeap), found another`);
  return backend;
}

function checkShapes(name: string, rows: TensorInfo, ids: TensorInfo, rowsName: string): void {
  if (rows.dtype !== 'float32' || rows.shape.length !== 3) throw new Error(`${name}: expected ${rowsName} float32 [N, *, D], got ${rows.dtype} [${rows.shape}]`);
  if (ids.dtype !== 'int32' || ids.shape.length !== 2 || ids.shape[0] !== rows.shape[0]) {
    throw new Error(`${name}: expected ids int32 [N, K] with N = ${rows.shape[0]}, got ${ids.dtype} [${ids.shape}]`);
  }
}

/** The ids [N, K] as a heap view, every one checked to lie in [0, L): an error names the first that does not. */
function checkedIds(backend: HeapBackend, ids: TensorInfo, l: number, name: string): Int32Array {
  const index = backend.typedArrayFromHeap(ids) as Int32Array;
  const k = ids.shape[1]!;
  for (let at = 0; at < index.length; at++) {
    const id = index[at]!;
    if (!(id >= 0 && id < l)) throw new Error(`${name}: ids[${Math.floor(at / k)}, ${at % k}] = ${id} is outside [0, ${l}) (L = ${l} tokens per sample)`);
  }
  return index;
}

function gather(): KernelFunc {
  return (args) => {
    const { x, ids } = args.inputs as { x: TensorInfo; ids: TensorInfo };
    const name = gatherKernelNames.gather;
    checkShapes(name, x, ids, 'x');
    const backend = heapBackend(args.backend, name);
    const [n, l, d] = x.shape as [number, number, number];
    const k = ids.shape[1]!;
    const out = backend.makeOutput([n, k, d], 'float32');
    // Views after makeOutput: an allocation can grow (and replace) the heap's buffer.
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const index = checkedIds(backend, ids, l, name);
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < k; j++) {
        const from = (s * l + index[s * k + j]!) * d;
        dst.set(src.subarray(from, from + d), (s * k + j) * d);
      }
    }
    return out;
  };
}

function scatter(): KernelFunc {
  return (args) => {
    const { dy, ids } = args.inputs as { dy: TensorInfo; ids: TensorInfo };
    const name = gatherKernelNames.scatter;
    checkShapes(name, dy, ids, 'dy');
    const l = positiveIntegerAttr(name, args.attrs, 'length');
    const backend = heapBackend(args.backend, name);
    const [n, k, d] = dy.shape as [number, number, number];
    if (ids.shape[1] !== k) throw new Error(`${name}: expected ids [${n}, ${k}] for dy [${dy.shape}], got [${ids.shape}]`);
    const out = backend.makeOutput([n, l, d], 'float32');
    const src = backend.typedArrayFromHeap(dy) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const index = checkedIds(backend, ids, l, name);
    dst.fill(0);
    // Added onto zeros, not copied: the same sums, in k order, as the gather's gradient (and
    // ScatterNd) computes, with 0 + (-0) = +0 included.
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < k; j++) {
        const to = (s * l + index[s * k + j]!) * d;
        const from = (s * k + j) * d;
        for (let c = 0; c < d; c++) dst[to + c]! += src[from + c]!;
      }
    }
    return out;
  };
}

/** The gather kernels' configs for the wasm backend. */
export function gatherKernelConfigs(): KernelConfig[] {
  return [
    { kernelName: gatherKernelNames.gather, backendName: 'wasm', kernelFunc: gather() },
    { kernelName: gatherKernelNames.scatter, backendName: 'wasm', kernelFunc: scatter() },
  ];
}
