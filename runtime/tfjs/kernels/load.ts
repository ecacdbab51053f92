/**
 * Loads the committed kernels/maec_kernels.wasm and instantiates it on a given memory.
 * The bytes are read from next to the C sources, so nothing is built at run time.
 */
import { readFile } from 'node:fs/promises';
import type { KernelExports } from './abi.ts';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm_api.ts';

/** Where the committed kernel binary lives, relative to this file. */
export const kernelModuleUrl = new URL('../../../kernels/maec_kernels.wasm', import.meta.url);

let compiled: Promise<WasmModule> | undefined;

/** The compiled kernel module; compiled once per process. */
export function kernelModule(): Promise<WasmModule> {
  compiled ??= readFile(kernelModuleUrl).then((bytes) => wasmApi.compile(bytes));
  return compiled;
}

/** Instantiates the kernels on `memory`, which must be tfjs-wasm's own (unshared) memory. */
export async function instantiateKernels(memory: WasmMemory): Promise<KernelExports> {
  const instance = await wasmApi.instantiate(await kernelModule(), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
