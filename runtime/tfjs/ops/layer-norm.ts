import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelNames } from '../kernels/index.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';
import { customGradOnce } from './custom-grad.ts';

/** What the forward pass keeps for the gradient: y, the normalised input and 1/sigma per row. */
interface Normalised {
  readonly y: tf.Tensor;
  readonly xhat: tf.Tensor;
  readonly r: tf.Tensor;
}

interface LayerNormImpl {
  forward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): Normalised;
  grad(dy: tf.Tensor, xhat: tf.Tensor, r: tf.Tensor, gamma: tf.Tensor): tf.Tensor[];
}

/** LayerNorm's forward pass and gradient as tfjs ops, for backends without maec's fused kernels. */
const tfjsLayerNorm: LayerNormImpl = {
  forward: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): Normalised => {
    const { mean, variance } = tf.moments(x, -1, true);
    const r = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(x, mean), r);
    return { y: tf.add(tf.mul(xhat, gamma), beta), xhat, r };
  },
  grad: (dy: tf.Tensor, xhat: tf.Tensor, r: tf.Tensor, gamma: tf.Tensor): tf.Tensor[] => {
    const d = xhat.shape[xhat.shape.length - 1]!;
    const dy2 = tf.reshape(dy, [-1, d]);
    const xh2 = tf.reshape(xhat, [-1, d]);
    const dBeta = tf.sum(dy2, 0);
    const dGamma = tf.sum(tf.mul(dy2, xh2), 0);
    const g = tf.mul(dy, gamma);
    const dx = tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))));
    return [dx, dGamma, dBeta];
  },
};

/** The same two as one kernel call each (kernels/elementwise.c), on wasm with maec's kernels. */
const kernelLayerNorm: LayerNormImpl = {
  forward: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): Normalised => {
    const [y, xhat, r] = tf.engine().runKernel(fusedKernelNames.layerNorm, { x, gamma, beta }, { eps }) as tf.Tensor[];
    return { y: y!, xhat: xhat!, r: r! };
  },
  grad: (dy: tf.Tensor, xhat: tf.Tensor, r: tf.Tensor, gamma: tf.Tensor): tf.Tensor[] =>
    tf.engine().runKernel(fusedKernelNames.layerNormGrad, { dy, xhat, rstd: r, gamma }) as tf.Tensor[],
};

/**
 * LayerNorm over the last axis with the biased variance, as torch.nn.LayerNorm, with a fused
 * gradient that keeps only the normalised input and 1/sigma on the tape:
 *   y = xhat * gamma + beta,  xhat = (x - mean) * r,  r = 1 / sqrt(var + eps)
 *   dbeta = sum dy,  dgamma = sum dy * xhat   (over every axis but the last)
 *   dx = r * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma   (means over the last axis)
 */
function fusedLayerNorm(impl: LayerNormImpl, eps: number): (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return tf.customGrad((xs, g, b, save) => {
    const { y, xhat, r } = impl.forward(xs as tf.Tensor, g as tf.Tensor, b as tf.Tensor, eps);
    (save as tf.GradSaveFunc)([xhat, r, g as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xh, rs, gm]: tf.Tensor[]) => tf.tidy(() => impl.grad(dy, xh!, rs!, gm!)),
    };
  }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

/**
 * The same LayerNorm through maec's WebGPU kernels (runtime/tfjs/webgpu-kernels/layer-norm.ts):
 * the forward pass is one dispatch and keeps x and gamma on the tape; the gradient recomputes
 * the row statistics (one dispatch) and then dx, dgamma and dbeta (one each).
 */
function webgpuLayerNorm(eps: number): (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const k = webgpuKernelNames;
  return tf.customGrad((xs, g, b, save) => {
    const y = tf.engine().runKernel(k.layerNorm, { x: xs as tf.Tensor, gamma: g as tf.Tensor, beta: b as tf.Tensor }, { eps }) as tf.Tensor;
    (save as tf.GradSaveFunc)([xs as tf.Tensor, g as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [x, gamma]: tf.Tensor[]) =>
        tf.tidy(() => {
          const stats = tf.engine().runKernel(k.layerNormStats, { x: x! }, { eps }) as tf.Tensor;
          return [
            tf.engine().runKernel(k.layerNormDx, { dy, x: x!, stats, gamma: gamma! }) as tf.Tensor,
            tf.engine().runKernel(k.layerNormDgamma, { dy, x: x!, stats }) as tf.Tensor,
            tf.engine().runKernel(k.columnSum, { x: dy }) as tf.Tensor,
          ];
        }),
    };
  }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const stockByEps = customGradOnce((eps: number) => fusedLayerNorm(tfjsLayerNorm, eps));
const kernelByEps = customGradOnce((eps: number) => fusedLayerNorm(kernelLayerNorm, eps));
const webgpuByEps = customGradOnce(webgpuLayerNorm);

/** LayerNorm from stock tfjs ops: any backend. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return stockByEps(eps)(x, gamma, beta);
}

/** LayerNorm through maec's wasm kernels (float32; other dtypes take the stock ops). */
export function layerNormWithKernels(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const float = [x, gamma, beta].every((t) => t.dtype === 'float32');
  return (float ? kernelByEps : stockByEps)(eps)(x, gamma, beta);
}

/** LayerNorm through maec's WebGPU kernels (float32; other dtypes take the stock ops). */
export function layerNormWithWebGpuKernels(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const float = [x, gamma, beta].every((t) => t.dtype === 'float32');
  return (float ? webgpuByEps : stockByEps)(eps)(x, gamma, beta);
}
