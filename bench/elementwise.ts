/**
 * The elementwise kernels (kernels/elementwise.c) against the tfjs ops they replace, on the
 * shapes of the bench config's training step, in the same process; writes
 * bench/elementwise.json and bench/elementwise.md.
 *
 *   taskset -c 0 npx tsx bench/elementwise.ts          all ops
 *   taskset -c 0 npx tsx bench/elementwise.ts gelu     only ops whose name contains 'gelu'
 *
 * "stock" is a wasm target with kernels { elementwise: false }: maec's matmuls, tfjs's elementwise ops.
 * "maec" adds the elementwise kernels. Samples alternate, each >= 25 ms of back-to-back
 * calls, after a 1.5 s warm-up per variant (V8 tiers wasm up in the background).
 */
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { registerGradients } from '../runtime/tfjs/gradients.ts';
import type { OpImpls } from '../runtime/tfjs/ops/impls.ts';
import { openTarget } from '../runtime/tfjs/target.ts';

registerGradients();

interface Case {
  readonly name: string;
  /** elements of the op's main tensor, for elements/s */
  readonly elements: number;
  readonly setup: () => { run: (ops: OpImpls) => void; dispose: () => void };
}

/** A case timing `f` on random inputs of `shapes`; f's results are disposed by a tidy. */
function opCase(name: string, shapes: number[][], f: (ops: OpImpls, ...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Case {
  return {
    name,
    elements: shapes[0]!.reduce((p, d) => p * d, 1),
    setup: () => {
      const xs = shapes.map((s) => tf.randomNormal(s));
      return { run: (ops) => tf.tidy(() => void f(ops, ...xs)), dispose: () => tf.dispose(xs) };
    },
  };
}

const sumOfProduct = (y: tf.Tensor, w: tf.Tensor): tf.Scalar => tf.sum(tf.mul(y, w));

// Encoder: N=64, T=17 tokens, width 192, MLP 768, 3 heads; decoder: T=65, width 128, MLP 512, 4 heads.
const CASES: readonly Case[] = [
  opCase('gelu forward [64,17,768]', [[64, 17, 768]], (ops, x) => ops.gelu(x!)),
  opCase('gelu forward [64,65,512]', [[64, 65, 512]], (ops, x) => ops.gelu(x!)),
  opCase('gelu forward+backward [64,65,512]', [[64, 65, 512]], (ops, x) => tf.grad(ops.gelu)(x!)),
  opCase('layerNorm forward [64,65,128]', [[64, 65, 128], [128], [128]], (ops, x, g, b) => ops.layerNorm(x!, g!, b!, 1e-6)),
  opCase('layerNorm forward+backward [64,65,128]', [[64, 65, 128], [128], [128], [64, 65, 128]], (ops, x, g, b, w) =>
    tf.grads((a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor) => sumOfProduct(ops.layerNorm(a, gm, bt, 1e-6), w!))([x!, g!, b!])),
  opCase('layerNorm forward+backward [64,17,192]', [[64, 17, 192], [192], [192], [64, 17, 192]], (ops, x, g, b, w) =>
    tf.grads((a: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor) => sumOfProduct(ops.layerNorm(a, gm, bt, 1e-6), w!))([x!, g!, b!])),
  opCase('attention forward+backward T=65 (softmax gradient) [64,65,384]', [[64, 65, 384], [64, 65, 128]], (ops, qkv, w) =>
    tf.grad((x: tf.Tensor) => sumOfProduct(ops.attention(x, 4), w!))(qkv!)),
  opCase('sum over axis 0 (bias gradient) [4160,512]', [[4160, 512]], (_ops, x) => tf.sum(x!, 0)),
  opCase('sum over axes 0,1 [64,17,768]', [[64, 17, 768]], (_ops, x) => tf.sum(x!, [0, 1])),
];

const samples = 7;
const minSampleMs = 25;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function use(variant: 'stock' | 'maec'): Promise<OpImpls> {
  const target = await openTarget('wasm', { kernels: { env: {}, elementwise: variant === 'maec' } });
  if (target.installed.length === 0) throw new Error(`kernels not installed: ${target.kernels}`);
  return target.ops;
}

function sampleMs(run: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - start) / reps;
}

interface Row {
  readonly name: string;
  readonly elements: number;
  readonly stockMs: number;
  readonly maecMs: number;
  readonly speedup: number;
}

async function measure(c: Case): Promise<Row> {
  const { run, dispose } = c.setup();
  const reps = { stock: 1, maec: 1 };
  for (const variant of ['stock', 'maec'] as const) {
    const ops = await use(variant);
    const start = performance.now();
    while (performance.now() - start < 1500) run(ops);
    reps[variant] = Math.max(1, Math.ceil(minSampleMs / Math.max(sampleMs(() => run(ops), 1), 1e-3)));
  }
  const times = { stock: [] as number[], maec: [] as number[] };
  for (let i = 0; i < samples; i++) {
    for (const variant of ['stock', 'maec'] as const) {
      const ops = await use(variant);
      times[variant].push(sampleMs(() => run(ops), reps[variant]));
    }
  }
  await openTarget('wasm', { kernels: false });
  dispose();
  const stockMs = median(times.stock), maecMs = median(times.maec);
  return { name: c.name, elements: c.elements, stockMs, maecMs, speedup: stockMs / maecMs };
}

function markdown(meta: Record<string, string | number>, rows: readonly Row[]): string {
  const rate = (r: Row, ms: number): string => (r.elements / ms / 1e3).toFixed(0);
  return [
    '# Elementwise kernels: tfjs ops vs maec',
    '',
    'Generated by `bench/elementwise.ts`; do not edit by hand.',
    '',
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    '',
    `Medians of ${samples} alternating samples per variant, each >= ${minSampleMs} ms. Both variants run maec's matmuls;`,
    '"stock" computes the op with tfjs ops, "maec" with the elementwise kernels. M elem/s counts the elements of the first input per call.',
    '',
    '| op | stock ms | maec ms | stock M elem/s | maec M elem/s | speedup |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.stockMs.toFixed(2)} | ${r.maecMs.toFixed(2)} | ${rate(r, r.stockMs)} | ${rate(r, r.maecMs)} | ${r.speedup.toFixed(2)}x |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const loadBefore = loadavg()[0] ?? NaN;
  const filter = process.argv[2];
  const chosen = filter ? CASES.filter((c) => c.name.includes(filter)) : CASES;
  const rows: Row[] = [];
  for (const c of chosen) {
    const row = await measure(c);
    rows.push(row);
    console.log(`${row.name.padEnd(64)} stock ${row.stockMs.toFixed(2).padStart(7)} ms  maec ${row.maecMs.toFixed(2).padStart(7)} ms  ${row.speedup.toFixed(2)}x`);
  }
  if (filter) return; // partial runs are for tuning; only full runs are recorded
  const meta = {
    machine: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    tfjs: tf.version_core,
    date: new Date().toISOString(),
    'load average (1 min) before / after': `${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? NaN).toFixed(2)}`,
    command: 'taskset -c 0 npx tsx bench/elementwise.ts',
  };
  await writeFileAtomic(fileURLToPath(new URL('./elementwise.json', import.meta.url)), JSON.stringify({ ...meta, samples, minSampleMs, rows }, null, 2) + '\n');
  await writeFileAtomic(fileURLToPath(new URL('./elementwise.md', import.meta.url)), markdown(meta, rows));
}

await main();
