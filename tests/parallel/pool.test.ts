import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph } from '../../compiler/build/mae.ts';
import { initialParams } from '../../runtime/init.ts';
import { sampleNoise } from '../../runtime/masking/noise.ts';
import { startPool, ThreadError } from '../../runtime/parallel/pool.ts';
import { shardSizes, splitInputs } from '../../runtime/parallel/shards.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { tinySpec } from '../train/helpers.ts';

test('shard sizes cover the batch, differ by at most one, larger first, and never exceed the batch', () => {
  for (let batch = 1; batch <= 40; batch++) {
    for (let threads = 1; threads <= 9; threads++) {
      const sizes = shardSizes(batch, threads);
      assert.equal(sizes.reduce((a, b) => a + b, 0), batch);
      assert.equal(sizes.length, Math.min(batch, threads));
      assert.ok(sizes.every((s, i) => s >= 1 && (i === 0 || s <= sizes[i - 1]!)) && sizes[0]! - sizes.at(-1)! <= 1, `${batch}/${threads}: ${sizes}`);
    }
  }
});

test('split inputs are the batch rows in order', () => {
  const data = Float32Array.from({ length: 5 * 3 }, (_, i) => i);
  const shards = splitInputs({ noise: { data, shape: [5, 3] } }, shardSizes(5, 2));
  assert.deepEqual(shards.map((s) => s.noise!.shape), [[3, 3], [2, 3]]);
  assert.deepEqual([...shards[1]!.noise!.data], [9, 10, 11, 12, 13, 14]);
});

const relative = (a: Float32Array, b: Float32Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-12);
};

test('three training threads give the one-thread loss and gradients of a batch (float rounding apart), the same on every call', async (t) => {
  const target = await openTarget('wasm');
  const spec = tinySpec();
  const graph = buildGraph(spec);
  const { channels: C, imageSize: S, numPatches: L, grid, numVisible } = graph.meta;
  const rng = Rng.fromSeed(3);
  const values = initialParams(graph.params, rng);
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(values.get(p.name)!, [...p.shape])]));
  const B = 10; // shards of 4, 3 and 3
  const images = Float32Array.from({ length: B * C * S * S }, () => rng.normal());
  const noise = sampleNoise(spec.mask.strategy, B, grid, numVisible, rng);
  const program = lower(graph, target);
  const one = program.lossAndGrads(params, { imgs: tf.tensor(images, [B, C, S, S]), noise: tf.tensor(noise, [B, L]) });

  const pool = await startPool(graph, target, 3);
  try {
    await pool.publish(params);
    const inputs = { imgs: { data: images, shape: [B, C, S, S] }, noise: { data: noise, shape: [B, L] } };
    const a = await pool.lossAndGrads(inputs);
    const b = await pool.lossAndGrads(inputs);
    const lossOne = (await one.loss.data())[0]!;
    const lossErr = Math.abs(a.loss - lossOne) / Math.abs(lossOne);
    let worst = 0;
    for (const [name, g] of one.grads) {
      const mine = (await a.grads.get(name)!.data()) as Float32Array;
      worst = Math.max(worst, relative(mine, (await g.data()) as Float32Array));
      assert.deepEqual(mine, await b.grads.get(name)!.data(), `${name}: deterministic`);
    }
    t.diagnostic(`3 threads vs 1: loss ${lossErr.toExponential(2)} relative, worst gradient ${worst.toExponential(2)} relative to its largest entry`);
    assert.equal(a.loss, b.loss);
    assert.ok(lossErr < 1e-6, `loss ${lossErr}`);
    assert.ok(worst < 1e-5, `gradients ${worst}`);
    tf.dispose([...a.grads.values(), ...b.grads.values()]);
  } finally {
    await pool.close();
    tf.dispose([one.loss, ...one.grads.values(), ...params.values()]);
  }
});

test('a shard a thread cannot compute is a ThreadError naming the thread', async () => {
  const target = await openTarget('wasm');
  const graph = buildGraph(tinySpec());
  const pool = await startPool(graph, target, 2);
  try {
    const params = new Map(graph.params.map((p) => [p.name, tf.zeros([...p.shape])]));
    await pool.publish(params);
    tf.dispose([...params.values()]);
    // noise of the wrong length: the program's input check refuses it in each thread
    await assert.rejects(pool.lossAndGrads({ imgs: { data: new Float32Array(4 * 256), shape: [4, 1, 16, 16] }, noise: { data: new Float32Array(4 * 3), shape: [4, 3] } }), (e: unknown) => e instanceof ThreadError && /training thread 1 of 2 failed/.test((e as Error).message));
  } finally {
    await pool.close();
  }
});
