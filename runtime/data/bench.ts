/**
 * Measures augmentation throughput (images/s, one core) of the batch pipeline and of the bare
 * resampler. Run: `npx tsx runtime/data/bench.ts` (docs/data.md records the numbers).
 */
import { Rng } from '../rng.ts';
import { augmentImage } from './augment.ts';
import { openDataset } from './open.ts';
import type { Augment } from './types.ts';

async function pipelineRate(source: string, size: number, channels: number, augment: Augment, limit: number): Promise<number> {
  const ds = await openDataset(source);
  const opts = { batchSize: 256, imageSize: size, channels, seed: 0, epoch: 0, augment, dropLast: false, limit };
  for await (const _ of ds.batches('train', { ...opts, limit: 1024 })); // warm-up (JIT)
  const t = performance.now();
  let n = 0;
  for await (const b of ds.batches('train', opts)) n += b.size;
  return n / ((performance.now() - t) / 1000);
}

function kernelRate(side: number, channels: number, out: number, augment: Augment, iterations: number): number {
  const rng = Rng.fromSeed(1);
  const src = rng.uniformArray(channels * side * side);
  const dst = new Float32Array(channels * out * out);
  const target = { dst, offset: 0, size: out };
  for (let i = 0; i < 2000; i++) augmentImage(src, channels, side, side, augment, true, rng, target);
  const t = performance.now();
  for (let i = 0; i < iterations; i++) augmentImage(src, channels, side, side, augment, true, rng, target);
  return iterations / ((performance.now() - t) / 1000);
}

const fmt = (r: number) => `${Math.round(r).toLocaleString('en-US')} images/s`;
console.log('augmentImage alone (one image in, one out):');
for (const [side, c, out, aug] of [[28, 1, 28, 'pretrain'], [28, 1, 28, 'none'], [32, 3, 32, 'pretrain'], [28, 1, 32, 'pretrain'], [224, 3, 224, 'pretrain']] as const) {
  console.log(`  ${c}x${side}x${side} -> ${out}x${out} ${aug}: ${fmt(kernelRate(side, c, out, aug, side > 100 ? 300 : 50000))}`);
}
console.log('full pipeline (decode from memory, augment, normalise, batch 256):');
console.log(`  mnist 28 -> 28x1 pretrain: ${fmt(await pipelineRate('mnist', 28, 1, 'pretrain', 9000))}`);
console.log(`  mnist 28 -> 32x3 pretrain: ${fmt(await pipelineRate('mnist', 32, 3, 'pretrain', 9000))}`);
console.log(`  synthetic 32x3 -> 32x3 pretrain: ${fmt(await pipelineRate('synthetic:size=32,channels=3,train=4096', 32, 3, 'pretrain', 4096))}`);
