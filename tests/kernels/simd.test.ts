import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, installedSimd, relaxedSimd, simdChoice, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { relaxedProbe } from '../../runtime/tfjs/kernels/simd.ts';
import { Rng } from '../../runtime/rng.ts';
import { firstMismatch, randomTensor, referenceMatMul, useWasm } from './reference.ts';

await useWasm();
const root = fileURLToPath(new URL('../../', import.meta.url));
const validate = (bytes: Uint8Array): boolean =>
  (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);

test('MAEC_KERNELS_SIMD reads auto, plain or relaxed in any case, auto when unset or empty', () => {
  assert.equal(simdChoice({}), 'auto');
  assert.equal(simdChoice({ MAEC_KERNELS_SIMD: '' }), 'auto');
  assert.equal(simdChoice({ MAEC_KERNELS_SIMD: 'Plain' }), 'plain');
  assert.equal(simdChoice({ MAEC_KERNELS_SIMD: 'RELAXED' }), 'relaxed');
  assert.equal(simdChoice({ MAEC_KERNELS_SIMD: 'auto' }), 'auto');
});

test('an unknown MAEC_KERNELS_SIMD value is refused, naming the variable and the value', async () => {
  assert.throws(() => simdChoice({ MAEC_KERNELS_SIMD: 'fma' }), /MAEC_KERNELS_SIMD must be auto, plain or relaxed, got "fma"/);
  await assert.rejects(installKernels({ env: { MAEC_KERNELS_SIMD: 'fast' } }), /MAEC_KERNELS_SIMD must be auto, plain or relaxed, got "fast"/);
});

test('Node 20 and later compile relaxed SIMD once detection has run (shipped, or behind the flag it sets)', (t) => {
  const relaxed = relaxedSimd();
  t.diagnostic(`relaxed SIMD: ${relaxed.how} on Node ${process.version}`);
  assert.equal(relaxed.supported, true, relaxed.how);
  assert.equal(validate(relaxedProbe), true);
});

test('simd picks the binary: plain, relaxed, and auto takes relaxed where it validates', async () => {
  for (const simd of ['plain', 'relaxed', 'auto'] as const) {
    const result = await installKernels({ env: {}, simd });
    const want = simd === 'auto' ? 'relaxed' : simd;
    assert.deepEqual(result.installed && result.simd, want, simd);
    assert.equal(installedSimd(), want);
    uninstallKernels();
  }
  assert.equal(installedSimd(), undefined);
});

/** C = A·Bᵀ through our kernels of `simd`. */
async function product(simd: 'plain' | 'relaxed', a: tf.Tensor, b: tf.Tensor): Promise<Float32Array> {
  await installKernels({ env: {}, simd, route: 'always' });
  try {
    const c = tf.matMul(a, b, false, true);
    const out = c.dataSync() as Float32Array;
    c.dispose();
    return out;
  } finally {
    uninstallKernels();
  }
}

test('the relaxed build multiplies within 1e-5 of the float64 product, as the plain build does', async (t) => {
  const rng = Rng.fromSeed(18);
  const a = randomTensor(rng, [4, 67, 300]);
  const b = randomTensor(rng, [4, 45, 300]);
  const ref = referenceMatMul(a.dataSync() as Float32Array, a.shape, b.dataSync() as Float32Array, b.shape, false, true);
  const plain = await product('plain', a, b);
  const relaxed = await product('relaxed', a, b);
  let worstPlain = 0, worstRelaxed = 0, differ = 0;
  for (let i = 0; i < plain.length; i++) {
    worstPlain = Math.max(worstPlain, Math.abs(plain[i]! - ref.values[i]!) / ref.scale[i]!);
    worstRelaxed = Math.max(worstRelaxed, Math.abs(relaxed[i]! - ref.values[i]!) / ref.scale[i]!);
    if (plain[i] !== relaxed[i]) differ++;
  }
  // Where the CPU has FMA the two round differently; relaxed_madd may also be unfused (no FMA).
  t.diagnostic(`worst error / sum|a||b|: plain ${worstPlain.toExponential(2)}, relaxed ${worstRelaxed.toExponential(2)}; ${differ} of ${plain.length} elements differ`);
  assert.equal(firstMismatch(relaxed, ref.values, ref.scale), -1);
  assert.equal(firstMismatch(plain, ref.values, ref.scale), -1);
  tf.dispose([a, b]);
});

test("setting V8's relaxed-SIMD flag leaves tfjs-wasm's own kernels bit for bit the same", () => {
  // Stock kernels only (no maec kernels), in two fresh processes: one sets the flag before tfjs
  // compiles its module, one never sets it.
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-wasm';
    import { setFlagsFromString } from 'node:v8';
    import { createHash } from 'node:crypto';
    if (process.argv[1] === 'flag') setFlagsFromString('--experimental-wasm-relaxed-simd');
    await tf.setBackend('wasm');
    const x = tf.tensor(Float32Array.from({ length: 64 * 96 }, (_, i) => Math.sin(i * 0.37)), [64, 96]);
    const w = tf.tensor(Float32Array.from({ length: 96 * 48 }, (_, i) => Math.cos(i * 0.11)), [96, 48]);
    const outs = [tf.matMul(x, w), tf.softmax(tf.matMul(x, w)), tf.tanh(x), tf.exp(tf.neg(tf.square(x))), tf.sum(x, 0)];
    const hash = createHash('sha256');
    for (const o of outs) hash.update(new Uint8Array(o.dataSync().buffer));
    console.log(hash.digest('hex'));
  `;
  const run = (mode: string): string => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const withFlag = run('flag');
  assert.match(withFlag, /^[0-9a-f]{64}$/);
  assert.equal(withFlag, run('none'));
});
