/**
 * One instantiation of the kernel module per tfjs-wasm backend: the module shares that
 * backend's memory, and its packing scratch is malloc'd from that backend's heap once.
 */
import type { KernelExports } from './abi.ts';
import { instantiateKernels } from './load.ts';
import type { SimdBuild } from './simd.ts';
import type { WasmBackend } from './wasm_backend.ts';

/** Kernel exports bound to one backend's memory, with their scratch space. */
export interface KernelInstance {
  readonly backend: WasmBackend;
  readonly exports: KernelExports;
  /** which committed binary these exports come from */
  readonly build: SimdBuild;
  /** 16-byte aligned address of maec_scratch_floats() floats */
  readonly scratch: number;
  /** what _malloc returned, for _free */
  readonly allocation: number;
}

/** Instantiates the kernels of `build` on `backend`'s memory and allocates their scratch. */
export async function createInstance(backend: WasmBackend, build: SimdBuild = 'plain'): Promise<KernelInstance> {
  const exports = await instantiateKernels(backend.wasm.asm.memory, build);
  const bytes = exports.maec_scratch_floats() * 4;
  // malloc may grow the memory; the kernels see the same WebAssembly.Memory, so no view to renew.
  const allocation = backend.wasm._malloc(bytes + 15);
  if (allocation === 0) throw new Error(`expected ${bytes} bytes of kernel scratch from the wasm heap, malloc returned 0`);
  return { backend, exports, build, scratch: (allocation + 15) & ~15, allocation };
}

/** Returns the scratch to the backend's heap; the instance must not be used afterwards. */
export function releaseInstance(instance: KernelInstance): void {
  instance.backend.wasm._free(instance.allocation);
}
