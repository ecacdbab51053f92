import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from './gradients.ts';
import { installKernels } from './kernels/index.ts';

registerGradients();

/**
 * The tfjs backends maec runs on, fastest first:
 * - tensorflow: libtensorflow through @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, when
 *   one of them is installed (optional: their install downloads a native library);
 * - wasm: @tensorflow/tfjs-backend-wasm with SIMD (XNNPACK), the default on CPU;
 * - cpu: pure JavaScript, ~30x slower, the reference.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = Object.freeze(['tensorflow', 'wasm', 'cpu']);

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend was taken, for the CLI to print. */
  readonly reason: string;
  /** On wasm: whether maec's SIMD matmul kernels replaced the stock ones, and if not why. */
  readonly kernels?: string;
}

let nativeLoad: Promise<string | undefined> | undefined;

/** Loads a native tfjs binding if one is installed; resolves to its package name. */
function loadNative(): Promise<string | undefined> {
  nativeLoad ??= (async () => {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await import(pkg);
        if (tf.findBackend('tensorflow')) return pkg;
      } catch {
        // Not installed, or installed without its native library: try the next one.
      }
    }
    return undefined;
  })();
  return nativeLoad;
}

/** Whether `name` can run here. */
export async function isAvailable(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') return (await loadNative()) !== undefined;
  return tf.findBackendFactory(name) !== undefined;
}

/**
 * Activates the requested backend, or the fastest available one when none is requested.
 * Throws with the list of available backends when the requested one cannot run.
 */
export async function useBackend(requested?: BackendName): Promise<BackendChoice> {
  if (requested !== undefined && !BACKENDS.includes(requested))
    throw new Error(`unknown backend "${String(requested)}": expected one of ${BACKENDS.join(', ')}`);
  const candidates = requested ? [requested] : BACKENDS;
  for (const name of candidates) {
    if (!(await isAvailable(name))) continue;
    if (!(await tf.setBackend(name))) continue;
    await tf.ready();
    if (name === 'cpu') silenceCpuAdvice();
    // On wasm maec's own matmul kernels are the default (MAEC_KERNELS=off keeps the stock ones):
    // stock tfjs-wasm runs transposed and batched matmuls ~20x slower, and its XNNPACK path can
    // run out of memory on large training steps.
    const kernels = name === 'wasm' ? await installKernels() : undefined;
    const native = name === 'tensorflow' ? await loadNative() : undefined;
    const reason = requested
      ? `requested with --backend ${name}`
      : name === 'tensorflow'
        ? `fastest available (${native})`
        : name === 'wasm'
          ? 'fastest available (no @tensorflow/tfjs-node(-gpu) installed)'
          : 'the only backend that initialised';
    if (!kernels) return { name, reason };
    return { name, reason, kernels: kernels.installed ? `maec SIMD kernels (${kernels.kernels.join(', ')})` : `stock kernels (${kernels.reason})` };
  }
  const available: string[] = [];
  for (const name of BACKENDS) if (await isAvailable(name)) available.push(name);
  throw new Error(`backend "${requested}" is not available here; available: ${available.join(', ')}`);
}

/**
 * The cpu backend prints advice to install tfjs-node on its first tensor write; maec already
 * says which backend it took and why, so that first write happens here with warnings muted.
 */
function silenceCpuAdvice(): void {
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    console.warn = warn;
  }
}
