/**
 * The most float32 arithmetic WebAssembly's 128-bit SIMD can do on this CPU: a loop of
 * independent f32x4 multiply-adds on registers only (no memory traffic), as many chains as
 * V8 keeps in registers, timed on 1..N threads at once. No maec kernel, matmul or training
 * step can beat it, so it bounds what any wasm build of maec can reach against a native
 * library that uses wider vectors (PyTorch's BLAS on AVX2/AVX-512).
 *
 *   taskset -c 0 npx tsx bench/simd-ceiling.ts             one thread
 *   npx tsx bench/simd-ceiling.ts --threads 2
 *
 * The module is assembled here byte by byte (no compiler involved): `run(n)` does n loop
 * iterations of CHAINS multiply-adds on f32x4 (8 FLOP each), either `f32x4.relaxed_madd` (one
 * fused instruction where the CPU has FMA) or `f32x4.mul` then `f32x4.add`.
 */
import { Worker } from 'node:worker_threads';
import { relaxedSimd } from '../runtime/tfjs/kernels/simd.ts';
import { summedRates } from './thread-rates.ts';

/** Independent accumulators: 12 plus the two operands fit x64's 16 vector registers. */
const CHAINS = 12;

export type SimdVariant = 'relaxed' | 'plain';

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const simd = (op: number): number[] => [0xfd, ...leb(op)];
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;
const F32X4_RELAXED_MADD = 0x105;

/** The module's bytes: export `run(n: i32) -> f32`. */
export function ceilingModule(variant: SimdVariant): Uint8Array {
  // locals: 0 = n (param), 1 = x, 2 = y, 3.. = accumulators
  const x = 1;
  const y = 2;
  const acc = (i: number) => 3 + i;
  const get = (l: number) => [0x20, ...leb(l)];
  const set = (l: number) => [0x21, ...leb(l)];
  const f32 = (v: number) => {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return [0x43, ...b];
  };
  const code: number[] = [];
  code.push(...f32(1e-3), ...simd(F32X4_SPLAT), ...set(x));
  code.push(...f32(1e-3), ...simd(F32X4_SPLAT), ...set(y));
  code.push(0x03, 0x40); // loop (no result)
  for (let i = 0; i < CHAINS; i++) {
    if (variant === 'relaxed') code.push(...get(x), ...get(y), ...get(acc(i)), ...simd(F32X4_RELAXED_MADD), ...set(acc(i)));
    else code.push(...get(x), ...get(y), ...simd(F32X4_MUL), ...get(acc(i)), ...simd(F32X4_ADD), ...set(acc(i)));
  }
  // n -= 1; continue while n != 0
  code.push(...get(0), 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b);
  // the lanes' sum keeps every chain live
  code.push(...get(acc(0)));
  for (let i = 1; i < CHAINS; i++) code.push(...get(acc(i)), ...simd(F32X4_ADD));
  code.push(...simd(F32X4_EXTRACT_LANE), 0x00, 0x0b);
  const body = [0x01, ...leb(2 + CHAINS), 0x7b, ...code]; // one local group: 2 + CHAINS v128
  const name = [...Buffer.from('run')];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]), // type 0: (i32) -> f32
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...leb(name.length), ...name, 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

/** FLOPs of one `run(n)`. */
export const flopsPerIteration = CHAINS * 8;

// A thread's measurement: calls of ~10 ms for `ms` milliseconds; the rate counts only the calls
// that start after a quarter and end before the last tenth, when every thread is running
// (V8 also tiers the function up to its optimising compiler within the first calls).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.relaxed) require('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
const run = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports.run;
const n = workerData.iterations;
const t0 = performance.now();
let sink = 0, flops = 0, busy = 0;
for (;;) {
  const a = performance.now();
  if (a - t0 > workerData.ms) break;
  sink += run(n);
  const b = performance.now();
  if (a - t0 > workerData.ms * 0.25 && b - t0 < workerData.ms * 0.9) { flops += n * workerData.flopsPerIteration; busy += b - a; }
}
parentPort.postMessage({ gflops: flops / (busy * 1e6), sink });
`;

/** GFLOP/s of `threads` threads running the loop at once, summed. */
export async function simdCeiling(variant: SimdVariant, threads: number, ms = 1500): Promise<number> {
  const bytes = ceilingModule(variant);
  const workerData = { bytes, iterations: 200_000, ms, flopsPerIteration, relaxed: variant === 'relaxed' };
  return summedRates(threads, () => new Worker(WORKER, { eval: true, workerData }), 'SIMD ceiling');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('usage: npx tsx bench/simd-ceiling.ts [--threads N]\n\nGFLOP/s of register-only f32x4 multiply-adds (relaxed_madd and mul+add) on N threads at once.');
    return;
  }
  const i = args.indexOf('--threads');
  const threads = i >= 0 ? Number(args[i + 1]) : 1;
  if (!Number.isInteger(threads) || threads < 1) {
    console.error(`bench/simd-ceiling.ts: --threads must be a positive integer, got "${args[i + 1]}"`);
    process.exit(2);
  }
  const relaxed = relaxedSimd().supported;
  const plain = await simdCeiling('plain', threads);
  console.log(`${threads} thread(s): f32x4.mul + f32x4.add ${plain.toFixed(1)} GFLOP/s`);
  if (relaxed) console.log(`${threads} thread(s): f32x4.relaxed_madd ${(await simdCeiling('relaxed', threads)).toFixed(1)} GFLOP/s`);
  else console.log('relaxed SIMD: not available in this runtime');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
