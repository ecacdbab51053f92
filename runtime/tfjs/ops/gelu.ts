import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelNames } from '../kernels/index.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

interface GeluImpl {
  value(x: tf.Tensor): tf.Tensor;
  grad(x: tf.Tensor, dy: tf.Tensor): tf.Tensor;
}

/** GELU's value and gradient as tfjs ops, for backends without maec's fused kernels. */
const tfjsGelu: GeluImpl = {
  value: (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
  grad: (x: tf.Tensor, dy: tf.Tensor): tf.Tensor => {
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI);
    return tf.mul(dy, tf.add(cdf, tf.mul(x, pdf)));
  },
};

/** The same two as one kernel call each (kernels/elementwise.c), on wasm with maec's kernels. */
const kernelGelu: GeluImpl = {
  value: (x: tf.Tensor): tf.Tensor => tf.engine().runKernel(fusedKernelNames.gelu, { x }) as tf.Tensor,
  grad: (x: tf.Tensor, dy: tf.Tensor): tf.Tensor => tf.engine().runKernel(fusedKernelNames.geluGrad, { x, dy }) as tf.Tensor,
};

/** The same two as one WebGPU dispatch each (runtime/tfjs/webgpu-kernels/gelu.ts). */
const webgpuGelu: GeluImpl = {
  value: (x: tf.Tensor): tf.Tensor => tf.engine().runKernel(webgpuKernelNames.gelu, { x }) as tf.Tensor,
  grad: (x: tf.Tensor, dy: tf.Tensor): tf.Tensor => tf.engine().runKernel(webgpuKernelNames.geluGrad, { x, dy }) as tf.Tensor,
};

/**
 * Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.GELU(), with a fused
 * gradient: the tape keeps x alone instead of every intermediate (the MLP's widest tensor
 * would otherwise be stored four times), and
 *   d/dx = Phi(x) + x * phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
 */
function fusedGelu(impl: GeluImpl): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((xs, save) => {
    (save as tf.GradSaveFunc)([xs as tf.Tensor]);
    return {
      value: tf.tidy(() => impl.value(xs as tf.Tensor)),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.tidy(() => impl.grad(saved!, dy)),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}

const stockGelu = fusedGelu(tfjsGelu);
const kernelGeluOp = fusedGelu(kernelGelu);
const webgpuGeluOp = fusedGelu(webgpuGelu);

/** GELU from stock tfjs ops: any backend. */
export const gelu = (x: tf.Tensor): tf.Tensor => stockGelu(x);

/** GELU through maec's wasm kernels (float32; other dtypes take the stock ops). */
export const geluWithKernels = (x: tf.Tensor): tf.Tensor => (x.dtype === 'float32' ? kernelGeluOp : stockGelu)(x);

/** GELU through maec's WebGPU kernels (float32; other dtypes take the stock ops). */
export const geluWithWebGpuKernels = (x: tf.Tensor): tf.Tensor => (x.dtype === 'float32' ? webgpuGeluOp : stockGelu)(x);
