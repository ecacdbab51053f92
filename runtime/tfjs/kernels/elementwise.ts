/**
 * maec's own tfjs kernels for the wasm backend, backed by kernels/elementwise.c: exact GELU
 * and LayerNorm, each with its gradient as a kernel of its own, and scaled softmax's gradient. tfjs has no
 * kernels of these names; runtime/tfjs/ops call them through tf.engine().runKernel in the
 * `...WithKernels` implementations, which a wasm target with these kernels installed chooses
 * (runtime/tfjs/target.ts); other targets use the tfjs-op formulation.
 *
 * Every input is float32 and contiguous; the ops check the dtype before calling.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { InstanceFor } from './batch_matmul.ts';
import type { KernelInstance } from './instance.ts';
import { addressOf } from './wasm_backend.ts';

/** Names of the fused kernels, as registered with tf.registerKernel for backend 'wasm'. */
export const fusedKernelNames = {
  /** inputs { x }; output x Phi(x) */
  gelu: 'MaecGelu',
  /** inputs { x, dy }; output dy (Phi(x) + x phi(x)) */
  geluGrad: 'MaecGeluGrad',
  /** inputs { p, dp }, attrs { scale }; output scale * p * (dp - rowsum(dp * p)) */
  softmaxGrad: 'MaecSoftmaxGrad',
  /** inputs { x, gamma, beta }, attrs { eps }; outputs [y, xhat, rstd (last dim 1)] */
  layerNorm: 'MaecLayerNorm',
  /** inputs { dy, xhat, rstd, gamma }; outputs [dx, dgamma, dbeta] */
  layerNormGrad: 'MaecLayerNormGrad',
} as const;

function instanceOrThrow(instanceFor: InstanceFor, backend: unknown, name: string): KernelInstance {
  const instance = instanceFor(backend);
  if (instance === undefined) throw new Error(`${name}: expected the wasm backend maec's kernels were installed on, found another; call installKernels() again`);
  return instance;
}

/** Rows and columns of a tensor seen as a matrix over its last axis. */
function rowsCols(t: TensorInfo): { rows: number; cols: number } {
  const cols = t.shape[t.shape.length - 1] ?? 1;
  return { rows: cols === 0 ? 0 : util.sizeFromShape(t.shape) / cols, cols };
}

function gelu(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { backend, exports } = instanceOrThrow(instanceFor, args.backend, fusedKernelNames.gelu);
    const y = backend.makeOutput([...x.shape], 'float32');
    exports.maec_gelu(addressOf(backend, x), addressOf(backend, y), util.sizeFromShape(x.shape));
    return y;
  };
}

function geluGrad(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const { backend, exports } = instanceOrThrow(instanceFor, args.backend, fusedKernelNames.geluGrad);
    const dx = backend.makeOutput([...x.shape], 'float32');
    exports.maec_gelu_grad(addressOf(backend, x), addressOf(backend, dy), addressOf(backend, dx), util.sizeFromShape(x.shape));
    return dx;
  };
}

function softmaxGrad(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { p, dp } = args.inputs as { p: TensorInfo; dp: TensorInfo };
    const { scale } = args.attrs as unknown as { scale: number };
    const { backend, exports } = instanceOrThrow(instanceFor, args.backend, fusedKernelNames.softmaxGrad);
    const ds = backend.makeOutput([...p.shape], 'float32');
    const { rows, cols } = rowsCols(p);
    exports.maec_softmax_grad(addressOf(backend, p), addressOf(backend, dp), addressOf(backend, ds), rows, cols, scale);
    return ds;
  };
}

function layerNorm(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    const { eps } = args.attrs as unknown as { eps: number };
    const { backend, exports } = instanceOrThrow(instanceFor, args.backend, fusedKernelNames.layerNorm);
    const y = backend.makeOutput([...x.shape], 'float32');
    const xhat = backend.makeOutput([...x.shape], 'float32');
    const rstd = backend.makeOutput([...x.shape.slice(0, -1), 1], 'float32');
    const { rows, cols } = rowsCols(x);
    exports.maec_layer_norm(
      addressOf(backend, x), addressOf(backend, gamma), addressOf(backend, beta),
      addressOf(backend, y), addressOf(backend, xhat), addressOf(backend, rstd), rows, cols, eps,
    );
    return [y, xhat, rstd];
  };
}

function layerNormGrad(instanceFor: InstanceFor): KernelFunc {
  return (args) => {
    const { dy, xhat, rstd, gamma } = args.inputs as { dy: TensorInfo; xhat: TensorInfo; rstd: TensorInfo; gamma: TensorInfo };
    const { backend, exports } = instanceOrThrow(instanceFor, args.backend, fusedKernelNames.layerNormGrad);
    const { rows, cols } = rowsCols(xhat);
    const dx = backend.makeOutput([...xhat.shape], 'float32');
    const dgamma = backend.makeOutput([cols], 'float32');
    const dbeta = backend.makeOutput([cols], 'float32');
    exports.maec_layer_norm_grad(
      addressOf(backend, dy), addressOf(backend, xhat), addressOf(backend, rstd), addressOf(backend, gamma),
      addressOf(backend, dx), addressOf(backend, dgamma), addressOf(backend, dbeta), rows, cols,
    );
    return [dx, dgamma, dbeta];
  };
}

/** The fused kernels' configs for the wasm backend, bound to one kernel instance. */
export function fusedKernelConfigs(instanceFor: InstanceFor): KernelConfig[] {
  const funcs: [string, KernelFunc][] = [
    [fusedKernelNames.gelu, gelu(instanceFor)],
    [fusedKernelNames.geluGrad, geluGrad(instanceFor)],
    [fusedKernelNames.softmaxGrad, softmaxGrad(instanceFor)],
    [fusedKernelNames.layerNorm, layerNorm(instanceFor)],
    [fusedKernelNames.layerNormGrad, layerNormGrad(instanceFor)],
  ];
  return funcs.map(([kernelName, kernelFunc]) => ({ kernelName, backendName: 'wasm', kernelFunc }));
}
