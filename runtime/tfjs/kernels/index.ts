/**
 * SIMD matmul and elementwise kernels for the tfjs-wasm backend (project issue #8): see
 * docs/kernels.md.
 *
 * @example
 *   await tf.setBackend('wasm');
 *   const result = await installKernels(); // { installed: true, kernels: ['BatchMatMul', '_FusedMatMul'] }
 */
export { installKernels, uninstallKernels, installedKernels, installedSimd, kernelsEnabled, type InstallOptions, type InstallResult } from './install.ts';
export type { RoutePolicy } from './route.ts';
export { fusedKernelNames } from './elementwise.ts';
export { planMatMul, planFlops, type MatMulPlan, type PlanResult } from './plan.ts';
export { relaxedSimd, simdChoice, type SimdBuild, type SimdChoice } from './simd.ts';
export { adamwKernelName, adamwKernelInstalled, adamwUpdate, runAdamWKernel, type AdamWStep, type AdamWState } from './adamw.ts';
