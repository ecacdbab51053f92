/**
 * The WebAssembly JS API, typed locally: the project compiles against lib ES2022 without DOM,
 * whose typings (and @types/node 20's) do not declare the WebAssembly namespace. Declaring it
 * globally here would leak into every other file, so the few calls used are typed in place.
 */

/** A WebAssembly.Memory: only its buffer is read. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** An opaque compiled WebAssembly.Module. */
export interface WasmModule {
  readonly __wasmModule: unique symbol;
}

interface WebAssemblyApi {
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<{ exports: Record<string, unknown> }>;
}

/** The global WebAssembly object, which Node 20 always has. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** True when `value` is a WebAssembly.Memory. */
export function isWasmMemory(value: unknown): value is WasmMemory {
  return value instanceof wasmApi.Memory;
}
