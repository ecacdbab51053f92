/**
 * Which of the two committed kernel builds runs: kernels/maec_kernels_relaxed.wasm (relaxed
 * SIMD: f32x4.relaxed_madd, a fused multiply-add) where the runtime accepts relaxed SIMD, the
 * plain-SIMD kernels/maec_kernels.wasm otherwise. See docs/cpu.md.
 *
 * Node 22's V8 accepts relaxed SIMD as shipped; Node 20's has it behind
 * --experimental-wasm-relaxed-simd. When the probe module does not validate, the flag is set
 * with v8.setFlagsFromString and the probe tried again. That is safe here because the flag only
 * widens what the wasm decoder accepts, it is read when a module is compiled or validated, and
 * no module compiled before it (tfjs-wasm's own) changes: docs/cpu.md has the measurements.
 */
import { setFlagsFromString } from 'node:v8';

/** The two kernel builds. */
export type SimdBuild = 'plain' | 'relaxed';

/** What MAEC_KERNELS_SIMD (or InstallOptions.simd) may ask for: 'auto' takes relaxed when it validates. */
export type SimdChoice = SimdBuild | 'auto';

const CHOICES: readonly SimdChoice[] = ['auto', 'plain', 'relaxed'];

/**
 * (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2
 * f32x4.relaxed_madd): the smallest module that validates only with relaxed SIMD on.
 */
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // body
]);

/** The tiny module used to detect relaxed SIMD, for tests. */
export const relaxedProbe: Uint8Array = PROBE;

const validate = (bytes: Uint8Array): boolean =>
  (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

let detected: { readonly supported: boolean; readonly how: string } | undefined;

/**
 * Whether this runtime compiles relaxed SIMD, enabling V8's flag first if that is what it
 * takes; decided once per process. `how` says which: 'shipped', 'flag', or why not.
 */
export function relaxedSimd(): { readonly supported: boolean; readonly how: string } {
  if (detected) return detected;
  if (validate(PROBE)) return (detected = { supported: true, how: 'shipped' });
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (validate(PROBE)) return (detected = { supported: true, how: 'flag' });
  return (detected = { supported: false, how: 'this runtime rejects relaxed SIMD even with --experimental-wasm-relaxed-simd' });
}

/** Reads MAEC_KERNELS_SIMD: auto (default, also when empty), plain or relaxed, any case. */
export function simdChoice(env: Readonly<Record<string, string | undefined>> = process.env): SimdChoice {
  const raw = env['MAEC_KERNELS_SIMD'];
  if (raw === undefined || raw === '') return 'auto';
  const value = raw.toLowerCase() as SimdChoice;
  if (!CHOICES.includes(value)) throw new Error(`MAEC_KERNELS_SIMD must be auto, plain or relaxed, got "${raw}"`);
  return value;
}

/** The build to load for `choice`, or why it cannot be (only 'relaxed' on a runtime without it). */
export function resolveBuild(choice: SimdChoice): { readonly ok: true; readonly build: SimdBuild } | { readonly ok: false; readonly reason: string } {
  if (choice === 'plain') return { ok: true, build: 'plain' };
  const relaxed = relaxedSimd();
  if (relaxed.supported) return { ok: true, build: 'relaxed' };
  if (choice === 'relaxed') return { ok: false, reason: `MAEC_KERNELS_SIMD=relaxed, but ${relaxed.how}` };
  return { ok: true, build: 'plain' };
}
