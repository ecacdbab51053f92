import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph } from '../../compiler/build/mae.ts';
import { openTarget, type Target } from '../../runtime/tfjs/target.ts';
import type { PretrainAugment } from '../../dsl/index.ts';
import type { Position } from '../../runtime/checkpoint/index.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { initialParams } from '../../runtime/init.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower, type Program } from '../../runtime/tfjs/program.ts';
import { TrainError } from '../../runtime/train/errors.ts';
import { PRETRAIN_PIPELINE } from '../../runtime/train/augment.ts';
import { runLoop, type StepRecord } from '../../runtime/train/loop.ts';
import { createModelState } from '../../runtime/train/model-state.ts';
import { tinySpec, TINY_DATA, TINY_HYPER } from './helpers.ts';

/** The real program, except that the loss of call `badCall` (1-based) is NaN. */
function nanAt(program: Program, badCall: number): Program {
  let calls = 0;
  return {
    ...program,
    lossAndGrads(params, inputs, extra) {
      calls += 1;
      const r = program.lossAndGrads(params, inputs, extra);
      if (calls !== badCall) return r;
      r.loss.dispose();
      return { ...r, loss: tf.scalar(Number.NaN) };
    },
  };
}

test('a NaN loss stops the run naming the step, applies nothing and saves no checkpoint after it', async () => {
  const target = await openTarget('wasm');
  const graph = buildGraph(tinySpec(), 'pretrain');
  const state = createModelState(graph, initialParams(graph.params, Rng.fromSeed(0)));
  const steps: StepRecord[] = [];
  const saved: Position[] = [];
  try {
    const run = runLoop(
      { program: nanAt(lower(graph, target), 5), state, dataset: await openDataset(TINY_DATA), hyper: { ...TINY_HYPER, checkpointEvery: 2 }, rng: Rng.fromSeed(1), strategy: 'random', augment: 'crop', start: { step: 0, epoch: 0, batchInEpoch: 0 } },
      { onStep: (r) => void steps.push(r), checkpoint: async (p) => void saved.push(p), onEpochEnd: async () => {}, shouldStop: () => false },
    );
    await assert.rejects(run, (e: unknown) => e instanceof TrainError && e.code === 'TRAIN001' && /loss is NaN at step 5 \(epoch 1, batch 5 of 8\)/.test(e.message));
    assert.deepEqual(steps.map((r) => r.step), [1, 2, 3, 4]);
    assert.deepEqual(saved.map((p) => p.step), [2, 4]);
    for (const [name, t] of state.params) assert.ok(t.dataSync().every(Number.isFinite), `${name} has non-finite values`);
  } finally {
    state.dispose();
  }
});

test("the loop masks with the spec's strategy: grid masking keeps the top-left patch of every 2x2 block", async () => {
  const target = await openTarget('wasm');
  const graph = buildGraph(tinySpec(), 'pretrain'); // 16x16, patch 4: a 4x4 grid, K = 4
  const state = createModelState(graph, initialParams(graph.params, Rng.fromSeed(0)));
  const kept: number[][] = [];
  const program = lower(graph, target);
  const recording: Program = {
    ...program,
    lossAndGrads(params, inputs, extra) {
      const noise = inputs.noise!.dataSync();
      const l = graph.meta.numPatches;
      const row = Array.from(noise.subarray(0, l));
      kept.push(row.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).slice(0, graph.meta.numVisible).map(([, i]) => i).sort((a, b) => a - b));
      return program.lossAndGrads(params, inputs, extra);
    },
  };
  try {
    await runLoop(
      { program: recording, state, dataset: await openDataset(TINY_DATA), hyper: { ...TINY_HYPER, epochs: 1 }, rng: Rng.fromSeed(1), strategy: 'grid', augment: 'crop', start: { step: 0, epoch: 0, batchInEpoch: 0 } },
      { onStep: () => {}, checkpoint: async () => {}, onEpochEnd: async () => {}, shouldStop: () => kept.length >= 2 },
    );
  } finally {
    state.dispose();
  }
  assert.ok(kept.length >= 2);
  for (const k of kept) assert.deepEqual(k, [0, 2, 8, 10]);
});

/** The images of the loop's first micro-batch under `augment`. */
async function firstImages(augment: PretrainAugment, target: Target): Promise<Float32Array> {
  const graph = buildGraph(tinySpec(), 'pretrain');
  const state = createModelState(graph, initialParams(graph.params, Rng.fromSeed(0)));
  const program = lower(graph, target);
  let first: Float32Array | undefined;
  const recording: Program = {
    ...program,
    lossAndGrads(params, inputs, extra) {
      first ??= inputs.imgs!.dataSync() as Float32Array;
      return program.lossAndGrads(params, inputs, extra);
    },
  };
  try {
    await runLoop(
      { program: recording, state, dataset: await openDataset(TINY_DATA), hyper: { ...TINY_HYPER, epochs: 1 }, rng: Rng.fromSeed(1), strategy: 'random', augment, start: { step: 0, epoch: 0, batchInEpoch: 0 } },
      { onStep: () => {}, checkpoint: async () => {}, onEpochEnd: async () => {}, shouldStop: () => true },
    );
  } finally {
    state.dispose();
  }
  return first!;
}

test("the loop augments with the spec's augment: each setting feeds exactly its pipeline mode's batch", async () => {
  const target = await openTarget('wasm');
  const meta = buildGraph(tinySpec(), 'pretrain').meta;
  const dataset = await openDataset(TINY_DATA);
  const pipeline = async (augment: PretrainAugment) => {
    const options = { batchSize: TINY_HYPER.batch, imageSize: meta.imageSize, channels: meta.channels, seed: TINY_HYPER.seed, epoch: 0, augment: PRETRAIN_PIPELINE[augment], dropLast: true };
    for await (const b of dataset.batches('train', options)) return b.images;
    throw new Error('no batch');
  };
  const fed = new Map<PretrainAugment, Float32Array>();
  for (const augment of ['none', 'crop-fixed', 'crop', 'crop+jitter'] as const) {
    fed.set(augment, await firstImages(augment, target));
    assert.deepEqual(fed.get(augment), await pipeline(augment), augment);
  }
  // The four modes give four different batches, so the setting really reaches the pipeline.
  assert.equal(new Set([...fed.values()].map((v) => v.join())).size, 4);
});
