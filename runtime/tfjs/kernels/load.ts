/**
 * Loads a committed kernel binary (kernels/maec_kernels.wasm, or its relaxed-SIMD twin
 * kernels/maec_kernels_relaxed.wasm) and instantiates it on a given memory. The bytes are read
 * from next to the C sources, so nothing is built at run time.
 */
import { readFile } from 'node:fs/promises';
import type { KernelExports } from './abi.ts';
import type { SimdBuild } from './simd.ts';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm_api.ts';

/** Where each committed kernel binary lives, relative to this file. */
export const kernelModuleUrls: Readonly<Record<SimdBuild, URL>> = Object.freeze({
  plain: new URL('../../../kernels/maec_kernels.wasm', import.meta.url),
  relaxed: new URL('../../../kernels/maec_kernels_relaxed.wasm', import.meta.url),
});

/** The plain build's location (the one every SIMD runtime accepts). */
export const kernelModuleUrl = kernelModuleUrls.plain;

const compiled = new Map<SimdBuild, Promise<WasmModule>>();

/**
 * The compiled kernel module of `build`; compiled once per process. The relaxed build must only
 * be asked for once simd.ts's relaxedSimd() said it is supported.
 */
export function kernelModule(build: SimdBuild = 'plain'): Promise<WasmModule> {
  let module = compiled.get(build);
  if (!module) {
    const url = kernelModuleUrls[build];
    module = readFile(url).then((bytes) => wasmApi.compile(bytes));
    compiled.set(build, module);
  }
  return module;
}

/** Instantiates the kernels of `build` on `memory`, which must be tfjs-wasm's own (unshared) memory. */
export async function instantiateKernels(memory: WasmMemory, build: SimdBuild = 'plain'): Promise<KernelExports> {
  const instance = await wasmApi.instantiate(await kernelModule(build), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
