/**
 * The few internals of @tensorflow/tfjs-backend-wasm 4.22 the kernels rely on, typed and
 * checked in one place: the Emscripten module's memory and malloc, tensor addresses, and
 * output allocation; and the attr check the kernels share. The package's own types reach these
 * through Emscripten typings it does not ship, so they are described structurally here.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { isWasmMemory, type WasmMemory } from './wasm_api.ts';

/** The parts of tfjs-wasm's BackendWasm that the kernels use. */
export interface WasmBackend {
  readonly wasm: {
    readonly asm: { readonly memory: WasmMemory };
    readonly _malloc: (bytes: number) => number;
    readonly _free: (address: number) => void;
  };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** `backend` as a WasmBackend, or why it cannot be used (another backend, another build). */
export function asWasmBackend(backend: unknown): { ok: true; backend: WasmBackend } | { ok: false; reason: string } {
  const b = backend as Partial<WasmBackend> | null | undefined;
  const memory = b?.wasm?.asm?.memory;
  if (!isWasmMemory(memory)) {
    return { ok: false, reason: 'expected the tfjs-wasm backend (wasm.asm.memory), found none' };
  }
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    // The kernel module imports an unshared memory; the threaded build would need another.
    return { ok: false, reason: 'expected the single-threaded tfjs-wasm build, found shared memory' };
  }
  if (typeof b?.wasm?._malloc !== 'function' || typeof b.dataIdMap?.get !== 'function') {
    return { ok: false, reason: 'expected tfjs-wasm 4.x internals (_malloc, dataIdMap), found others' };
  }
  return { ok: true, backend: b as WasmBackend };
}

/** Byte address of a tensor's data in the backend's memory. */
export function addressOf(backend: WasmBackend, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error(`expected tensor data on the wasm backend, found none for shape [${tensor.shape}]`);
  return data.memoryOffset;
}

/** A kernel's integer attr that must be at least 1, or an error naming the kernel, the attr and what came. */
export function positiveIntegerAttr(kernel: string, attrs: unknown, attr: string): number {
  const value = (attrs as Record<string, unknown> | undefined)?.[attr];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${kernel}: expected attr ${attr} a positive integer, got ${String(value)}`);
  return value;
}
