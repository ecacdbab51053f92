/**
 * Sum over leading axes for the wasm backend without a transpose.
 *
 * Stock tfjs-wasm reduces only innermost axes: for any other it first transposes the whole
 * input. The reductions backpropagation makes are mostly over leading axes (a bias gradient
 * sums [N, T, D] over N and T), so every one of them paid a full transpose. Those go to
 * kernels/elementwise.c's maec_sum_rows; every other Sum goes to the stock kernel.
 */
import { backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { InstanceFor } from './batch_matmul.ts';
import { addressOf } from './wasm_backend.ts';

/** How many leading axes `axes` names, when it names exactly axes 0..k-1 with k < rank; else 0. */
export function leadingAxes(axes: readonly number[], rank: number): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

/** A Sum kernelFunc that reduces float32 leading axes in one pass and uses `stock` elsewhere. */
export function sumKernel(stock: KernelFunc, instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const instance = instanceFor(args.backend);
    const axes = util.parseAxisParam(axis, x.shape);
    const k = leadingAxes(axes, x.shape.length);
    if (instance === undefined || x.dtype !== 'float32' || k === 0) return stock(args);
    const rows = util.sizeFromShape(x.shape.slice(0, k));
    const outShape = x.shape.slice(k);
    const cols = util.sizeFromShape(outShape);
    const { backend, exports } = instance;
    const out = backend.makeOutput(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
    exports.maec_sum_rows(addressOf(backend, x), addressOf(backend, out), rows, cols);
    return out;
  };
}
