/**
 * maec's WebGPU kernels (WGSL written here, run through tfjs-webgpu's runWebGPUProgram),
 * registered into tfjs under maec's own kernel names for the 'webgpu' backend. Only
 * WEBGPU_KERNEL_OPS (runtime/tfjs/ops/impls.ts) calls them, so registering them changes
 * nothing for stock programs; openTarget registers them when a webgpu target asks for them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { adamwMoment, adamwParam } from './adamw.ts';
import { attention, attentionGrad, attentionStats } from './attention.ts';
import { gatherTokens, scatterTokens } from './gather.ts';
import { biasGelu, biasGeluGrad, gelu, geluGrad } from './gelu.ts';
import { layerNorm, layerNormDx, layerNormParamGrad, layerNormStats } from './layer-norm.ts';
import { webgpuKernelNames as K } from './names.ts';

export { webgpuKernelNames } from './names.ts';

type Inputs = Record<string, tf.TensorInfo>;
type Attrs = Record<string, unknown>;
type Impl = (backend: WebGPUBackend, inputs: Inputs, attrs: Attrs) => tf.TensorInfo;

const need = (inputs: Inputs, name: string, kernel: string): tf.TensorInfo => {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kernel}: missing input "${name}"`);
  return t;
};
const num = (attrs: Attrs, name: string, kernel: string): number => {
  const v = attrs[name];
  if (typeof v !== 'number') throw new Error(`${kernel}: attribute "${name}" must be a number, got ${String(v)}`);
  return v;
};

const IMPLS: Readonly<Record<string, Impl>> = {
  [K.gelu]: (b, i) => gelu(b, need(i, 'x', K.gelu)),
  [K.geluGrad]: (b, i) => geluGrad(b, need(i, 'x', K.geluGrad), need(i, 'dy', K.geluGrad)),
  [K.biasGelu]: (b, i) => biasGelu(b, need(i, 'x', K.biasGelu), need(i, 'b', K.biasGelu)),
  [K.biasGeluGrad]: (b, i) => biasGeluGrad(b, need(i, 'x', K.biasGeluGrad), need(i, 'b', K.biasGeluGrad), need(i, 'dy', K.biasGeluGrad)),
  [K.layerNorm]: (b, i, a) => layerNorm(b, need(i, 'x', K.layerNorm), need(i, 'gamma', K.layerNorm), need(i, 'beta', K.layerNorm), num(a, 'eps', K.layerNorm)),
  [K.layerNormStats]: (b, i, a) => layerNormStats(b, need(i, 'x', K.layerNormStats), num(a, 'eps', K.layerNormStats)),
  [K.layerNormDx]: (b, i) =>
    layerNormDx(b, need(i, 'dy', K.layerNormDx), need(i, 'x', K.layerNormDx), need(i, 'stats', K.layerNormDx), need(i, 'gamma', K.layerNormDx)),
  [K.layerNormDgamma]: (b, i) => layerNormParamGrad(b, need(i, 'dy', K.layerNormDgamma), need(i, 'x', K.layerNormDgamma), need(i, 'stats', K.layerNormDgamma), true),
  [K.columnSum]: (b, i) => layerNormParamGrad(b, need(i, 'x', K.columnSum), undefined, undefined, false),
  [K.attention]: (b, i, a) => attention(b, need(i, 'qkv', K.attention), num(a, 'heads', K.attention)),
  [K.attentionStats]: (b, i, a) =>
    attentionStats(b, need(i, 'qkv', K.attentionStats), need(i, 'out', K.attentionStats), need(i, 'dy', K.attentionStats), num(a, 'heads', K.attentionStats)),
  [K.attentionGrad]: (b, i, a) =>
    attentionGrad(b, need(i, 'qkv', K.attentionGrad), need(i, 'dy', K.attentionGrad), need(i, 'stats', K.attentionGrad), num(a, 'heads', K.attentionGrad)),
  [K.gather]: (b, i) => gatherTokens(b, need(i, 'x', K.gather), need(i, 'ids', K.gather)),
  [K.scatter]: (b, i, a) => scatterTokens(b, need(i, 'dy', K.scatter), need(i, 'ids', K.scatter), num(a, 'length', K.scatter)),
  [K.adamwMoment]: (b, i, a) => adamwMoment(b, need(i, 'x', K.adamwMoment), need(i, 'g', K.adamwMoment), num(a, 'beta', K.adamwMoment), a['second'] === true),
  [K.adamwParam]: (b, i, a) => {
    const decayFactor = num(a, 'decayFactor', K.adamwParam);
    const step = { lr: num(a, 'lr', K.adamwParam), eps: num(a, 'eps', K.adamwParam), c1: num(a, 'c1', K.adamwParam), c2: num(a, 'c2', K.adamwParam), decayFactor: decayFactor >= 0 ? decayFactor : undefined };
    return adamwParam(b, need(i, 'p', K.adamwParam), need(i, 'm', K.adamwParam), need(i, 'v', K.adamwParam), step);
  },
};

/** Registers every maec WebGPU kernel for the 'webgpu' backend (idempotent); returns their names. */
export function installWebGpuKernels(): string[] {
  for (const [kernelName, impl] of Object.entries(IMPLS)) {
    if (tf.getKernel(kernelName, 'webgpu') !== undefined) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => impl(backend as unknown as WebGPUBackend, inputs as unknown as Inputs, (attrs ?? {}) as Attrs),
    });
  }
  return Object.keys(IMPLS);
}
