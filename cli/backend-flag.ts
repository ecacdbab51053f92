/**
 * The `--backend` flag every command shares: its help text, in one place so that every
 * command's `--help` says the same (runtime/tfjs/target.ts decides; docs/gpu.md explains).
 */
export const BACKEND_HELP =
  'webgpu, tensorflow, wasm or cpu (default: the fastest available: webgpu on a hardware GPU, else tensorflow if installed, else wasm)';

export const BACKEND_FLAG = { kind: 'string', value: 'NAME', help: BACKEND_HELP } as const;
