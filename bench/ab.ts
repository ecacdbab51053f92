/**
 * Training steps of the bench config (cifar-small, batch 64, MAE) under three kernel sets in
 * one process, alternating step by step so that load from other processes hits all alike:
 * stock tfjs-wasm, maec's matmuls only, and maec's matmuls + elementwise kernels.
 * bench/step.ts gives each measurement a fresh process (for peak RSS); on a shared machine its
 * cells can see different loads, which this comparison cannot.
 *
 *   taskset -c 0 npx tsx bench/ab.ts [rounds=5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { useBackend } from '../runtime/backend.ts';
import { installKernels, uninstallKernels } from '../runtime/kernels/index.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { lower } from '../runtime/tfjs/program.ts';
import { initialParams } from '../runtime/init.ts';
import { Rng } from '../runtime/rng.ts';
import { AdamW } from '../runtime/train/adamw.ts';
import { cifarSmall } from '../models/cifar-small.ts';

const BATCH = 64;
type Variant = 'stock' | 'matmul' | 'matmul+elementwise';
const VARIANTS: readonly Variant[] = ['stock', 'matmul', 'matmul+elementwise'];

async function use(variant: Variant): Promise<void> {
  uninstallKernels();
  if (variant !== 'stock') await installKernels({ env: {}, elementwise: variant === 'matmul+elementwise' });
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  await useBackend('wasm');
  const graph = buildGraph(cifarSmall, 'pretrain');
  const rng = Rng.fromSeed(0);
  const init = initialParams(graph.params, rng);
  const params = new Map(graph.params.map((p) => [p.name, p.trainable ? tf.variable(tf.tensor(init.get(p.name)!, [...p.shape])) : tf.tensor(init.get(p.name)!, [...p.shape])]));
  const optimizer = new AdamW(graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay })));
  const { channels: c, imageSize: s, numPatches: l } = graph.meta;
  const imgs = tf.tensor(rng.uniformArray(BATCH * c * s * s), [BATCH, c, s, s]);
  const stepMs = async (variant: Variant): Promise<number> => {
    await use(variant);
    const program = lower(graph); // the lowering rules depend on which kernels are installed
    const noise = tf.tensor(rng.uniformArray(BATCH * l), [BATCH, l]);
    const t0 = performance.now();
    const { loss, grads } = program.lossAndGrads(params, { imgs, noise });
    optimizer.apply(grads, 1e-4);
    loss.dataSync();
    const ms = performance.now() - t0;
    tf.dispose([loss, noise, ...grads.values()]);
    return ms;
  };
  const loadBefore = loadavg()[0] ?? NaN;
  for (const v of VARIANTS) await stepMs(v); // warm-up
  const times = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) for (const v of VARIANTS) times.get(v)!.push(await stepMs(v));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const stock = median(times.get('stock')!);
  console.log(`cifar-small batch ${BATCH}, ${rounds} alternating rounds, load average ${loadBefore.toFixed(2)} -> ${(loadavg()[0] ?? NaN).toFixed(2)}`);
  for (const v of VARIANTS) {
    const ms = median(times.get(v)!);
    console.log(`${v.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms/step  ${((BATCH * 1000) / ms).toFixed(1).padStart(6)} img/s  ${(stock / ms).toFixed(2)}x stock  (best ${((BATCH * 1000) / Math.min(...times.get(v)!)).toFixed(1)} img/s)`);
  }
}

await main();
