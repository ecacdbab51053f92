/**
 * Slice and SplitV for the wasm backend without a copy of the whole input.
 *
 * Stock tfjs-wasm 4.22 implements both in JavaScript and starts each slice with
 * `backend.readSync(x)`, which copies the entire input out of the wasm heap: splitting a
 * [64, 65, 384] qkv tensor in three copied it three times and cost as much as a matmul. These
 * versions read the input through a view of the heap and copy only the selected elements, in
 * contiguous runs of the last axis.
 */
import { backend_util, slice_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm_backend.ts';

export type HeapBackend = WasmBackend & { typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array };

export function hasHeapViews(backend: unknown): backend is HeapBackend {
  return typeof (backend as Partial<HeapBackend>).typedArrayFromHeap === 'function';
}

/** x[begin : begin + size] into a new tensor, reading x in place. */
function sliceInPlace(backend: HeapBackend, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  // Views are taken after makeOutput: an allocation can grow (and replace) the heap buffer.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = util.computeStrides(x.shape);
  if (slice_util.isSliceContinous(x.shape, [...begin], [...size])) {
    const offset = slice_util.computeFlatOffset([...begin], strides);
    dst.set(src.subarray(offset, offset + dst.length));
    return out;
  }
  const run = size[rank - 1]!;
  const outer = size.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(outer.length).fill(0);
  for (let r = 0; r < count; r++) {
    let offset = begin[rank - 1]!;
    for (let d = 0; d < outer.length; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
    dst.set(src.subarray(offset, offset + run), r * run);
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** A Slice kernelFunc reading in place; strings go to `stock`. */
export function sliceKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string' || x.shape.length === 0 || !hasHeapViews(args.backend)) return stock(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, s] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    return sliceInPlace(args.backend, x, b, s);
  };
}

/** A SplitV kernelFunc built on the in-place slice; strings go to `stock`. */
export function splitVKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string' || !hasHeapViews(args.backend)) return stock(args);
    const backend = args.backend;
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const a = util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as unknown as Parameters<typeof backend_util.prepareSplitSize>[0], numOrSizeSplits, a);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[a] = s;
      const part = sliceInPlace(backend, x, begin, size);
      begin[a]! += s;
      return part;
    });
  };
}
