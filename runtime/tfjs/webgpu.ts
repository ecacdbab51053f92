/**
 * The tfjs WebGPU backend in Node, through Dawn (the npm `webgpu` package, a prebuilt
 * dawn.node): Vulkan on Linux, Metal on macOS, D3D12 on Windows. Nothing here runs at import:
 * `openWebGpu` loads Dawn, asks it for an adapter, vets it, installs the WebGPU globals and a
 * `navigator.gpu`, and only then imports @tensorflow/tfjs-backend-webgpu (which registers
 * 'webgpu' only when navigator.gpu exists at its import). CPU-only commands never call it.
 *
 * Refused adapters: Dawn's null backend (`MAEC_DAWN_OPTIONS=backend=null`) answers every
 * request and tfjs's setBackend succeeds on it, but it computes garbage; it is refused by its
 * adapter info here, and any adapter must also pass `knownAnswer` once tfjs runs on it.
 *
 * MAEC_DAWN_OPTIONS: whitespace-separated Dawn toggles passed to `create`, e.g.
 * `backend=vulkan` or `adapter=NVIDIA` (Dawn's own names; see the webgpu package's README).
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the adapter says it is (GPUAdapterInfo), for reports and for the automatic choice. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation (lavapipe, SwiftShader): Dawn's isFallbackAdapter. */
  readonly fallback: boolean;
}

export type WebGpuOpening = { readonly ok: true; readonly adapter: AdapterInfo } | { readonly ok: false; readonly reason: string };

/** A real GPU: not a fallback adapter and not a 'software' architecture. */
export function isHardware(a: AdapterInfo): boolean {
  return !a.fallback && a.architecture !== 'software';
}

/** Dawn's null backend: no vendor, no architecture, device 'null-backend'. */
export function isNullAdapter(a: AdapterInfo): boolean {
  return a.device === 'null-backend' || (a.vendor === '' && a.architecture === '' && a.description === '');
}

/** One line: `mesa software, llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (fallback adapter)`. */
export function describeAdapter(a: AdapterInfo): string {
  const what = [a.vendor, a.architecture].filter((s) => s !== '').join(' ') || 'unnamed adapter';
  const detail = a.description || a.device;
  return `${what}${detail ? `, ${detail}` : ''}${a.fallback ? ' (fallback adapter)' : ''}`;
}

function infoOf(adapter: GPUAdapter): AdapterInfo {
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    fallback: i.isFallbackAdapter === true || (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  };
}

export function dawnOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['MAEC_DAWN_OPTIONS'] ?? '').split(/\s+/).filter((s) => s !== '');
}

let opening: Promise<WebGpuOpening> | undefined;
let opened: WebGpuOpening | undefined;

/**
 * Loads Dawn and the tfjs WebGPU backend once per process; resolves to the adapter tfjs will
 * use, or to why there is none (what is missing, and how to install it).
 */
export function openWebGpu(): Promise<WebGpuOpening> {
  opening ??= open().then((r) => (opened = r));
  return opening;
}

/** The result of `openWebGpu` if it has already run in this process (it never starts it). */
export function webGpuOpened(): WebGpuOpening | undefined {
  return opened;
}

async function open(): Promise<WebGpuOpening> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    return { ok: false, reason: `the webgpu package (Dawn's dawn.node) does not load here: ${(e as Error).message}` };
  }
  const gpu = dawn.create(dawnOptions());
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ok: false, reason: noAdapterReason() };
  const info = infoOf(adapter);
  if (isNullAdapter(info)) return { ok: false, reason: `Dawn offers only its null adapter (device "${info.device}"), which computes nothing; refused` };
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu does not load: ${(e as Error).message}` };
  }
  return { ok: true, adapter: info };
}

/**
 * Whether Dawn could find an adapter at all, without loading it: on Linux a loadable Vulkan
 * loader and at least one driver manifest. The automatic choice asks this first so that a
 * machine without Vulkan pays nothing and sees no Vulkan warnings.
 */
export function mayHaveAdapter(): boolean {
  if (process.platform !== 'linux') return true;
  return vulkanLoader() === undefined && vulkanDrivers().some((d) => d.exists);
}

/** undefined when libvulkan.so.1 loads, else the dynamic linker's message. */
function vulkanLoader(): string | undefined {
  try {
    // Not a Node addon: a loadable library fails only after loading, with "did not self-register".
    process.dlopen({ exports: {} } as NodeJS.Module, 'libvulkan.so.1');
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    return /self-register/.test(message) ? undefined : message;
  }
}

/**
 * The Vulkan driver manifests the loader would read: VK_DRIVER_FILES (or VK_ICD_FILENAMES)
 * when set, else the standard icd.d folders; VK_ADD_DRIVER_FILES adds to either.
 */
function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): { path: string; exists: boolean }[] {
  const split = (v: string | undefined) => (v ?? '').split(':').filter((s) => s !== '');
  const manifests = (dir: string) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
    } catch {
      return [];
    }
  };
  const expand = (p: string) => {
    try {
      if (statSync(p).isDirectory()) return manifests(p).map((path) => ({ path, exists: true }));
      return [{ path: p, exists: true }];
    } catch {
      return [{ path: p, exists: false }];
    }
  };
  const explicit = split(env['VK_DRIVER_FILES'] ?? env['VK_ICD_FILENAMES']);
  const added = split(env['VK_ADD_DRIVER_FILES']).flatMap(expand);
  if (explicit.length > 0) return [...explicit.flatMap(expand), ...added];
  const config = split(env['XDG_CONFIG_DIRS'] ?? '/etc/xdg');
  const data = split(env['XDG_DATA_DIRS'] ?? '/usr/local/share:/usr/share');
  const dirs = [...config.map((d) => join(d, 'vulkan/icd.d')), '/etc/vulkan/icd.d', join(homedir(), '.local/share/vulkan/icd.d'), ...data.map((d) => join(d, 'vulkan/icd.d'))];
  return [...dirs.flatMap((d) => manifests(d).map((path) => ({ path, exists: existsSync(path) }))), ...added];
}

const INSTALL_HINT =
  'with an NVIDIA or AMD GPU, install its Vulkan driver (docs/gpu.md); without one, `eval "$(scripts/install-lavapipe.sh)"` installs Mesa\'s CPU driver (lavapipe) and sets VK_DRIVER_FILES';

/** Why Dawn returned no adapter, as far as can be told from outside it. */
function noAdapterReason(): string {
  if (process.platform !== 'linux')
    return `Dawn found no WebGPU adapter (${process.platform}: Dawn uses Metal on macOS and D3D12 or Vulkan on Windows; maec has not been tested there)`;
  const loader = vulkanLoader();
  if (loader !== undefined)
    return `the Vulkan loader libvulkan.so.1 is missing (${loader}); install it (apt-get install libvulkan1; scripts/install-lavapipe.sh does this too), then ${INSTALL_HINT}`;
  const drivers = vulkanDrivers();
  const env = process.env['VK_DRIVER_FILES'] !== undefined ? 'VK_DRIVER_FILES' : process.env['VK_ICD_FILENAMES'] !== undefined ? 'VK_ICD_FILENAMES' : undefined;
  const found = drivers.filter((d) => d.exists).map((d) => d.path);
  const missing = drivers.filter((d) => !d.exists).map((d) => d.path);
  const where = env
    ? `${env} names ${drivers.map((d) => `${d.path}${d.exists ? '' : ' (missing)'}`).join(', ') || 'nothing'}`
    : found.length > 0
      ? `driver manifests found: ${found.join(', ')}, but Dawn accepted none (bookworm's own Mesa 22 lavapipe is too old for Dawn)`
      : 'no driver manifest in the standard icd.d folders and VK_DRIVER_FILES is unset';
  return `no Vulkan driver that Dawn accepts (${where}${missing.length > 0 && !env ? `; missing: ${missing.join(', ')}` : ''}); ${INSTALL_HINT}`;
}

/**
 * A 4x4 matmul of small integers read back with `await data()`, which must be exact: catches
 * an adapter or driver that accepts work and returns garbage (Dawn's null backend returns
 * zeros). Runs on the active backend; resolves to undefined when right, else what came back.
 */
export async function knownAnswer(): Promise<string | undefined> {
  const a = Array.from({ length: 16 }, (_, i) => i - 5);
  const b = Array.from({ length: 16 }, (_, i) => (i * 7) % 11 - 3);
  const want = Array.from({ length: 16 }, (_, k) => {
    const r = Math.floor(k / 4);
    const c = k % 4;
    let s = 0;
    for (let j = 0; j < 4; j++) s += a[r * 4 + j]! * b[j * 4 + c]!;
    return s;
  });
  const ta = tf.tensor2d(a, [4, 4]);
  const tb = tf.tensor2d(b, [4, 4]);
  const product = tf.matMul(ta, tb);
  try {
    const got = Array.from(await product.data());
    return got.every((v, i) => v === want[i]) ? undefined : `a 4x4 matmul gave [${got.slice(0, 4).join(', ')}, ...], expected [${want.slice(0, 4).join(', ')}, ...]`;
  } catch (e) {
    return `a 4x4 matmul failed: ${(e as Error).message}`;
  } finally {
    tf.dispose([ta, tb, product]);
  }
}

/** Counts of WebGPU work handed to Dawn since `countDispatches` started. */
export interface DispatchCount {
  /** Compute shader dispatches (GPUComputePassEncoder.dispatchWorkgroups). */
  readonly dispatches: number;
  /** Command buffer submissions (GPUQueue.submit). */
  readonly submits: number;
  /**
   * Bytes of the storage buffers bound to the dispatches (each dispatch's inputs and output,
   * summed over dispatches; uniform buffers excluded): what the shaders could read and write,
   * an estimate of memory traffic, not a measurement of it (tfjs exposes none). tfjs pools
   * buffers by size, so a buffer may be larger than its tensor.
   */
  readonly boundBytes: number;
}

/**
 * Counts dispatches, submits and bound storage bytes by wrapping Dawn's prototypes, for
 * benchmarks and tests; call the returned `stop` to unwrap. Needs `openWebGpu` to have
 * succeeded (Dawn's classes loaded).
 */
export function countDispatches(): { readonly read: () => DispatchCount; readonly stop: () => void } {
  type Proto = { prototype: Record<string, unknown> };
  const g = globalThis as unknown as { GPUComputePassEncoder?: Proto; GPUQueue?: Proto; GPUDevice?: Proto; GPUBufferUsage?: { STORAGE: number } };
  const pass = g.GPUComputePassEncoder?.prototype;
  const queue = g.GPUQueue?.prototype;
  const device = g.GPUDevice?.prototype;
  if (!pass || !queue || !device) throw new Error('countDispatches needs the WebGPU globals: open the webgpu backend first');
  const STORAGE = g.GPUBufferUsage?.STORAGE ?? 0x80;
  let dispatches = 0;
  let submits = 0;
  let boundBytes = 0;
  const groupBytes = new WeakMap<object, number>();
  const passBytes = new WeakMap<object, number>();
  const dispatch = pass['dispatchWorkgroups'] as (...a: unknown[]) => unknown;
  const setBindGroup = pass['setBindGroup'] as (...a: unknown[]) => unknown;
  const submit = queue['submit'] as (...a: unknown[]) => unknown;
  const createBindGroup = device['createBindGroup'] as (...a: unknown[]) => unknown;
  device['createBindGroup'] = function (this: unknown, descriptor: { entries?: { resource?: { buffer?: { size: number; usage: number }; size?: number } }[] }, ...rest: unknown[]) {
    const group = createBindGroup.call(this, descriptor, ...rest) as object;
    let bytes = 0;
    for (const e of descriptor.entries ?? []) {
      const b = e.resource?.buffer;
      if (b && (b.usage & STORAGE) !== 0) bytes += e.resource?.size ?? b.size;
    }
    groupBytes.set(group, bytes);
    return group;
  };
  pass['setBindGroup'] = function (this: object, index: unknown, group: unknown, ...rest: unknown[]) {
    if (group && typeof group === 'object') passBytes.set(this, groupBytes.get(group) ?? 0);
    return setBindGroup.call(this, index, group, ...rest);
  };
  pass['dispatchWorkgroups'] = function (this: object, ...a: unknown[]) {
    dispatches++;
    boundBytes += passBytes.get(this) ?? 0;
    return dispatch.apply(this, a);
  };
  queue['submit'] = function (this: unknown, ...a: unknown[]) {
    submits++;
    return submit.apply(this, a);
  };
  return {
    read: () => ({ dispatches, submits, boundBytes }),
    stop: () => {
      pass['dispatchWorkgroups'] = dispatch;
      pass['setBindGroup'] = setBindGroup;
      queue['submit'] = submit;
      device['createBindGroup'] = createBindGroup;
    },
  };
}
