/**
 * AdamW as one kernel call per parameter on the wasm backend (kernels/adamw.c), bit for bit
 * the numbers of runtime/train/adamw.ts's fourteen tfjs ops, which it replaces where the
 * kernel is installed (installKernels registers it with the fused kernels).
 *
 * @example
 *   if (adamwKernelInstalled()) adamwUpdate({ param, grad, m, v }, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05, lr, step, decay: true });
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { InstanceFor } from './batch_matmul.ts';
import { addressOf } from './wasm_backend.ts';
// One update's scalars as the optimizer gives them (weightDecay 0 where decay does not apply).
import type { AdamWStep as AdamWScalars } from '../ops/adamw.ts';

/** The kernel's name: inputs { p, g, m, v }, attrs AdamWAttrs, outputs [p', m', v']. */
export const adamwKernelName = 'MaecAdamW';

/** The scalars of one update, each as the float32 tfjs would make of the number. */
interface AdamWAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  decay: number;
  c1: number;
  c2: number;
  eps: number;
  lr: number;
}

function adamwKernel(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { p, g, m, v } = args.inputs as { p: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
    const a = args.attrs as unknown as AdamWAttrs;
    const instance = instanceFor(args.backend);
    if (instance === undefined) throw new Error(`${adamwKernelName}: expected the wasm backend maec's kernels were installed on, found another; call installKernels() again`);
    for (const [name, t] of [['g', g], ['m', m], ['v', v]] as const) {
      if (t.dtype !== 'float32' || !util.arraysEqual(t.shape, p.shape)) throw new Error(`${adamwKernelName}: ${name} must be float32 [${p.shape.join(', ')}] like the parameter, got ${t.dtype} [${t.shape.join(', ')}]`);
    }
    const { backend, exports } = instance;
    const shape = [...p.shape];
    const [pOut, mOut, vOut] = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
    exports.maec_adamw(
      addressOf(backend, p), addressOf(backend, g), addressOf(backend, m), addressOf(backend, v),
      addressOf(backend, pOut), addressOf(backend, mOut), addressOf(backend, vOut), util.sizeFromShape(shape),
      a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.decay, a.c1, a.c2, a.eps, a.lr,
    );
    return [pOut, mOut, vOut];
  };
}

/** The AdamW kernel's config for the wasm backend, bound to one kernel instance. */
export function adamwKernelConfig(instanceFor: InstanceFor): KernelConfig {
  return { kernelName: adamwKernelName, backendName: 'wasm', kernelFunc: adamwKernel(instanceFor) };
}

/** True when the active backend has the AdamW kernel registered (wasm with maec's kernels). */
export function adamwKernelInstalled(): boolean {
  return tf.getKernel(adamwKernelName, tf.getBackend()) !== undefined;
}

/** AdamW's hyper-parameters for one update; `step` is t of the bias corrections, from 1. */
export interface AdamWStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly lr: number;
  readonly step: number;
  /** whether weight decay applies to this parameter */
  readonly decay: boolean;
}

/** The moments and gradient of one parameter. */
export interface AdamWState {
  readonly param: tf.Variable;
  readonly grad: tf.Tensor;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

/**
 * The kernel's new [param, m, v] for one update (the caller assigns and disposes them): the
 * scalars rounded to float32 exactly as the tfjs-op optimizer's ops round the numbers they are
 * given, so the results are bit for bit that optimizer's.
 */
export function runAdamWKernel(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamWScalars): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const attrs: AdamWAttrs = {
    beta1: Math.fround(s.beta1),
    oneMinusBeta1: Math.fround(1 - s.beta1),
    beta2: Math.fround(s.beta2),
    oneMinusBeta2: Math.fround(1 - s.beta2),
    decay: s.weightDecay > 0 ? Math.fround(1 - s.lr * s.weightDecay) : 1,
    c1: Math.fround(s.c1),
    c2: Math.fround(s.c2),
    eps: Math.fround(s.eps),
    lr: Math.fround(s.lr),
  };
  return tf.engine().runKernel(adamwKernelName, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** Applies one AdamW update to `param`, `m` and `v` through the kernel (tests and benchmarks). */
export function adamwUpdate(s: AdamWState, h: AdamWStep): void {
  const [p, m, v] = runAdamWKernel(s.param, s.m, s.v, s.grad, {
    lr: h.lr,
    beta1: h.beta1,
    beta2: h.beta2,
    eps: h.eps,
    weightDecay: h.decay ? h.weightDecay : 0,
    c1: 1 - h.beta1 ** h.step,
    c2: 1 - h.beta2 ** h.step,
  });
  s.param.assign(p);
  s.m.assign(m);
  s.v.assign(v);
  tf.dispose([p, m, v]);
}
