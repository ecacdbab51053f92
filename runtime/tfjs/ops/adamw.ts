import * as tf from '@tensorflow/tfjs-core';
import { runAdamWKernel } from '../kernels/adamw.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';

/** The scalars of one AdamW step for one parameter (torch.optim.AdamW). */
export interface AdamWStep {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled weight decay for this parameter (0 where it does not apply). */
  readonly weightDecay: number;
  /** Bias corrections 1 - beta1^t and 1 - beta2^t. */
  readonly c1: number;
  readonly c2: number;
}

/** New values of a parameter and its two moments; the optimizer assigns them to its variables. */
export interface AdamWNext {
  readonly p: tf.Tensor;
  readonly m: tf.Tensor;
  readonly v: tf.Tensor;
}

export type AdamWUpdate = (p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamWStep) => AdamWNext;

/**
 * AdamW with decoupled weight decay as tfjs ops (call inside a tidy):
 *   p <- p * (1 - lr * wd)                       (only where decay applies)
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
export const stockAdamW: AdamWUpdate = (p, m, v, g, s) => {
  const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  const decayed = s.weightDecay > 0 ? tf.mul(p, 1 - s.lr * s.weightDecay) : p;
  const update = tf.div(tf.div(m1, s.c1), tf.add(tf.sqrt(tf.div(v1, s.c2)), s.eps));
  return { p: tf.sub(decayed, tf.mul(update, s.lr)), m: m1, v: v1 };
};

/** The same update as three dispatches of maec's WebGPU kernels (float32; other dtypes take the stock ops). */
export const webgpuAdamW: AdamWUpdate = (p, m, v, g, s) => {
  if (![p, m, v, g].every((t) => t.dtype === 'float32')) return stockAdamW(p, m, v, g, s);
  const k = webgpuKernelNames;
  const m1 = tf.engine().runKernel(k.adamwMoment, { x: m, g }, { beta: s.beta1, second: false }) as tf.Tensor;
  const v1 = tf.engine().runKernel(k.adamwMoment, { x: v, g }, { beta: s.beta2, second: true }) as tf.Tensor;
  const decayFactor = s.weightDecay > 0 ? 1 - s.lr * s.weightDecay : -1;
  const next = tf.engine().runKernel(k.adamwParam, { p, m: m1, v: v1 }, { lr: s.lr, eps: s.eps, c1: s.c1, c2: s.c2, decayFactor }) as tf.Tensor;
  return { p: next, m: m1, v: v1 };
};

/** The same update as one call of maec's wasm kernel (kernels/adamw.c), bit for bit stockAdamW's numbers. */
export const wasmAdamW: AdamWUpdate = (p, m, v, g, s) => {
  if (![p, m, v, g].every((t) => t.dtype === 'float32')) return stockAdamW(p, m, v, g, s);
  const [p1, m1, v1] = runAdamWKernel(p, m, v, g, s);
  return { p: p1, m: m1, v: v1 };
};
