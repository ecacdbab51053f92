/**
 * One MAE training step (forward, backward, AdamW) timed on one backend, with awaited reads so
 * that it runs on webgpu too: the step of bench/harness.ts, asynchronous. Prints one line of
 * text and one `RESULT {json}` line; exits 1 when the step fails (an exception, a WebGPU
 * validation or out-of-memory error, or a non-finite loss), so that a caller can retry with a
 * smaller batch in a fresh process (scripts/gpu-check.sh does).
 *
 *   npx tsx bench/gpu-step.ts --config cifar-small --backend webgpu --batch 64 --steps 5
 *   npx tsx bench/gpu-step.ts --config vit-b16 --backend wasm --batch 8 --steps 2
 *   npx tsx bench/gpu-step.ts --config cifar-small --backend webgpu --kernels off   # stock shaders
 *   npx tsx bench/gpu-step.ts --info     # the WebGPU adapter, its limits, and the automatic choice
 *
 * `--kernels on` (default) runs maec's WebGPU kernels (runtime/tfjs/webgpu-kernels) and its
 * AdamW update; `--kernels off` the stock tfjs-webgpu shaders. On webgpu it also counts the
 * dispatches, submits and bound storage bytes of one step (Dawn's prototypes wrapped) and
 * reports the GPU memory tfjs holds. The first step (shader compilation, buffer pool
 * growth) is timed apart from the median of the others.
 */
import { BENCH_SPECS } from './configs.ts';
import * as tf from '@tensorflow/tfjs-core';
import { countFlops } from '../compiler/analysis/index.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { initialParams } from '../runtime/init.ts';
import { Rng } from '../runtime/rng.ts';
import { lower } from '../runtime/tfjs/program.ts';
import { BACKENDS, describeTarget, openTarget, type BackendName } from '../runtime/tfjs/target.ts';
import { countDispatches, describeAdapter, isHardware, openWebGpu, type DispatchCount } from '../runtime/tfjs/webgpu.ts';
import { AdamW } from '../runtime/train/adamw.ts';

const CONFIGS = BENCH_SPECS;

interface GpuStepResult {
  readonly config: string;
  readonly backend: BackendName;
  readonly target: string;
  readonly batch: number;
  readonly steps: number;
  readonly firstStepMs: number;
  readonly msPerStep: number;
  readonly imagesPerSecond: number;
  readonly gflopsPerSecond: number;
  readonly losses: readonly number[];
  /** webgpu only: work handed to Dawn by one timed step. */
  readonly perStep?: DispatchCount;
  readonly numBytesInGPU?: number;
  readonly numBytesAllocatedInGPU?: number;
  readonly peakRssMiB: number;
}

function flag(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Device = { pushErrorScope(f: string): void; popErrorScope(): Promise<{ message: string } | null> };

/** Runs `f` inside WebGPU validation and out-of-memory error scopes; throws on either error. */
async function checked<T>(device: Device | undefined, f: () => Promise<T>): Promise<T> {
  if (!device) return f();
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await f();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom) throw new Error(`WebGPU out of memory: ${oom.message}`);
    if (validation) throw new Error(`WebGPU validation error: ${validation.message.split('\n')[0]}`);
  }
  return result;
}

async function gpuStep(config: string, backend: BackendName, batch: number, steps: number, kernels = true): Promise<GpuStepResult> {
  const spec = CONFIGS[config];
  if (!spec) throw new Error(`unknown config ${config}: expected one of ${Object.keys(CONFIGS).join(', ')}`);
  const target = await openTarget(backend, { kernels });
  const graph = buildGraph(spec, 'pretrain');
  const rng = Rng.fromSeed(0);
  const init = initialParams(graph.params, rng);
  const params = new Map(graph.params.map((p) => [p.name, p.trainable ? tf.variable(tf.tensor(init.get(p.name)!, [...p.shape])) : tf.tensor(init.get(p.name)!, [...p.shape])]));
  const optimizer = new AdamW(graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay })), undefined, target.ops.adamw);
  const { channels: c, imageSize: s, numPatches: l } = graph.meta;
  const imgs = tf.tensor(rng.uniformArray(batch * c * s * s), [batch, c, s, s]);
  const program = lower(graph, target);
  const device = backend === 'webgpu' ? ((tf.backend() as unknown as { device: Device }).device) : undefined;
  const losses: number[] = [];
  const step = async (): Promise<number> => {
    const t0 = performance.now();
    const noise = tf.tensor(rng.uniformArray(batch * l), [batch, l]);
    const { loss, grads } = program.lossAndGrads(params, { imgs, noise });
    optimizer.apply(grads, 1e-4);
    const value = (await loss.data())[0]!; // waits for the whole step: AdamW's updates were queued before it
    tf.dispose([loss, noise, ...grads.values()]);
    if (!Number.isFinite(value)) throw new Error(`non-finite loss ${value}`);
    losses.push(value);
    return performance.now() - t0;
  };
  try {
    const firstStepMs = await checked(device, step);
    const times: number[] = [];
    let perStep: DispatchCount | undefined;
    for (let i = 0; i < steps; i++) {
      const counter = backend === 'webgpu' && i === 0 ? countDispatches() : undefined;
      times.push(await checked(device, step));
      if (counter) {
        perStep = counter.read();
        counter.stop();
      }
    }
    const ms = median(times);
    const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
    return {
      config,
      backend,
      target: describeTarget(target),
      batch,
      steps,
      firstStepMs,
      msPerStep: ms,
      imagesPerSecond: (batch * 1000) / ms,
      gflopsPerSecond: (countFlops(graph).step.total * batch) / (ms * 1e6),
      losses,
      ...(perStep ? { perStep } : {}),
      ...(mem.numBytesInGPU !== undefined ? { numBytesInGPU: mem.numBytesInGPU, numBytesAllocatedInGPU: mem.numBytesAllocatedInGPU } : {}),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([imgs, ...params.values()]);
  }
}

/** `--info`: what Dawn offers here and what the automatic choice of a forward command takes. */
async function info(): Promise<void> {
  const opened = await openWebGpu();
  if (!opened.ok) {
    console.log(`webgpu: no adapter: ${opened.reason}`);
    console.log(`INFO ${JSON.stringify({ ok: false, reason: opened.reason })}`);
    return;
  }
  const target = await openTarget('webgpu');
  const limits = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device.limits;
  const wanted = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension'];
  const shown = Object.fromEntries(wanted.map((k) => [k, limits[k]]));
  const auto = await openTarget(undefined);
  console.log(`webgpu: ${describeAdapter(opened.adapter)}; hardware: ${isHardware(opened.adapter)}`);
  console.log(`device limits: ${Object.entries(shown).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`automatic choice of maec forward: ${describeTarget(auto)}`);
  console.log(`INFO ${JSON.stringify({ ok: true, adapter: opened.adapter, hardware: isHardware(opened.adapter), limits: shown, target: describeTarget(target), automatic: auto.backend })}`);
}

const HELP = `npx tsx bench/gpu-step.ts [--config cifar-small|vit-b16|mnist-tiny] [--backend webgpu|wasm|cpu|tensorflow]
                         [--batch N] [--steps N] [--kernels on|off] | --info

One MAE training step (forward, backward, AdamW) timed on one backend with awaited reads; prints a
line and RESULT {json}; exit 1 when the step fails (an exception, a WebGPU validation or
out-of-memory error, a non-finite loss).
  --config C      the model (default cifar-small)
  --backend B     the tfjs backend (default webgpu)
  --batch N       the batch (default 64)
  --steps N       timed steps after the first (default 5)
  --kernels on    maec's kernels (default): on webgpu its WGSL kernels and AdamW update
  --kernels off   stock tfjs kernels (webgpu: one shader per tfjs op)
  --info          the WebGPU adapter, its limits, and the automatic choice of maec forward`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  if (args.includes('--info')) return info();
  const config = flag(args, 'config', 'cifar-small');
  const backend = flag(args, 'backend', 'webgpu') as BackendName;
  if (!BACKENDS.includes(backend)) throw new Error(`unknown backend ${backend}: expected one of ${BACKENDS.join(', ')}`);
  const batch = Number(flag(args, 'batch', '64'));
  const steps = Number(flag(args, 'steps', '5'));
  const kernels = flag(args, 'kernels', 'on');
  if (kernels !== 'on' && kernels !== 'off') throw new Error(`--kernels ${kernels}: expected on or off`);
  const r = await gpuStep(config, backend, batch, steps, kernels === 'on');
  const work = r.perStep ? `; ${r.perStep.dispatches} dispatches, ${r.perStep.submits} submits, ${(r.perStep.boundBytes / 2 ** 20).toFixed(0)} MiB of storage buffers bound per step` : '';
  const gpu = r.numBytesAllocatedInGPU !== undefined ? `; GPU memory ${(r.numBytesAllocatedInGPU / 2 ** 20).toFixed(0)} MiB allocated` : '';
  console.log(`${config} batch ${batch} on ${r.target}`);
  console.log(
    `  first step ${(r.firstStepMs / 1000).toFixed(2)} s; median of ${steps}: ${r.msPerStep.toFixed(0)} ms/step, ${r.imagesPerSecond.toFixed(1)} img/s, ${r.gflopsPerSecond.toFixed(1)} GFLOP/s${work}${gpu}; peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
  );
  console.log(`RESULT ${JSON.stringify(r)}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`gpu-step: ${(e as Error).message}`);
    process.exit(1);
  },
);
