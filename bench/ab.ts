/**
 * Training steps of the bench config (cifar-small, batch 64, MAE) under three kernel sets in
 * one process, alternating step by step so that load from other processes hits all alike:
 * stock tfjs-wasm, maec's matmuls only, and maec's matmuls + elementwise kernels.
 * bench/step.ts gives each measurement a fresh process (for peak RSS); on a shared machine its
 * cells can see different loads, which this comparison cannot.
 *
 *   taskset -c 0 npx tsx bench/ab.ts [rounds=5]
 */
import { loadavg } from 'node:os';
import { openTarget, type Target } from '../runtime/tfjs/target.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { cifarSmall } from '../models/cifar-small.ts';
import { trainingHarness } from './harness.ts';

const BATCH = 64;
type Variant = 'stock' | 'matmul' | 'matmul+elementwise';
const VARIANTS: readonly Variant[] = ['stock', 'matmul', 'matmul+elementwise'];

function use(variant: Variant): Promise<Target> {
  return openTarget('wasm', { kernels: variant === 'stock' ? false : { env: {}, elementwise: variant === 'matmul+elementwise' } });
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const graph = buildGraph(cifarSmall, 'pretrain');
  const harness = trainingHarness(graph, await use('stock'), BATCH);
  const stepMs = async (variant: Variant): Promise<number> => {
    harness.relower(await use(variant));
    const t0 = performance.now();
    harness.step();
    return performance.now() - t0;
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
