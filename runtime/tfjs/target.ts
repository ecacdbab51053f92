import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from './gradients.ts';
import { fusedKernelNames, installKernels, installedKernels, kernelsEnabled, uninstallKernels, type InstallOptions } from './kernels/index.ts';
import { STOCK_OPS, WASM_KERNEL_OPS, WEBGPU_KERNEL_OPS, type OpImpls } from './ops/impls.ts';
import { policyFor, type LoweringPolicy } from './lowering-policy.ts';
import { TargetError } from './target-error.ts';
import { describeAdapter, isHardware, knownAnswer, mayHaveAdapter, openWebGpu, webGpuOpened, type AdapterInfo } from './webgpu.ts';

export { TargetError } from './target-error.ts';
export type { AdapterInfo } from './webgpu.ts';

registerGradients();

/**
 * The tfjs backends maec runs on, fastest first:
 * - webgpu: @tensorflow/tfjs-backend-webgpu on Dawn (npm `webgpu`; runtime/tfjs/webgpu.ts),
 *   chosen automatically only on a hardware GPU; a CPU adapter (lavapipe) only on request.
 *   Runtime code reads results with awaited reads (runtime/tfjs/read.ts): a synchronous read
 *   of data on the GPU throws in Node;
 * - tensorflow: libtensorflow through @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, when
 *   one of them is installed (optional: their install downloads a native library);
 * - wasm: @tensorflow/tfjs-backend-wasm with SIMD (XNNPACK), the default on CPU;
 * - cpu: pure JavaScript, ~30x slower, the reference.
 */
export type BackendName = 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = Object.freeze(['webgpu', 'tensorflow', 'wasm', 'cpu']);

/**
 * Where a command's programs run, made once per command by `openTarget` and passed down to
 * `lower`: the tfjs backend, the lowering policy for it, and which implementation of the fused
 * ops (GELU, LayerNorm, attention) runs. Nothing below it asks tfjs or a module flag which
 * backend or kernels are active; a program checks only that its target is still the active one.
 */
export interface Target {
  readonly backend: BackendName;
  /** Why this backend was taken, for the CLI to print. */
  readonly reason: string;
  /** On wasm: whether maec's SIMD kernels replaced the stock ones, and if not why; on webgpu: the adapter and whether maec's WebGPU kernels run. */
  readonly kernels?: string;
  readonly policy: LoweringPolicy;
  readonly ops: OpImpls;
  /** The kernels maec registered into tfjs for this target (empty: stock tfjs). */
  readonly installed: readonly string[];
  /** On webgpu: the adapter tfjs runs on. */
  readonly adapter?: AdapterInfo;
}

export interface TargetOptions {
  /**
   * maec's wasm kernels: true (default, unless MAEC_KERNELS=off), false for stock tfjs-wasm,
   * or the install options (benchmarks compare kernel subsets).
   */
  readonly kernels?: boolean | InstallOptions;
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

/** Whether `name` can run here (for webgpu: any adapter but Dawn's null one, a CPU one included). */
export async function isAvailable(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') return (await loadNative()) !== undefined;
  if (name === 'webgpu') return (await openWebGpu()).ok;
  return tf.findBackendFactory(name) !== undefined;
}

let webgpuChecked: Promise<string | undefined> | undefined;

/**
 * Activates webgpu and checks once per process that it computes (see `knownAnswer`); throws a
 * TargetError saying what is missing when it cannot run.
 */
async function activateWebGpu(): Promise<AdapterInfo> {
  const opened = await openWebGpu();
  if (!opened.ok) throw new TargetError(`the webgpu backend cannot run here: ${opened.reason}`);
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch {
    // tfjs logs why the factory failed; the message below says what to check.
  }
  if (!ok) throw new TargetError(`the webgpu backend did not initialise on the adapter ${describeAdapter(opened.adapter)}`);
  await tf.ready();
  webgpuChecked ??= knownAnswer();
  const wrong = await webgpuChecked;
  if (wrong !== undefined) throw new TargetError(`the webgpu adapter ${describeAdapter(opened.adapter)} computes wrong results (${wrong}); refused`);
  return opened.adapter;
}

/**
 * Activates the requested backend, or the fastest available one when none is requested, and
 * returns the target that lowering uses. Throws a TargetError with the list of available
 * backends when the requested one cannot run, and for webgpu with what is missing (Vulkan
 * loader, driver) or that only Dawn's null adapter answers.
 *
 * @example const target = await openTarget('wasm'); const program = lower(graph, target);
 */
export async function openTarget(requested?: BackendName, options: TargetOptions = {}): Promise<Target> {
  if (requested !== undefined && !BACKENDS.includes(requested))
    throw new TargetError(`unknown backend "${String(requested)}": expected one of ${BACKENDS.join(', ')}`);
  if (requested === 'webgpu') {
    const adapter = await activateWebGpu();
    return { backend: 'webgpu', reason: 'requested with --backend webgpu', adapter, policy: policyFor('webgpu'), ...(await webgpuKernels(adapter, options.kernels ?? true)) };
  }
  const skipped: string[] = [];
  if (requested === undefined && mayHaveAdapter()) {
    const opened = await openWebGpu();
    if (opened.ok && isHardware(opened.adapter)) {
      try {
        const adapter = await activateWebGpu();
        return { backend: 'webgpu', reason: 'fastest available (a hardware GPU adapter)', adapter, policy: policyFor('webgpu'), ...(await webgpuKernels(adapter, options.kernels ?? true)) };
      } catch (e) {
        skipped.push(`webgpu: ${(e as Error).message}`);
      }
    } else if (opened.ok) skipped.push(`the only WebGPU adapter is a CPU one (${describeAdapter(opened.adapter)}): --backend webgpu takes it`);
  }
  const candidates = requested ? [requested] : BACKENDS.filter((b) => b !== 'webgpu');
  for (const name of candidates) {
    if (!(await isAvailable(name))) continue;
    if (!(await tf.setBackend(name))) continue;
    await tf.ready();
    if (name === 'cpu') silenceCpuAdvice();
    const native = name === 'tensorflow' ? await loadNative() : undefined;
    const reason = requested
      ? `requested with --backend ${name}`
      : name === 'tensorflow'
        ? `fastest available (${native})`
        : name === 'wasm'
          ? 'fastest available (no @tensorflow/tfjs-node(-gpu) installed)'
          : 'the only backend that initialised';
    const why = skipped.length > 0 ? `${reason}; ${skipped.join('; ')}` : reason;
    if (name !== 'wasm') return { backend: name, reason: why, policy: policyFor(name), ops: STOCK_OPS, installed: [] };
    return { backend: name, reason: why, ...(await wasmKernels(options.kernels ?? true)) };
  }
  const available: string[] = [];
  // webgpu is listed only when this process has already found an adapter: probing it here
  // would load Dawn (and print Vulkan's warnings) to explain a failure of another backend.
  for (const name of BACKENDS) if (name === 'webgpu' ? webGpuOpened()?.ok === true : await isAvailable(name)) available.push(name);
  throw new TargetError(`backend "${requested}" is not available here; available: ${available.join(', ')}`);
}

/**
 * On wasm maec's own kernels are the default (MAEC_KERNELS=off keeps the stock ones): stock
 * tfjs-wasm runs transposed and batched matmuls ~20x slower, and its XNNPACK path can run out
 * of memory on large training steps.
 */
async function wasmKernels(kernels: boolean | InstallOptions): Promise<Pick<Target, 'kernels' | 'policy' | 'ops' | 'installed'>> {
  uninstallKernels();
  if (kernels === false) return { kernels: 'stock kernels (switched off)', policy: policyFor('wasm'), ops: STOCK_OPS, installed: [] };
  const result = await installKernels(kernels === true ? {} : kernels);
  if (!result.installed) return { kernels: `stock kernels (${result.reason})`, policy: policyFor('wasm'), ops: STOCK_OPS, installed: [] };
  const installed = installedKernels();
  return {
    kernels: `maec SIMD kernels (${result.kernels.join(', ')})`,
    policy: policyFor('wasm', installed.includes('_FusedMatMul')),
    ops: installed.includes(fusedKernelNames.gelu) ? WASM_KERNEL_OPS : STOCK_OPS,
    installed,
  };
}

/**
 * On webgpu maec's WGSL kernels (runtime/tfjs/webgpu-kernels: GELU, LayerNorm, attention, the
 * masking gather, bias+GELU, linear bias gradients, forward and backward, and the AdamW update
 * as target.ops.adamw) are the default; `kernels: false` or MAEC_KERNELS=off
 * keeps tfjs-webgpu's stock shaders, one per tfjs op. They are registered under maec's own
 * kernel names, which only WEBGPU_KERNEL_OPS calls, so a stock target is unaffected by them.
 */
async function webgpuKernels(adapter: AdapterInfo, kernels: boolean | InstallOptions): Promise<Pick<Target, 'kernels' | 'ops' | 'installed'>> {
  if (kernels === false || !kernelsEnabled()) {
    const why = kernels === false ? 'switched off' : 'off: MAEC_KERNELS=off';
    return { kernels: `adapter ${describeAdapter(adapter)}; stock WebGPU shaders (maec kernels ${why})`, ops: STOCK_OPS, installed: [] };
  }
  const { installWebGpuKernels } = await import('./webgpu-kernels/index.ts');
  const installed = installWebGpuKernels();
  return { kernels: `adapter ${describeAdapter(adapter)}; maec WebGPU kernels (${installed.join(', ')})`, ops: WEBGPU_KERNEL_OPS, installed };
}

/**
 * The start-up line's text: `wasm: fastest available (...); maec SIMD kernels (...)`, or
 * `webgpu: requested with --backend webgpu; adapter mesa software, llvmpipe: ... (fallback adapter); maec WebGPU kernels (...)`
 * (`stock WebGPU shaders (maec kernels switched off)` with kernels off).
 */
export function describeTarget(target: Target): string {
  return `${target.backend}: ${target.reason}${target.kernels ? `; ${target.kernels}` : ''}`;
}

/**
 * Throws when `target` is no longer what tfjs runs: another backend was activated, or another
 * target installed or removed kernels since. Programs call it before every run.
 */
export function assertCurrent(target: Target): void {
  const active = tf.getBackend();
  if (active !== target.backend) throw new Error(`this program was lowered for the ${target.backend} backend, but tfjs now runs ${active}; open a target for ${active} and lower again`);
  if (target.backend !== 'wasm') return; // maec's kernels are registered for wasm alone
  const now = installedKernels();
  if (now.length !== target.installed.length || now.some((k, i) => k !== target.installed[i]))
    throw new Error(`this program was lowered with kernels [${target.installed.join(', ')}], but [${now.join(', ')}] are installed now; lower again with the current target`);
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
