/**
 * Our _FusedMatMul kernelFunc (tf.fused.matMul: product, then bias, then activation) for the
 * wasm backend.
 *
 * Bias and linear/relu/relu6/leakyrelu are applied in the kernel's store, while the result is
 * still in registers. Elu, sigmoid and prelu follow as the backend's own elementwise kernel on
 * our output. This is also a fix, not only a speed-up: stock tfjs-wasm 4.22's _FusedMatMul is
 * wrong whenever a transpose flag is set or the batch exceeds one (see tests/kernels/fused).
 * Only a bias that is not a length-N vector still goes to the stock kernel.
 */
import { getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { isKernelActivation } from './abi.ts';
import { routedCall, type InstanceFor } from './batch_matmul.ts';
import type { RoutePolicy } from './route.ts';
import { runPlan } from './run.ts';
import { addressOf } from './wasm_backend.ts';

interface FusedInputs {
  a: TensorInfo;
  b: TensorInfo;
  bias?: TensorInfo | null;
  preluActivationWeights?: TensorInfo | null;
}

interface FusedAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  leakyreluAlpha?: number;
}

/** Activations run as a separate wasm kernel after ours, by tfjs activation name. */
const followingKernel: Readonly<Record<string, string>> = { elu: 'Elu', sigmoid: 'Sigmoid', prelu: 'Prelu' };

/** A _FusedMatMul kernelFunc that uses our kernel where it can and `stock` elsewhere. */
export function fusedMatMulKernel(stock: KernelFunc, instanceFor: InstanceFor, policy: RoutePolicy): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as unknown as FusedInputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as FusedAttrs;
    const instance = instanceFor(args.backend);
    const inKernel = isKernelActivation(activation);
    const following = inKernel ? undefined : getKernel(followingKernel[activation] ?? '', 'wasm');
    if (instance === undefined || (!inKernel && following === undefined)) return stock(args);
    if (activation === 'prelu' && preluActivationWeights == null) return stock(args);
    // Stock _FusedMatMul is wrong with a transpose flag or a batch above one, so those calls
    // are ours whatever their size.
    const stockIsWrong = transposeA || transposeB || a.shape.length > 2 || b.shape.length > 2;
    const call = routedCall(a, b, transposeA, transposeB, stockIsWrong ? 'always' : policy);
    if (call === undefined) return stock(args);
    if (bias != null && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== call.plan.n)) return stock(args);

    const backend = instance.backend;
    const out = backend.makeOutput([...call.plan.outShape], 'float32');
    runPlan(instance, call.plan, addressOf(backend, a), addressOf(backend, b), addressOf(backend, out), {
      bias: bias == null ? 0 : addressOf(backend, bias),
      activation: inKernel ? activation : 'linear',
      alpha: leakyreluAlpha ?? 0, // as stock tfjs-wasm does when the attr is absent
    });
    if (following === undefined) return out;
    const inputs = activation === 'prelu' ? { x: out, alpha: preluActivationWeights! } : { x: out };
    const activated = following.kernelFunc({ inputs, backend: args.backend, attrs: {} }) as TensorInfo;
    backend.disposeData(out.dataId);
    return activated;
  };
}
