/**
 * Training-step benchmark: images/s of a full MAE training step (forward, backward, AdamW)
 * for the benchmark config and the 28x28x1 models, the achieved GFLOP/s next to the plain 2-D
 * matmul peak of the same backend measured in the same run, the measured speedup of MAE over
 * the symmetric baseline (mask tokens in the encoder), and peak RSS; each cell in a fresh
 * process. On wasm, a second table times stock tfjs-wasm against maec's kernels (runtime/kernels)
 * in ONE process, alternating step by step, so that load from other processes hits both alike:
 * that ratio is the kernels' whole-step speedup.
 *
 *   taskset -c 0 npm run bench            # all configs, writes bench/results.{json,md}
 *   npm run bench -- --backend cpu --quick
 *   npm run bench -- --backend webgpu      # stock shaders against maec's WebGPU kernels
 *
 * On webgpu (awaited reads) each variant runs bench/gpu-step.ts in its own process on the bench
 * config: GPU dispatches, submits and bound storage bytes per training step, and img/s; the
 * results go to bench/results-webgpu.json and the webgpu section of bench/results.md.
 */
import { BENCH_CONFIGS } from './configs.ts';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { openTarget, type BackendName, type Target } from '../runtime/tfjs/target.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { countFlops } from '../compiler/analysis/index.ts';
import type { Graph } from '../compiler/ir/types.ts';
import { trainingHarness } from './harness.ts';

const CONFIGS = BENCH_CONFIGS;

interface StepTiming {
  readonly msPerStep: number;
  readonly imagesPerSecond: number;
  readonly gflopsPerSecond: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time of `steps` full training steps after one warm-up step. */
function timeSteps(graph: Graph, target: Target, batch: number, steps: number): StepTiming {
  const harness = trainingHarness(graph, target, batch);
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    harness.step();
    if (i > 0) times.push(performance.now() - t0);
  }
  harness.dispose();
  const ms = median(times);
  const stepFlops = countFlops(graph).step.total * batch;
  return { msPerStep: ms, imagesPerSecond: (batch * 1000) / ms, gflopsPerSecond: stepFlops / (ms * 1e6) };
}

/** The plain 2-D matmul rate of the active backend: [4096, 192] x [192, 768]. */
function matmulPeak(): number {
  const a = tf.randomUniform([4096, 192]);
  const b = tf.randomUniform([192, 768]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    // Wait for the product by reading one element: reading all of it (12 MiB) out of the
    // backend's memory took longer than the product itself and halved the figure.
    const corner = tf.slice(c, [0, 0], [1, 1]);
    corner.dataSync();
    corner.dispose();
    if (i > 0) times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * 4096 * 192 * 768) / (median(times) * 1e6);
}

interface Measurement {
  readonly timing?: StepTiming;
  readonly matmulPeakGflops?: number;
  readonly peakRssMiB: number;
  readonly error?: string;
}

interface Row {
  readonly config: string;
  readonly kernels: 'stock' | 'maec';
  readonly batch: number;
  readonly mae: Measurement;
  readonly symmetric: Measurement;
  readonly measuredSpeedup: number | null;
  readonly flopSpeedup: number;
}

interface Job {
  readonly config: number;
  readonly kernels: 'stock' | 'maec';
  readonly kind: 'pretrain' | 'symmetric';
  readonly backend: BackendName;
  readonly steps: number;
}

/** Stock against maec's kernels in one process: median ms per MAE step of each, alternating. */
interface Alternating {
  readonly stockMs?: number;
  readonly maecMs?: number;
  readonly rounds: number;
  readonly error?: string;
}

async function measureAlternating(config: number, rounds: number): Promise<void> {
  const cfg = CONFIGS[config]!;
  const harness = trainingHarness(buildGraph(cfg.spec, 'pretrain'), await targetFor('wasm', 'stock'), cfg.batch);
  const times = { stock: [] as number[], maec: [] as number[] };
  const stepMs = async (kernels: 'stock' | 'maec'): Promise<number> => {
    harness.relower(await targetFor('wasm', kernels));
    const t0 = performance.now();
    harness.step();
    return performance.now() - t0;
  };
  await stepMs('stock'); // warm-up, both
  await stepMs('maec');
  for (let r = 0; r < rounds; r++) for (const k of ['stock', 'maec'] as const) times[k].push(await stepMs(k));
  harness.dispose();
  const m: Alternating = { stockMs: median(times.stock), maecMs: median(times.maec), rounds };
  process.stdout.write(`ALTERNATING ${JSON.stringify(m)}\n`);
}

function spawnAlternating(config: number, rounds: number): Alternating {
  const result = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--alternate', String(config), String(rounds)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('ALTERNATING '));
  if (line) return JSON.parse(line.slice('ALTERNATING '.length)) as Alternating;
  return { rounds, error: `${result.stderr}`.trim().split('\n').slice(-2).join(' ') || `exit code ${result.status}` };
}

/** A target with maec's kernels or the stock ones; maec's must install (MAEC_KERNELS is ignored here). */
async function targetFor(backend: BackendName, kernels: 'stock' | 'maec'): Promise<Target> {
  const target = await openTarget(backend, { kernels: kernels === 'maec' ? { env: {} } : false });
  if (kernels === 'maec' && target.installed.length === 0) throw new Error(`maec kernels unavailable: ${target.kernels}`);
  return target;
}

/**
 * Runs one measurement in this process and prints it as JSON. Each measurement gets a fresh
 * process: stock tfjs-wasm can abort the whole wasm instance (XNNPACK runs out of memory on
 * some shapes), and a fresh process also gives each measurement its own peak RSS.
 */
async function measure(job: Job): Promise<void> {
  const target = await targetFor(job.backend, job.kernels);
  const cfg = CONFIGS[job.config]!;
  const peak = matmulPeak();
  const timing = timeSteps(buildGraph(cfg.spec, job.kind), target, cfg.batch, job.steps);
  const m: Measurement = { timing, matmulPeakGflops: peak, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`MEASUREMENT ${JSON.stringify(m)}\n`);
}

function spawnMeasure(job: Job): Measurement {
  const result = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure', JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('MEASUREMENT '));
  if (line) return JSON.parse(line.slice('MEASUREMENT '.length)) as Measurement;
  const err = `${result.stderr}`.split('\n').filter((l) => /Error|Aborted|XNN/.test(l) && l.length < 300);
  return { peakRssMiB: 0, error: err.slice(0, 2).join(' ').trim() || `exit code ${result.status}` };
}

const HELP = `npm run bench -- [--backend wasm|cpu|tensorflow|webgpu] [--quick] [--batch N] [--steps N]

Times full MAE training steps (forward, backward, AdamW) and writes bench/results.{json,md}.
  --backend B   the tfjs backend (default wasm). On wasm stock tfjs-wasm is timed against
                maec's SIMD kernels; on webgpu stock tfjs-webgpu shaders against maec's WebGPU
                kernels (bench/gpu-step.ts per variant, in its own process), reporting dispatches,
                submits and bound storage bytes per step and img/s (bench/results-webgpu.json and
                the webgpu section of bench/results.md).
  --quick       one config, 2 steps, nothing written
  --batch N     webgpu only: the batch (default 64)
  --steps N     webgpu only: timed steps after the first (default 2; lavapipe takes ~40 s a step)`;

/** A positive integer flag, or the default; exits 1 naming the flag when it is not one. */
function intFlag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined || !/^[1-9][0-9]*$/.test(v)) {
    console.error(`bench: --${name} needs a positive integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    process.exit(1);
  }
  return Number(v);
}

interface GpuVariant {
  readonly kernels: 'stock' | 'maec';
  readonly target?: string;
  readonly msPerStep?: number;
  readonly firstStepMs?: number;
  readonly imagesPerSecond?: number;
  readonly perStep?: { readonly dispatches: number; readonly submits: number; readonly boundBytes: number };
  readonly losses?: readonly number[];
  readonly error?: string;
}

/** `--backend webgpu`: bench/gpu-step.ts for stock shaders and for maec's kernels, one process each. */
async function webgpuBench(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const batch = intFlag(args, 'batch', 64);
  const steps = intFlag(args, 'steps', quick ? 1 : 2);
  const gpuStep = fileURLToPath(new URL('./gpu-step.ts', import.meta.url));
  const variants: GpuVariant[] = [];
  const loadBefore = loadavg()[0] ?? NaN;
  for (const kernels of ['stock', 'maec'] as const) {
    const r = spawnSync(process.execPath, [...process.execArgv, gpuStep, '--config', 'cifar-small', '--backend', 'webgpu', '--batch', String(batch), '--steps', String(steps), '--kernels', kernels === 'maec' ? 'on' : 'off'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const v: GpuVariant = line
      ? { kernels, ...(JSON.parse(line.slice('RESULT '.length)) as Omit<GpuVariant, 'kernels'>) }
      : { kernels, error: r.stderr.split('\n').filter((l) => l.startsWith('gpu-step:')).join(' ') || `exit code ${r.status}` };
    variants.push(v);
    console.log(
      v.error
        ? `cifar-small batch ${batch} [${kernels}]: failed (${v.error})`
        : `cifar-small batch ${batch} [${kernels}]: ${v.perStep!.dispatches} dispatches, ${v.perStep!.submits} submits, ${(v.perStep!.boundBytes / 2 ** 20).toFixed(0)} MiB bound per step; ${v.imagesPerSecond!.toFixed(2)} img/s (${(v.msPerStep! / 1000).toFixed(1)} s/step, first step ${(v.firstStepMs! / 1000).toFixed(1)} s)`,
    );
  }
  const [stock, maec] = variants as [GpuVariant, GpuVariant];
  if (stock.perStep && maec.perStep) console.log(`maec's kernels: ${(stock.perStep.dispatches / maec.perStep.dispatches).toFixed(2)}x fewer dispatches, ${(stock.perStep.submits / maec.perStep.submits).toFixed(2)}x fewer submits per step`);
  if (variants.some((v) => v.error)) process.exitCode = 1;
  if (quick) {
    console.log('--quick: results not written');
    return;
  }
  const report = {
    command: `npm run bench -- ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, tfjs: tf.version_core },
    // other processes on a shared machine slow every step; this says how busy it was
    loadAverage: `${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? NaN).toFixed(2)}`,
    config: 'cifar-small',
    batch,
    steps,
    variants,
  };
  await writeFileAtomic('bench/results-webgpu.json', JSON.stringify(report, null, 2) + '\n');
  const md = existsSync('bench/results.md') ? readFileSync('bench/results.md', 'utf8') : '# Training-step benchmark\n';
  await writeFileAtomic('bench/results.md', withWebgpuSection(md, webgpuMarkdown(report)));
  console.log('wrote bench/results-webgpu.json and the webgpu section of bench/results.md');
}

const WEBGPU_BEGIN = '<!-- webgpu: written by npm run bench -- --backend webgpu -->';
const WEBGPU_END = '<!-- end webgpu -->';

/** `md` with its webgpu section replaced by `section` (appended when it has none). */
function withWebgpuSection(md: string, section: string): string {
  const block = `${WEBGPU_BEGIN}\n${section}\n${WEBGPU_END}\n`;
  const a = md.indexOf(WEBGPU_BEGIN);
  const b = md.indexOf(WEBGPU_END);
  if (a >= 0 && b > a) return md.slice(0, a) + block + md.slice(b + WEBGPU_END.length).replace(/^\n/, '');
  return `${md.replace(/\n*$/, '\n\n')}${block}`;
}

/** The webgpu section of an existing bench/results.md, to carry over when the wasm tables are rewritten. */
function webgpuSectionOf(md: string): string {
  const a = md.indexOf(WEBGPU_BEGIN);
  const b = md.indexOf(WEBGPU_END);
  return a >= 0 && b > a ? md.slice(a, b + WEBGPU_END.length) + '\n' : '';
}

function webgpuMarkdown(r: { command: string; date: string; machine: { cpu: string; cores: number; node: string; tfjs: string }; loadAverage: string; batch: number; steps: number; variants: GpuVariant[] }): string {
  const adapter = r.variants.find((v) => v.target)?.target?.match(/adapter (.*?);/)?.[1] ?? 'unknown adapter';
  const lines = [
    '## webgpu: stock shaders against maec\'s WebGPU kernels',
    '',
    `Command: \`${r.command}\`, ${r.date}. Adapter: ${adapter}; ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, tfjs ${r.machine.tfjs}; load average (1 min) before / after: ${r.loadAverage}.`,
    `cifar-small (the bench config), batch ${r.batch}, one training step (forward, backward, AdamW) counted; time is the median of ${r.steps} step(s) after the first.`,
    'Bound MiB: the storage buffers bound to each dispatch (inputs and output), summed: an estimate of memory traffic (tfjs reports no bytes moved).',
    /fallback|software|llvmpipe/i.test(adapter) ? 'On a CPU adapter (lavapipe) only the dispatch counts and the correctness mean anything: its speed says nothing about a GPU\'s.' : '',
    '',
    '| kernels | dispatches / step | submits / step | bound MiB / step | s / step | img/s | first step s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.variants.map((v) =>
      v.error
        ? `| ${v.kernels} | failed: ${v.error} | | | | | |`
        : `| ${v.kernels} | ${v.perStep!.dispatches} | ${v.perStep!.submits} | ${(v.perStep!.boundBytes / 2 ** 20).toFixed(0)} | ${(v.msPerStep! / 1000).toFixed(1)} | ${v.imagesPerSecond!.toFixed(2)} | ${(v.firstStepMs! / 1000).toFixed(1)} |`,
    ),
  ];
  const [s, m] = r.variants;
  if (s?.perStep && m?.perStep) lines.push('', `maec's kernels: ${(s.perStep.dispatches / m.perStep.dispatches).toFixed(2)}x fewer dispatches and ${(s.perStep.submits / m.perStep.submits).toFixed(2)}x fewer submits per step.`);
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  if (args[0] === '--measure') return measure(JSON.parse(args[1]!) as Job);
  if (args[0] === '--alternate') return measureAlternating(Number(args[1]), Number(args[2]));
  const backendArg = args.includes('--backend') ? (args[args.indexOf('--backend') + 1] as BackendName) : 'wasm';
  if (backendArg === 'webgpu') return webgpuBench(args);
  const quick = args.includes('--quick');
  const steps = quick ? 2 : 5;
  const target = await openTarget(backendArg);
  console.log(`backend ${target.backend} (${target.reason}); ${steps} timed steps per measurement, one process each`);
  const variants: ('stock' | 'maec')[] = target.backend === 'wasm' ? ['stock', 'maec'] : ['stock'];
  const rows: Row[] = [];
  const loadBefore = loadavg()[0] ?? NaN;
  const configs = quick ? [0] : CONFIGS.map((_, i) => i);
  for (const config of configs) {
    const cfg = CONFIGS[config]!;
    for (const kernels of variants) {
      const job = { config, kernels, backend: target.backend, steps };
      const maeM = spawnMeasure({ ...job, kind: 'pretrain' });
      const symM = spawnMeasure({ ...job, kind: 'symmetric' });
      const row: Row = {
        config: cfg.name,
        kernels,
        batch: cfg.batch,
        mae: maeM,
        symmetric: symM,
        measuredSpeedup: maeM.timing && symM.timing ? symM.timing.msPerStep / maeM.timing.msPerStep : null,
        flopSpeedup: countFlops(buildGraph(cfg.spec, 'symmetric')).step.total / countFlops(buildGraph(cfg.spec, 'pretrain')).step.total,
      };
      rows.push(row);
      console.log(`${cfg.name} [${kernels}]: MAE ${describe(maeM)}; symmetric ${describe(symM)}; speedup ${row.measuredSpeedup?.toFixed(2) ?? '-'}x`);
    }
  }
  const alternating =
    target.backend === 'wasm'
      ? configs.map((config) => {
          const a = spawnAlternating(config, quick ? 2 : 6);
          console.log(`${CONFIGS[config]!.name} alternating in one process: ${a.stockMs && a.maecMs ? `stock ${a.stockMs.toFixed(0)} ms, maec ${a.maecMs.toFixed(0)} ms per step, ${(a.stockMs / a.maecMs).toFixed(2)}x` : `failed (${a.error})`}`);
          return { config: CONFIGS[config]!.name, batch: CONFIGS[config]!.batch, ...a };
        })
      : [];
  const report = {
    command: `npm run bench -- ${args.join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, tfjs: tf.version_core },
    // other processes on a shared machine slow every cell; this says how busy it was
    loadAverage: `${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? NaN).toFixed(2)}`,
    backend: target.backend,
    rows,
    alternating,
  };
  if (quick) {
    console.log('--quick: results not written');
    return;
  }
  await writeFileAtomic('bench/results.json', JSON.stringify(report, null, 2) + '\n');
  const previous = existsSync('bench/results.md') ? readFileSync('bench/results.md', 'utf8') : '';
  const kept = webgpuSectionOf(previous);
  await writeFileAtomic('bench/results.md', kept ? `${toMarkdown(report).replace(/\n*$/, '\n\n')}${kept}` : toMarkdown(report));
  console.log('wrote bench/results.json and bench/results.md');
}

function describe(m: Measurement): string {
  if (!m.timing) return `failed (${m.error})`;
  return `${m.timing.imagesPerSecond.toFixed(1)} img/s, ${m.timing.gflopsPerSecond.toFixed(1)} GFLOP/s (2-D matmul peak ${m.matmulPeakGflops?.toFixed(1)}), RSS ${m.peakRssMiB.toFixed(0)} MiB`;
}

const cell = (m: Measurement, f: (t: StepTiming) => number) => (m.timing ? f(m.timing).toFixed(1) : `failed: ${m.error}`);

type AlternatingRow = Alternating & { readonly config: string; readonly batch: number };

function toMarkdown(r: { command: string; date: string; machine: { cpu: string; cores: number; node: string; tfjs: string }; loadAverage: string; backend: string; rows: Row[]; alternating: AlternatingRow[] }): string {
  const lines = [
    '# Training-step benchmark',
    '',
    `Command: \`taskset -c 0 ${r.command}\`, ${r.date}.`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, tfjs ${r.machine.tfjs}, backend ${r.backend}, one thread; load average (1 min) before / after: ${r.loadAverage}.`,
    'A step is forward + backward + AdamW on a batch; times are medians; each cell ran in its own process.',
    '',
    '| config | kernels | batch | MAE img/s | MAE GFLOP/s | 2-D matmul peak GFLOP/s | MAE peak RSS MiB | symmetric img/s | measured speedup | FLOP speedup |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (row) =>
        `| ${row.config} | ${row.kernels} | ${row.batch} | ${cell(row.mae, (t) => t.imagesPerSecond)} | ${cell(row.mae, (t) => t.gflopsPerSecond)} | ${row.mae.matmulPeakGflops?.toFixed(1) ?? '-'} | ${row.mae.peakRssMiB.toFixed(0)} | ${cell(row.symmetric, (t) => t.imagesPerSecond)} | ${row.measuredSpeedup ? row.measuredSpeedup.toFixed(2) + 'x' : '-'} | ${row.flopSpeedup.toFixed(2)}x |`,
    ),
    '',
  ];
  if (r.alternating.length > 0) {
    const ips = (a: AlternatingRow, ms: number | undefined) => (ms ? ((a.batch * 1000) / ms).toFixed(1) : `failed: ${a.error}`);
    lines.push(
      '## Stock against maec in one process',
      '',
      'MAE training steps alternating stock / maec kernels in one process (medians of the rounds after one warm-up step each), so both see the same load.',
      '',
      '| config | batch | rounds | stock img/s | maec img/s | maec over stock |',
      '| --- | --- | --- | --- | --- | --- |',
      ...r.alternating.map((a) => `| ${a.config} | ${a.batch} | ${a.rounds} | ${ips(a, a.stockMs)} | ${ips(a, a.maecMs)} | ${a.stockMs && a.maecMs ? `${(a.stockMs / a.maecMs).toFixed(2)}x` : '-'} |`),
      '',
    );
  }
  return lines.join('\n');
}

await main();
