import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph } from '../../compiler/build/mae.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { extractFeatures } from '../../runtime/eval/features.ts';
import { initialParams } from '../../runtime/init.ts';
import { Rng } from '../../runtime/rng.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { SYNTH, tinySpec } from './fixtures.ts';

const target = await openTarget('cpu');

test('probe features: cls is token 0 of the encoder output, mean averages the patch tokens', async () => {
  const encoder = buildGraph(tinySpec, 'encoder');
  const init = initialParams(encoder.params, Rng.fromSeed(4));
  const params = new Map(encoder.params.map((p) => [p.name, tf.tensor(init.get(p.name)!, [...p.shape])]));
  const dataset = await openDataset(SYNTH);
  const options = { batchSize: 3, limit: 5 };
  const cls = await extractFeatures(dataset, 'test', encoder, target, params, 'cls', options);
  const mean = await extractFeatures(dataset, 'test', encoder, target, params, 'mean', options);
  assert.deepEqual([cls.dim, cls.labels.length, mean.labels.length], [32, 5, 5]);
  assert.deepEqual(mean.labels, cls.labels);

  // The same five images through the encoder by hand.
  const { imageSize: s, channels: c, numPatches: l } = encoder.meta;
  const images: number[] = [];
  for await (const b of dataset.batches('test', { batchSize: 5, imageSize: s, channels: c, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false, limit: 5 })) images.push(...b.images);
  const latent = lower(encoder, target).run(params, { imgs: tf.tensor(images, [5, c, s, s]) }, ['latent']).latent!;
  const tokens = (await latent.array()) as number[][][]; // [5, 1 + L, D]
  for (let i = 0; i < 5; i++) {
    for (let d = 0; d < 32; d++) {
      assert.ok(Math.abs(cls.features[i * 32 + d]! - tokens[i]![0]![d]!) < 1e-5);
      let sum = 0;
      for (let t = 1; t <= l; t++) sum += tokens[i]![t]![d]!;
      assert.ok(Math.abs(mean.features[i * 32 + d]! - sum / l) < 1e-5, `mean feature ${i},${d}`);
    }
  }
  assert.ok(cls.features.some((v, i) => Math.abs(v - mean.features[i]!) > 1e-3), 'the two poolings differ');
  tf.dispose([latent, ...params.values()]);
});
