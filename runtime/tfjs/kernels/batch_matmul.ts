/**
 * Our BatchMatMul kernelFunc for the wasm backend. Serves forward and backward alike: tfjs
 * computes a matMul's gradients as BatchMatMuls with transpose flags.
 */
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelInstance } from './instance.ts';
import { planMatMul } from './plan.ts';
import { routeToKernel, type CallShape, type RoutePolicy } from './route.ts';
import { noEpilogue, runPlan } from './run.ts';
import { addressOf } from './wasm_backend.ts';

/** How a kernelFunc finds the kernel instance for the backend it is called with. */
export type InstanceFor = (backend: unknown) => KernelInstance | undefined;

/** The call our kernel would make for a . b, or undefined when the stock kernel should run. */
export function routedCall(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, policy: RoutePolicy): CallShape | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const planned = planMatMul(a.shape, b.shape, transposeA, transposeB);
  if (!planned.ok) return undefined;
  const call: CallShape = {
    plan: planned.plan,
    aBatch: util.sizeFromShape(a.shape.slice(0, -2)),
    bBatch: util.sizeFromShape(b.shape.slice(0, -2)),
    transposeA,
    transposeB,
  };
  return routeToKernel(call, policy) ? call : undefined;
}

/** A BatchMatMul kernelFunc that uses our kernel where routed and `stock` elsewhere. */
export function batchMatMulKernel(stock: KernelFunc, instanceFor: InstanceFor, policy: RoutePolicy): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const instance = instanceFor(args.backend);
    const call = instance && routedCall(a, b, transposeA, transposeB, policy);
    if (instance === undefined || call === undefined) return stock(args);
    const backend = instance.backend;
    const out = backend.makeOutput([...call.plan.outShape], 'float32');
    runPlan(instance, call.plan, addressOf(backend, a), addressOf(backend, b), addressOf(backend, out), noEpilogue);
    return out;
  };
}
