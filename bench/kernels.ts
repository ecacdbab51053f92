/**
 * GFLOP/s of stock tfjs-wasm matmuls against maec's kernels, in the same process, per shape
 * class; writes bench/kernels.json and bench/kernels.md.
 *
 *   taskset -c 0 npx tsx bench/kernels.ts            all shapes
 *   taskset -c 0 npx tsx bench/kernels.ts attention  only shapes whose name contains 'attention'
 *
 * Each sample times enough back-to-back calls to last >= 25 ms; stock and ours alternate
 * sample by sample so that load from other processes hits both alike; medians are reported.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { installKernels, planMatMul, uninstallKernels } from '../runtime/tfjs/kernels/index.ts';
import { routeToKernel } from '../runtime/tfjs/kernels/route.ts';

interface Shape {
  readonly group: string;
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** bias length for a tf.fused.matMul with relu, or absent for a plain matMul */
  readonly bias?: number;
}

function plain(group: string, name: string, a: number[], b: number[], transposeA = false, transposeB = false): Shape {
  return { group, name, a, b, transposeA, transposeB };
}

/** Forward products of a [rows, d] x [d, e] layer and the two its backward pass makes. */
function denseShapes(rows: number, d: number, e: number): Shape[] {
  return [
    plain('2-D', `x·W [${rows},${d}]x[${d},${e}]`, [rows, d], [d, e]),
    plain('2-D transposed (backward)', `dY·Wᵀ [${rows},${e}]x[${d},${e}]ᵀ`, [rows, e], [d, e], false, true),
    plain('2-D transposed (backward)', `xᵀ·dY [${rows},${d}]ᵀx[${rows},${e}]`, [rows, d], [rows, e], true, false),
  ];
}

/** The two attention products for [bh, t, hd] heads and the four their backward pass makes. */
function attentionShapes(bh: number, t: number, hd: number): Shape[] {
  const g = `attention T=${t} hd=${hd}`;
  return [
    plain(g, `Q·K [${bh},${t},${hd}]x[${bh},${hd},${t}]`, [bh, t, hd], [bh, hd, t]),
    plain(g, `P·V [${bh},${t},${t}]x[${bh},${t},${hd}]`, [bh, t, t], [bh, t, hd]),
    plain(g, `dS·Kᵀ [${bh},${t},${t}]x[${bh},${hd},${t}]ᵀ`, [bh, t, t], [bh, hd, t], false, true),
    plain(g, `Qᵀ·dS [${bh},${t},${hd}]ᵀx[${bh},${t},${t}]`, [bh, t, hd], [bh, t, t], true, false),
    plain(g, `dO·Vᵀ [${bh},${t},${hd}]x[${bh},${t},${hd}]ᵀ`, [bh, t, hd], [bh, t, hd], false, true),
    plain(g, `Pᵀ·dO [${bh},${t},${t}]ᵀx[${bh},${t},${hd}]`, [bh, t, t], [bh, t, hd], true, false),
  ];
}

const heads = 192; // batch 16 x 12 heads, as in the feasibility check of issue #8
const shapes: Shape[] = [
  ...denseShapes(4096, 192, 768),
  ...denseShapes(4096, 768, 192),
  plain('3-D activations x 2-D weights', 'x·W [16,256,192]x[192,768]', [16, 256, 192], [192, 768]),
  { ...plain('fused (bias + relu)', 'relu(x·W+b) [4096,192]x[192,768]', [4096, 192], [192, 768]), bias: 768 },
  { ...plain('fused (bias + relu)', 'relu(x·W+b) [4096,768]x[768,192]', [4096, 768], [768, 192]), bias: 192 },
  ...[17, 65, 257].flatMap((t) => [64, 16].flatMap((hd) => attentionShapes(heads, t, hd))),
  // Products where stock wins, to show the route rule sends them to stock.
  plain('route checks', 'x·W [1,768]x[768,768]', [1, 768], [768, 768]),
  plain('route checks', 'x·W [8,192]x[192,768]', [8, 192], [192, 768]),
  plain('route checks', 'x·W [256,3]x[3,256]', [256, 3], [3, 256]),
  plain('route checks', 'x·W [1024,768]x[768,128]', [1024, 768], [768, 128]),
  plain('route checks', 'tiny batch [192,2,4]x[192,4,2]', [192, 2, 4], [192, 4, 2]),
  plain('route checks', 'x·Wᵀ [1,768]x[768,768]ᵀ', [1, 768], [768, 768], false, true),
];

const minSampleMs = 25;
const samples = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Milliseconds per call of `op`: one sample of back-to-back calls lasting >= minSampleMs. */
function sampleMs(op: () => tf.Tensor, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; ++i) op().dispose();
  return (performance.now() - start) / reps;
}

function flopsOf(s: Shape): number {
  const planned = planMatMul(s.a, s.b, s.transposeA, s.transposeB);
  if (!planned.ok) throw new Error(`bench shape ${s.name}: ${planned.refusal.message}`);
  const p = planned.plan;
  return 2 * p.outer.reduce((n, d) => n * d.size, 1) * p.batch * p.m * p.n * p.k;
}

function routedToKernel(s: Shape): boolean {
  const planned = planMatMul(s.a, s.b, s.transposeA, s.transposeB);
  if (!planned.ok) return false;
  const batch = (dims: number[]): number => dims.slice(0, -2).reduce((n, d) => n * d, 1);
  return routeToKernel(
    { plan: planned.plan, aBatch: batch(s.a), bBatch: batch(s.b), transposeA: s.transposeA, transposeB: s.transposeB },
    'auto',
  );
}

interface Row {
  readonly group: string;
  readonly name: string;
  readonly gflop: number;
  readonly stockMs: number;
  readonly kernelMs: number;
  readonly stockGflops: number;
  readonly kernelGflops: number;
  readonly speedup: number;
  /** GFLOP/s of the fastest sample: what each variant does when other processes let it */
  readonly stockBestGflops: number;
  readonly kernelBestGflops: number;
  readonly route: 'kernel' | 'stock';
}

async function measure(s: Shape): Promise<Row> {
  const a = tf.randomNormal(s.a);
  const b = tf.randomNormal(s.b);
  const bias = s.bias === undefined ? undefined : tf.randomNormal([s.bias]);
  const op = (): tf.Tensor =>
    bias === undefined
      ? tf.matMul(a, b, s.transposeA, s.transposeB)
      : tf.fused.matMul({ a, b, transposeA: s.transposeA, transposeB: s.transposeB, bias, activation: 'relu' });
  const flops = flopsOf(s);
  const times = { stock: [] as number[], kernel: [] as number[] };
  const reps = { stock: 1, kernel: 1 };
  for (const variant of ['stock', 'kernel'] as const) {
    if (variant === 'kernel') await installKernels({ route: 'always', env: {} });
    const once = sampleMs(op, 1); // warm-up, and a guess of how many calls fill a sample
    reps[variant] = Math.max(1, Math.ceil(minSampleMs / Math.max(once, 1e-3)));
    uninstallKernels();
  }
  for (let i = 0; i < samples; ++i) {
    times.stock.push(sampleMs(op, reps.stock));
    await installKernels({ route: 'always', env: {} });
    times.kernel.push(sampleMs(op, reps.kernel));
    uninstallKernels();
  }
  tf.dispose([a, b, ...(bias ? [bias] : [])]);
  const stockMs = median(times.stock);
  const kernelMs = median(times.kernel);
  return {
    group: s.group,
    name: s.name,
    gflop: flops / 1e9,
    stockMs,
    kernelMs,
    stockGflops: flops / stockMs / 1e6,
    kernelGflops: flops / kernelMs / 1e6,
    speedup: stockMs / kernelMs,
    stockBestGflops: flops / Math.min(...times.stock) / 1e6,
    kernelBestGflops: flops / Math.min(...times.kernel) / 1e6,
    route: routedToKernel(s) ? 'kernel' : 'stock',
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

function affinity(): string {
  try {
    return execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }).trim().split(': ')[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function markdown(meta: Record<string, string | number>, rows: readonly Row[]): string {
  const f = (x: number, d = 1): string => x.toFixed(d);
  const lines = [
    '# Matmul kernels: stock tfjs-wasm vs maec',
    '',
    'Generated by `bench/kernels.ts`; do not edit by hand.',
    '',
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    '',
    `Medians of ${samples} samples per variant, each sample >= ${minSampleMs} ms of back-to-back calls; stock and kernel samples alternate.`,
    '"routed" is what installKernels() (default route rule) sends the shape to; "effective" is that variant\'s median GFLOP/s.',
    '"best" is the fastest sample of each variant: the machine is shared, and it shows what the code does when other processes leave it the core.',
    '',
    '| class | product | GFLOP | stock ms | kernel ms | stock GFLOP/s | kernel GFLOP/s | speedup | stock best | kernel best | routed | effective GFLOP/s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.name} | ${f(r.gflop, 3)} | ${f(r.stockMs, 2)} | ${f(r.kernelMs, 2)} | ${f(r.stockGflops)} | ${f(r.kernelGflops)} | ${f(r.speedup, 2)}x | ${f(r.stockBestGflops)} | ${f(r.kernelBestGflops)} | ${r.route} | ${f(r.route === 'kernel' ? r.kernelGflops : r.stockGflops)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/**
 * Runs stock and kernel matmuls for a while first: V8 compiles wasm with a baseline compiler
 * and tiers hot functions up in the background, so the first calls are not representative.
 */
async function warmUp(): Promise<void> {
  const a = tf.randomNormal([96, 65, 64]);
  const b = tf.randomNormal([96, 65, 64]);
  for (const kernels of [false, true]) {
    if (kernels) await installKernels({ route: 'always', env: {} });
    const start = performance.now();
    while (performance.now() - start < 1500) {
      for (const [tA, tB] of [[false, true], [true, false]] as const) tf.matMul(a, b, tA, tB).dispose();
      tf.tidy(() => tf.matMul(tf.reshape(a, [96 * 65, 64]), tf.reshape(b, [96 * 65, 64]), true, false)).dispose();
    }
    uninstallKernels();
  }
  tf.dispose([a, b]);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const loadBefore = loadavg()[0] ?? NaN;
  await warmUp();
  const filter = process.argv[2];
  const chosen = filter ? shapes.filter((s) => `${s.group} ${s.name}`.includes(filter)) : shapes;
  const rows: Row[] = [];
  for (const s of chosen) {
    const row = await measure(s);
    rows.push(row);
    console.log(`${row.group.padEnd(28)} ${row.name.padEnd(40)} stock ${row.stockGflops.toFixed(1).padStart(6)}  kernel ${row.kernelGflops.toFixed(1).padStart(6)} GFLOP/s  ${row.speedup.toFixed(2)}x  (best ${row.stockBestGflops.toFixed(1)} / ${row.kernelBestGflops.toFixed(1)}) -> ${row.route}`);
  }
  if (filter) return; // partial runs are for tuning; only full runs are recorded
  const meta = {
    machine: cpuModel(),
    'logical cpus': cpus().length,
    'cpu affinity': affinity(),
    node: process.version,
    tfjs: tf.version_core,
    date: new Date().toISOString(),
    'load average (1 min) before / after': `${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? NaN).toFixed(2)}`,
    command: 'taskset -c 0 npx tsx bench/kernels.ts',
  };
  writeFileSync(new URL('./kernels.json', import.meta.url), JSON.stringify({ ...meta, samples, minSampleMs, rows }, null, 2) + '\n');
  writeFileSync(new URL('./kernels.md', import.meta.url), markdown(meta, rows));
}

await main();
