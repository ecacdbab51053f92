/**
 * maec against the PyTorch peer (the official MAE code's training step, timed by the peer's
 * official_step.py) in ONE run, alternating processes so that the machine's drift and other
 * processes' load hit both alike: the bench config (cifar-small, batch 64) and mnist-tiny,
 * pinned to one core (taskset -c 0) and on all cores. Writes bench/peer.md and bench/peer.json.
 *
 *   MAE_REF_DIR=/tmp/mae-ref npm run bench:peer -- --peer DIR --python /path/to/venv/bin/python
 *   npm run bench:peer -- --help
 *
 * A benchmark, not a test: nothing under tests/ runs it, and it reads the peer only from the
 * paths it is given.
 */
import { BENCH_CONFIGS, type Config } from './configs.ts';
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { openTarget } from '../runtime/tfjs/target.ts';
import { installedSimd } from '../runtime/tfjs/kernels/index.ts';
import { lower } from '../runtime/tfjs/program.ts';
import { initialParams } from '../runtime/init.ts';
import { Rng } from '../runtime/rng.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { countFlops } from '../compiler/analysis/index.ts';
import type { Graph } from '../compiler/ir/types.ts';
import { trainingHarness } from './harness.ts';
import { timeRuntimeStep } from './runtime-step.ts';
import { countKernels } from './op-count.ts';
import { matmulPeakHere, matmulPeakThreads } from './matmul-peak.ts';
import { simdCeiling } from './simd-ceiling.ts';
import { otherShare, sampleCpu } from './cpu-share.ts';
import { relaxedSimd } from '../runtime/tfjs/kernels/simd.ts';

const HELP = `usage: npm run bench:peer -- --peer DIR [--python PY] [--mae-ref DIR] [--rounds N] [--steps N] [--quick]

Times maec's training step and the PyTorch peer's (official MAE code, forward + backward +
AdamW) alternately, process by process, on cifar-small and mnist-tiny (batch 64), pinned to
one core (taskset -c 0) and on all cores, and writes bench/peer.md and bench/peer.json.

  --peer DIR     folder holding the peer's official_step.py (or MAEC_PEER_DIR; default bench/peer-torch)
  --python PY    Python with torch and numpy (or MAEC_PEER_PYTHON; default python3)
  --mae-ref DIR  the official sources, models_mae.py and util/pos_embed.py (or MAE_REF_DIR)
  --rounds N     alternations per cell; the medians are reported (default 3)
  --steps N      timed steps per process, after warm-up (default 5)
  --quick        one round, 2 steps, cifar-small pinned only; prints, writes nothing
  --render FILE  rewrite bench/peer.md from a bench/peer.json written earlier; runs nothing
  --help         this text

maec runs one thread pinned and one training thread per core unpinned (--threads, runtime/parallel);
the peer runs torch.set_num_threads(1) pinned and the machine's core count unpinned.`;

const CONFIGS: readonly Config[] = BENCH_CONFIGS.slice(0, 2); // cifar-small, mnist-tiny

type Mode = 'pinned' | 'all';

/** What one maec process measures. */
interface MaecSample {
  readonly imgPerS: number;
  readonly symImgPerS: number;
  readonly gflops: number;
  /** maec's matmul kernel on the peak product, on as many threads as the step (bench/matmul-peak.ts) */
  readonly matmulPeakGflops: number;
  /** register-only f32x4 multiply-adds on as many threads (bench/simd-ceiling.ts): the most any wasm code reaches */
  readonly simdCeilingGflops?: number;
  /** tfjs kernels in one training step (forward, backward, AdamW) and in forward + backward alone */
  readonly opsStep: number;
  readonly opsForwardBackward: number;
  /** training threads of the timed steps (runtime/parallel): 1 pinned, the cores on all cores */
  readonly threads?: number;
  readonly simd: string;
}

/** What one peer process prints (official_step.py's RESULT line, the fields used). */
interface PeerSample {
  readonly img_per_s: number;
  /** torch's [4096, 192] x [192, 768] product with the same threads (absent in older reports) */
  readonly matmul_gflops?: number;
  /** the fastest timed step, seconds */
  readonly min_s?: number;
  readonly threads: number;
  readonly torch: string;
  readonly blas: readonly string[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Median ms of `steps` steps of `step` after one warm-up. */
function timeMs(step: () => void, steps: number): number {
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Kernel calls of forward + backward alone (no optimizer), for one batch. */
function forwardBackwardOps(graph: Graph, target: Awaited<ReturnType<typeof openTarget>>, batch: number): number {
  const rng = Rng.fromSeed(1);
  const init = initialParams(graph.params, rng);
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(init.get(p.name)!, [...p.shape])]));
  const { channels: c, imageSize: s, numPatches: l } = graph.meta;
  const imgs = tf.tensor(rng.uniformArray(batch * c * s * s), [batch, c, s, s]);
  const noise = tf.tensor(rng.uniformArray(batch * l), [batch, l]);
  const program = lower(graph, target);
  program.lossAndGrads(params, { imgs, noise }).grads.forEach((g) => g.dispose()); // warm-up
  const counted = countKernels(() => program.lossAndGrads(params, { imgs, noise }));
  counted.result.loss.dispose();
  counted.result.grads.forEach((g) => g.dispose());
  tf.dispose([imgs, noise, ...params.values()]);
  return counted.total;
}

/**
 * The child process: one maec sample of config `index`. With one thread it times the bench
 * harness's step (bench/harness.ts); with more, the runtime's step with that many training
 * threads (bench/runtime-step.ts), the MAE and the symmetric step alike.
 */
async function maecChild(index: number, steps: number, threads: number): Promise<void> {
  const cfg = CONFIGS[index]!;
  const target = await openTarget('wasm');
  const peak = threads > 1 ? await matmulPeakThreads(threads) : matmulPeakHere(3000);
  const ceiling = Math.max(await simdCeiling('plain', threads), relaxedSimd().supported ? await simdCeiling('relaxed', threads) : 0);
  const mae = buildGraph(cfg.spec, 'pretrain');
  const sym = buildGraph(cfg.spec, 'symmetric');
  const harness = trainingHarness(mae, target, cfg.batch);
  const opsStep = countKernels(harness.step).total;
  let ms: number;
  if (threads > 1) {
    harness.dispose(); // the runtime's step makes optimizer variables of the same names
    ms = await timeRuntimeStep(mae, target, cfg.batch, threads, steps);
  } else {
    ms = timeMs(harness.step, steps);
    harness.dispose();
  }
  let symMs: number;
  if (threads > 1) symMs = await timeRuntimeStep(sym, target, cfg.batch, threads, steps);
  else {
    const symHarness = trainingHarness(sym, target, cfg.batch);
    symMs = timeMs(symHarness.step, steps);
    symHarness.dispose();
  }
  const flops = countFlops(mae).step.total * cfg.batch;
  const sample: MaecSample = {
    imgPerS: (cfg.batch * 1000) / ms,
    symImgPerS: (cfg.batch * 1000) / symMs,
    gflops: flops / (ms * 1e6),
    matmulPeakGflops: peak,
    simdCeilingGflops: ceiling,
    opsStep,
    opsForwardBackward: forwardBackwardOps(mae, target, cfg.batch),
    threads,
    simd: `${target.kernels ?? 'stock'}; ${installedSimd() ?? 'no'} SIMD build`,
  };
  process.stdout.write(`MAEC ${JSON.stringify(sample)}\n`);
}

/** The peer kept in the repository (bench/peer-torch/README.md). */
const PEER_DIR = fileURLToPath(new URL('./peer-torch', import.meta.url));

interface Options {
  readonly peerDir: string;
  readonly python: string;
  readonly maeRef: string;
  readonly rounds: number;
  readonly steps: number;
  readonly quick: boolean;
}

/** Parses the command line; throws with the flag's name on anything wrong. */
function parseOptions(args: readonly string[], env: NodeJS.ProcessEnv): Options {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const known = new Set(['--peer', '--python', '--mae-ref', '--rounds', '--steps', '--quick', '--help']);
  for (const [i, a] of args.entries()) {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}; see --help`);
    if (!a.startsWith('--') && !(i > 0 && ['--peer', '--python', '--mae-ref', '--rounds', '--steps'].includes(args[i - 1]!))) throw new Error(`unexpected argument "${a}"; see --help`);
  }
  const count = (flag: string, fallback: number): number => {
    const raw = value(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${raw}"`);
    return n;
  };
  const peerDir = value('--peer') ?? env['MAEC_PEER_DIR'] ?? PEER_DIR;
  if (!existsSync(join(peerDir, 'official_step.py'))) throw new Error(`--peer ${peerDir}: no official_step.py there`);
  const maeRef = value('--mae-ref') ?? env['MAE_REF_DIR'];
  if (!maeRef) throw new Error('the official sources are not given: pass --mae-ref DIR or set MAE_REF_DIR (see the peer README)');
  if (!existsSync(join(maeRef, 'models_mae.py'))) throw new Error(`--mae-ref ${maeRef}: no models_mae.py there`);
  const quick = args.includes('--quick');
  return {
    peerDir: resolve(peerDir),
    python: value('--python') ?? env['MAEC_PEER_PYTHON'] ?? 'python3',
    maeRef: resolve(maeRef),
    rounds: quick ? 1 : count('--rounds', 3),
    steps: quick ? 2 : count('--steps', 5),
    quick,
  };
}

/** Prefix that pins a command to core 0, or none. */
const pin = (mode: Mode): string[] => (mode === 'pinned' ? ['taskset', '-c', '0'] : []);

function spawnMaec(index: number, mode: Mode, steps: number): MaecSample {
  const threads = mode === 'pinned' ? 1 : cpus().length;
  const cmd = [...pin(mode), process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), '--child', String(index), String(steps), String(threads)];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('MAEC '));
  if (!line) throw new Error(`maec ${CONFIGS[index]!.name} (${mode}) failed, exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(line.slice('MAEC '.length)) as MaecSample;
}

/** official_step.py's flags for a spec. */
function peerArgs(cfg: Config): string[] {
  const { encoder: e, decoder: d, image, mask } = cfg.spec;
  const args = ['--img', image.size, '--chans', image.channels, '--patch', e.patch, '--width', e.width, '--depth', e.depth, '--heads', e.heads,
    '--dec-width', d.width, '--dec-depth', d.depth, '--dec-heads', d.heads, '--batch', cfg.batch, '--mask', mask.ratio].map(String);
  return cfg.spec.normPixLoss ? [...args, '--norm-pix'] : args;
}

function spawnPeer(o: Options, index: number, mode: Mode, sym: boolean): PeerSample {
  const threads = mode === 'pinned' ? 1 : cpus().length;
  const cmd = [...pin(mode), o.python, join(o.peerDir, 'official_step.py'), ...peerArgs(CONFIGS[index]!), '--steps', String(o.steps), '--threads', String(threads), ...(sym ? ['--sym'] : [])];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', env: { ...process.env, MAE_REF_DIR: o.maeRef }, maxBuffer: 16 * 1024 * 1024 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`peer ${CONFIGS[index]!.name} (${mode}${sym ? ', --sym' : ''}) failed, exit ${r.status}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(line.slice('RESULT '.length)) as PeerSample;
}

interface Cell {
  readonly config: string;
  readonly mode: Mode;
  readonly batch: number;
  readonly maec: readonly MaecSample[];
  readonly peer: readonly PeerSample[];
  readonly peerSym: readonly PeerSample[];
  readonly flopRatio: number;
  readonly stepGflop: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return maecChild(Number(args[1]), Number(args[2]), Number(args[3] ?? 1));
  if (args.includes('--help')) {
    console.log(HELP);
    return;
  }
  if (args[0] === '--render') {
    if (!args[1]) {
      console.error('bench/peer.ts: --render needs the path of a peer.json');
      process.exit(2);
    }
    const report = JSON.parse(await readFile(args[1], 'utf8')) as Report;
    await writeFileAtomic('bench/peer.md', toMarkdown(report));
    console.log(`wrote bench/peer.md from ${args[1]}`);
    return;
  }
  let o: Options;
  try {
    o = parseOptions(args, process.env);
  } catch (e) {
    console.error(`bench/peer.ts: ${(e as Error).message}`);
    process.exit(2);
  }
  const modes: Mode[] = o.quick ? ['pinned'] : ['pinned', 'all'];
  const configs = o.quick ? [0] : CONFIGS.map((_, i) => i);
  const cells = new Map<string, Cell & { maec: MaecSample[]; peer: PeerSample[]; peerSym: PeerSample[] }>();
  for (const i of configs) {
    const cfg = CONFIGS[i]!;
    const mae = countFlops(buildGraph(cfg.spec, 'pretrain')).step.total;
    const sym = countFlops(buildGraph(cfg.spec, 'symmetric')).step.total;
    for (const mode of modes) cells.set(`${i}/${mode}`, { config: cfg.name, mode, batch: cfg.batch, maec: [], peer: [], peerSym: [], flopRatio: sym / mae, stepGflop: (mae * cfg.batch) / 1e9 });
  }
  const loadBefore = loadavg()[0] ?? NaN;
  const loads: number[] = [loadBefore];
  const others: number[] = [];
  const started = new Date().toISOString();
  for (let round = 0; round < o.rounds; round++) {
    for (const i of configs) {
      for (const mode of modes) {
        const cell = cells.get(`${i}/${mode}`)!;
        const before = sampleCpu();
        const m = spawnMaec(i, mode, o.steps);
        const p = spawnPeer(o, i, mode, false);
        const s = spawnPeer(o, i, mode, true);
        cell.maec.push(m);
        cell.peer.push(p);
        cell.peerSym.push(s);
        loads.push(loadavg()[0] ?? NaN);
        const other = otherShare(before, sampleCpu());
        if (other !== undefined) others.push(other);
        console.log(`round ${round + 1}/${o.rounds} ${cell.config} ${mode}: maec ${m.imgPerS.toFixed(1)} img/s (${m.opsStep} ops/step), PyTorch ${p.img_per_s.toFixed(1)} img/s, ratio ${(m.imgPerS / p.img_per_s).toFixed(2)}x; load ${(loadavg()[0] ?? NaN).toFixed(2)}${other !== undefined ? `, other processes ${(100 * other).toFixed(1)}% of the CPUs` : ''}`);
      }
    }
  }
  const report = {
    command: `npm run bench:peer -- ${args.join(' ')}`.trim(),
    started,
    finished: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, tfjs: tf.version_core },
    loadAverage: `${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? NaN).toFixed(2)}`,
    loadSamples: [...loads],
    ...(others.length > 0 ? { otherCpu: others } : {}),
    rounds: o.rounds,
    steps: o.steps,
    cells: [...cells.values()],
  };
  const md = toMarkdown(report);
  if (o.quick) {
    console.log(md);
    console.log('--quick: nothing written');
    return;
  }
  await writeFileAtomic('bench/peer.json', JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic('bench/peer.md', md);
  console.log('wrote bench/peer.md and bench/peer.json');
}

type Report = {
  command: string;
  started: string;
  finished: string;
  machine: { cpu: string; cores: number; node: string; tfjs: string };
  loadAverage: string;
  /** 1-minute load average before the run and after each cell (absent in older reports) */
  loadSamples?: number[];
  /** per cell and round: the share of all CPUs' time that processes other than the bench's used (bench/cpu-share.ts; Linux, absent in older reports) */
  otherCpu?: number[];
  rounds: number;
  steps: number;
  cells: Cell[];
};

/** Highest share of the CPUs that other processes used in a cell above which the rates are preliminary. */
const QUIET_OTHER_SHARE = 0.1;

/**
 * Whether other processes loaded the machine: then the rates are preliminary. Measured as their
 * share of the CPUs' time in each cell (/proc/stat less the bench's own processes); reports
 * without it fall back to the 1-minute load average, which counts the bench's own processes too.
 */
function loadNote(r: Report): string[] {
  const caveat = [
    'Alternating processes spreads the load over maec and PyTorch alike, but the rates, and the ratios of single cells, move',
    'with it; rerun the command on a quiet machine for figures to quote.',
  ];
  if (r.otherCpu !== undefined && r.otherCpu.length > 0) {
    const highest = Math.max(...r.otherCpu);
    const pct = (100 * highest).toFixed(1);
    if (highest <= QUIET_OTHER_SHARE) return ['', `Quiet machine: processes other than the bench's used at most ${pct}% of the CPUs' time in any cell (/proc/stat, less the bench's own processes).`, ''];
    return ['', `**Preliminary: processes other than the bench's used up to ${pct}% of the CPUs' time in a cell (/proc/stat, less the bench's own processes).**`, ...caveat, ''];
  }
  const samples = r.loadSamples ?? r.loadAverage.split(' / ').map(Number);
  const highest = Math.max(...samples.filter(Number.isFinite));
  if (!(highest > r.machine.cores * 0.5)) return [];
  return [
    '',
    `**Preliminary: the 1-minute load average reached ${highest.toFixed(1)} on ${r.machine.cores} cores during this run (this report predates the measure that leaves out the bench's own processes).**`,
    ...caveat,
    '',
  ];
}

/**
 * What a wasm build can reach at all: the register-only f32x4 multiply-add rate
 * (bench/simd-ceiling.ts) against PyTorch's step and matmul rates in the same cell. If every
 * FLOP of maec's step ran at that ceiling, maec / PyTorch would be ceiling / PyTorch's step
 * GFLOP/s: an upper bound no kernel work can pass. Empty for reports without the ceiling.
 */
function ceilingTable(r: Report): string[] {
  if (!r.cells.some((c) => c.maec.some((s) => s.simdCeilingGflops !== undefined) && c.peer.some((s) => s.matmul_gflops !== undefined))) return [];
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const rows = r.cells.map((c) => {
    const ceiling = median(c.maec.flatMap((s) => (s.simdCeilingGflops === undefined ? [] : [s.simdCeilingGflops])));
    const peak = median(c.maec.map((s) => s.matmulPeakGflops));
    const maecGflops = median(c.maec.map((s) => s.gflops));
    const peerGflops = (median(c.peer.map((s) => s.img_per_s)) * c.stepGflop) / c.batch;
    const peerMatmul = median(c.peer.flatMap((s) => (s.matmul_gflops === undefined ? [] : [s.matmul_gflops])));
    // PyTorch's fastest step of the cell: what it does at its best on this machine
    const peerBest = Math.max(...c.peer.map((s) => (s.min_s === undefined ? NaN : c.stepGflop / s.min_s)));
    const bound = ceiling / peerGflops;
    const boundBest = ceiling / peerBest;
    return `| ${c.config} | ${c.mode === 'pinned' ? 'one (pinned)' : 'all'} | ${f(peerGflops)} (${f(peerBest)}) | ${f(peerMatmul)} | ${f(maecGflops)} | ${f(peak)} | ${f(ceiling)} | ${f((100 * peak) / ceiling, 0)}% | ${f(bound, 2)}x (${f(boundBest, 2)}x) | ${f((0.8 / bound) * 100, 0)}% (${f((0.8 / boundBest) * 100, 0)}%) |`;
  });
  return [
    '## How far a wasm build can go',
    '',
    'WebAssembly SIMD is 128 bits wide (4 floats); PyTorch\'s BLAS uses the CPU\'s widest vectors (AVX-512 here). "wasm',
    'SIMD128 ceiling": f32x4 multiply-adds on registers only, as many independent chains as V8 keeps in registers, on the',
    'cell\'s threads at once (bench/simd-ceiling.ts; the faster of relaxed_madd and mul + add): no wasm code, maec\'s or',
    'another\'s, computes faster. "Bound": maec / PyTorch if every FLOP of maec\'s step ran at that ceiling (ceiling over',
    'PyTorch\'s step GFLOP/s, both counted with maec\'s FLOPs). "Needed for 0.8x": the share of the ceiling the whole step',
    'would have to sustain to reach 0.8x PyTorch. In brackets: the same against PyTorch\'s fastest single step in the cell',
    '(its steps vary much more than maec\'s here; the fastest is what it does at its best on this machine).',
    '',
    '| config | cores | PyTorch step GFLOP/s (fastest step) | PyTorch matmul GFLOP/s | maec step GFLOP/s | maec matmul peak GFLOP/s | wasm SIMD128 ceiling GFLOP/s | maec matmul / ceiling | bound on maec / PyTorch | needed for 0.8x |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

function toMarkdown(r: Report): string {
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const first = r.cells[0];
  const lines = [
    '# maec against PyTorch, one run',
    '',
    `Command: \`${r.command}\` (MAE_REF_DIR set to the official sources), from ${r.started} to ${r.finished}.`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, tfjs ${r.machine.tfjs}; load average (1 min) before / after: ${r.loadAverage}.`,
    ...loadNote(r),
    `PyTorch: ${first?.peer[0] ? `${first.peer[0].torch}, BLAS libraries mapped: ${first.peer[0].blas.join(', ') || 'none named blas'}` : '-'}; maec: ${first?.maec[0]?.simd ?? '-'}.`,
    '',
    `A step is forward + backward + AdamW on a batch of 64. Each cell alternates processes: maec, then the peer (the official`,
    `models_mae.py timed by official_step.py), then the peer's near-symmetric proxy (--sym), ${r.rounds} round(s) of ${r.steps} timed steps each;`,
    'the figures are medians over the rounds. "pinned": every process under `taskset -c 0`, torch with 1 thread; "all cores":',
    `no pinning, torch with ${r.machine.cores} threads, maec with ${r.machine.cores} training threads (--threads, runtime/parallel).`,
    '',
    '| config | cores | maec img/s | PyTorch img/s | maec / PyTorch | maec ops / step (fwd+bwd) | maec GFLOP/s | wasm matmul peak GFLOP/s | % of peak | maec asym. speedup | PyTorch asym. speedup | FLOP ratio | maec speedup / FLOP ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of r.cells) {
    const maec = median(c.maec.map((s) => s.imgPerS));
    const peer = median(c.peer.map((s) => s.img_per_s));
    const gflops = median(c.maec.map((s) => s.gflops));
    const peak = median(c.maec.map((s) => s.matmulPeakGflops));
    const maecSpeedup = median(c.maec.map((s) => s.imgPerS / s.symImgPerS));
    const peerSpeedup = median(c.peer.map((s, i) => s.img_per_s / c.peerSym[i]!.img_per_s));
    const ops = median(c.maec.map((s) => s.opsStep));
    const opsFb = median(c.maec.map((s) => s.opsForwardBackward));
    lines.push(
      `| ${c.config} | ${c.mode === 'pinned' ? 'one (pinned)' : 'all'} | ${f(maec)} | ${f(peer)} | ${f(maec / peer, 2)}x | ${ops} (${opsFb}) | ${f(gflops)} | ${f(peak)} | ${f((100 * gflops) / peak, 0)}% | ${f(maecSpeedup, 2)}x | ${f(peerSpeedup, 2)}x | ${f(c.flopRatio, 2)}x | ${f((100 * maecSpeedup) / c.flopRatio, 0)}% |`,
    );
  }
  lines.push(
    '',
    'maec ops / step: tfjs kernel calls (tf.engine().runKernel, bench/op-count.ts) in one full step, in brackets forward + backward',
    'alone; the rest is AdamW, one kernel call per parameter (runtime/tfjs/kernels/adamw.ts). GFLOP/s: the step\'s FLOPs',
    '(maec compile\'s count, the same for both) over its time; the peak is',
    'the plain 2-D product [4096, 192] x [192, 768] with maec\'s kernels in the same process, on as many threads as the step',
    '(bench/matmul-peak.ts; older reports timed one thread in every cell). Asymmetric speedup: MAE step rate',
    'over the symmetric baseline\'s (maec: mask tokens in the encoder; PyTorch: --sym, the encoder on L-1 of L patches, a',
    'slightly cheaper proxy); FLOP ratio: symmetric step FLOPs over MAE step FLOPs.',
    '',
    ...ceilingTable(r),
    'Per-round samples are in bench/peer.json.',
    '',
  );
  return lines.join('\n');
}

await main();
