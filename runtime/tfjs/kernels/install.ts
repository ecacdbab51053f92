/**
 * Swaps our kernels into tfjs's registry for the wasm backend, and back.
 *
 * The stock kernelFuncs are kept: ours call them for what they do not handle (other dtypes,
 * refused shapes, shapes the route rule leaves to stock), and uninstallKernels() registers
 * them again. The fused kernels (GELU, softmax, LayerNorm: elementwise.ts) have no stock
 * counterpart; they are registered under names of our own and unregistered again. Which
 * implementation the ops use is the target's choice (runtime/tfjs/target.ts), made from what
 * was installed; nothing asks this module at run time. Switch the kernels off by not calling
 * installKernels(), or with the environment variable MAEC_KERNELS=off, which it respects.
 * MAEC_KERNELS_SIMD=auto|plain|relaxed picks the kernel binary (simd.ts): auto, the default,
 * takes the relaxed-SIMD (fused multiply-add) build where the runtime accepts it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulKernel } from './batch_matmul.ts';
import { fusedMatMulKernel } from './fused_matmul.ts';
import { sliceKernel, splitVKernel } from './slice.ts';
import { fusedKernelConfigs } from './elementwise.ts';
import { gatherKernelConfigs } from './gather.ts';
import { headKernelConfigs } from './heads.ts';
import { identityKernel } from './identity.ts';
import { adamwKernelConfig } from './adamw.ts';
import { sumKernel } from './sum.ts';
import { createInstance, releaseInstance, type KernelInstance } from './instance.ts';
import type { RoutePolicy } from './route.ts';
import { asWasmBackend } from './wasm_backend.ts';
import { resolveBuild, simdChoice, type SimdBuild, type SimdChoice } from './simd.ts';

/** Options of installKernels. */
export interface InstallOptions {
  /** also replace _FusedMatMul (tf.fused.matMul); default true, see docs/kernels.md */
  readonly fused?: boolean;
  /**
   * also install the elementwise kernels: fused GELU, softmax and LayerNorm, Sum over leading
   * axes, copy-free Identity, the masking gather and its scatter (gather.ts), attention's head
   * split and merge (heads.ts), AdamW (adamw.ts);
   * default true
   */
  readonly elementwise?: boolean;
  /** 'auto' (default) follows the measured route rule; 'always' takes every float32 product */
  readonly route?: RoutePolicy;
  /**
   * which kernel binary: 'auto' (relaxed SIMD where the runtime accepts it), 'plain' or
   * 'relaxed'; default MAEC_KERNELS_SIMD from `env`, else 'auto'
   */
  readonly simd?: SimdChoice;
  /** where MAEC_KERNELS and MAEC_KERNELS_SIMD are read; default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type InstallResult =
  | { readonly installed: true; readonly kernels: readonly string[]; readonly simd: SimdBuild }
  | { readonly installed: false; readonly reason: string };

/** False when MAEC_KERNELS is 'off' (any case) in `env`. */
export function kernelsEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env['MAEC_KERNELS']?.toLowerCase() !== 'off';
}

interface Installed {
  readonly instance: KernelInstance;
  readonly stock: readonly KernelConfig[];
  /** names of the fused kernels registered (no stock kernel of that name exists) */
  readonly added: readonly string[];
}

let installed: Installed | undefined;

/**
 * Replaces BatchMatMul (and _FusedMatMul) on the wasm backend with our kernels. The wasm
 * backend must be the active one. Calling it again reinstalls with the new options.
 *
 * @example await tf.setBackend('wasm'); await installKernels(); // ... uninstallKernels();
 */
export async function installKernels(options: InstallOptions = {}): Promise<InstallResult> {
  if (!kernelsEnabled(options.env)) return { installed: false, reason: 'MAEC_KERNELS=off' };
  await tf.ready();
  if (tf.getBackend() !== 'wasm') return { installed: false, reason: `expected the wasm backend active, found ${tf.getBackend()}` };
  const checked = asWasmBackend(tf.backend());
  if (!checked.ok) return { installed: false, reason: checked.reason };
  const build = resolveBuild(options.simd ?? simdChoice(options.env));
  if (!build.ok) return { installed: false, reason: build.reason };
  uninstallKernels();

  const instance = await createInstance(checked.backend, build.build);
  // A backend re-created after installation has other memory; it gets the stock kernels.
  const instanceFor = (backend: unknown): KernelInstance | undefined => (backend === instance.backend ? instance : undefined);
  const policy = options.route ?? 'auto';
  const replacements: [string, (stock: KernelConfig) => KernelConfig][] = [
    [tf.BatchMatMul, (stock) => ({ ...stock, kernelFunc: batchMatMulKernel(stock.kernelFunc, instanceFor, policy) })],
  ];
  // Slicing needs no kernel module; it only stops stock from copying the whole input per slice.
  replacements.push([tf.Slice, (stock) => ({ ...stock, kernelFunc: sliceKernel(stock.kernelFunc) })]);
  replacements.push([tf.SplitV, (stock) => ({ ...stock, kernelFunc: splitVKernel(stock.kernelFunc) })]);
  if (options.fused ?? true) {
    replacements.push([tf._FusedMatMul, (stock) => ({ ...stock, kernelFunc: fusedMatMulKernel(stock.kernelFunc, instanceFor, policy) })]);
  }
  const elementwise = options.elementwise ?? true;
  if (elementwise) {
    replacements.push([tf.Sum, (stock) => ({ ...stock, kernelFunc: sumKernel(stock.kernelFunc, instanceFor) })]);
    replacements.push([tf.Identity, (stock) => ({ ...stock, kernelFunc: identityKernel(stock.kernelFunc) })]);
  }

  const stock: KernelConfig[] = [];
  for (const [name, replace] of replacements) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) continue;
    stock.push(config);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replace(config));
  }
  const added = elementwise ? [...fusedKernelConfigs(instanceFor), ...gatherKernelConfigs(), ...headKernelConfigs(), adamwKernelConfig(instanceFor)] : [];
  for (const config of added) tf.registerKernel(config);
  installed = { instance, stock, added: added.map((c) => c.kernelName) };
  return { installed: true, kernels: [...stock.map((c) => c.kernelName), ...installed.added], simd: build.build };
}

/** The kernels now replaced or added by ours on the wasm backend (empty when none are installed). */
export function installedKernels(): readonly string[] {
  return installed === undefined ? [] : [...installed.stock.map((c) => c.kernelName), ...installed.added];
}

/** The kernel binary now installed ('plain' or 'relaxed'), or undefined when none is. */
export function installedSimd(): SimdBuild | undefined {
  return installed?.instance.build;
}

/** Restores the stock kernels and frees our scratch; a no-op when nothing is installed. */
export function uninstallKernels(): void {
  if (installed === undefined) return;
  for (const config of installed.stock) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  for (const name of installed.added) tf.unregisterKernel(name, 'wasm');
  if ((tf.findBackend('wasm') as unknown) === installed.instance.backend) releaseInstance(installed.instance);
  installed = undefined;
}
