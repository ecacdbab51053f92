/**
 * Identity for the wasm backend without a copy.
 *
 * tfjs clones every tensor it saves for a backward pass through the Identity kernel, and
 * stock tfjs-wasm's Identity copies the data: about 500 copies per training step of the
 * bench config. Tensor data is never written after its kernel returns (a variable's assign
 * swaps in new data), so the clone can share the input's data and count a reference, as
 * Reshape on the same backend and Identity on the cpu backend do.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

/** An Identity kernelFunc sharing the input's data; strings go to `stock`. */
export function identityKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const backend = args.backend as Partial<RefCounting>;
    if (x.dtype === 'string' || typeof backend.incRef !== 'function') return stock(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}
