import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { loadSafetensors, toFloat32, toInt32, type SafetensorsTensor } from '../../runtime/io/index.ts';
import { PARITY_DIR, parityFixtures } from './fixtures.ts';
import { relativeError } from './reference/cases.ts';

const values = (t: SafetensorsTensor) => (t.dtype === 'I64' ? toInt32(t) : toFloat32(t));
const asTensor = (t: SafetensorsTensor) => tf.tensor(toFloat32(t), [...t.shape]);
// Measured worst case on every fixture and backend: 9e-7; 1e-5 leaves rounding room and fails a real loss of precision.
const TOLERANCE = 1e-5;

const fixtures = parityFixtures();
test('parity fixtures are present', () => assert.ok(fixtures.length > 0, `no fixture under ${PARITY_DIR}`));

// wasm runs twice: with maec's matmul kernels (the default) and with the stock tfjs kernels.
const variants: { backend: BackendName; label: string; stock?: boolean }[] = [
  { backend: 'cpu', label: 'cpu' },
  { backend: 'wasm', label: 'wasm with maec kernels' },
  { backend: 'wasm', label: 'wasm with stock kernels', stock: true },
];

for (const { backend, label, stock } of variants) {
  for (const fx of fixtures) {
    test(`${fx.name} on ${label}: loss, pred, latent, mask, ids_restore and gradients match the official code`, async (t) => {
      const target = await openTarget(backend, stock ? { kernels: false } : {});
      const [weights, inputs, expected] = await Promise.all(
        ['weights', 'inputs', 'expected'].map((f) => loadSafetensors(join(fx.dir, `${f}.safetensors`))),
      );
      const want = (name: string) => {
        const t = expected!.tensors.get(name);
        assert.ok(t, `expected.safetensors lacks ${name}`);
        return t;
      };
      const graph = buildGraph(fx.spec, 'pretrain');
      const params = new Map(
        graph.params.map((p) => {
          const t = weights!.tensors.get(p.name);
          assert.ok(t, `weights.safetensors lacks ${p.name}`);
          assert.deepEqual(t.shape, p.shape, `${p.name} shape`);
          return [p.name, asTensor(t)];
        }),
      );
      const imgs = asTensor(inputs!.tensors.get('imgs')!);
      const noise = asTensor(inputs!.tensors.get('noise')!);
      const before = tf.memory().numTensors;
      const result = lower(graph, target).lossAndGrads(params, { imgs, noise }, ['pred', 'latent', 'mask', 'ids_restore']);
      let worst = { name: '', err: 0 };
      const close = (name: string, got: ArrayLike<number>, expectedValues: ArrayLike<number>) => {
        const err = relativeError(got, expectedValues);
        if (err >= worst.err) worst = { name, err };
        assert.ok(err <= TOLERANCE, `${name}: relative error ${err.toExponential(2)} (tolerance ${TOLERANCE})`);
      };
      try {
        close('loss', result.loss.dataSync(), values(want('loss')));
        for (const name of ['pred', 'latent']) close(name, result.outputs[name]!.dataSync(), values(want(name)));
        assert.deepEqual(Array.from(result.outputs['mask']!.dataSync()), Array.from(values(want('mask'))), 'mask');
        assert.deepEqual(Array.from(result.outputs['ids_restore']!.dataSync()), Array.from(values(want('ids_restore'))), 'ids_restore');
        const gradNames = [...expected!.tensors.keys()].filter((k) => k.startsWith('grad.'));
        assert.ok(gradNames.length > 0, 'fixture has gradients');
        for (const key of gradNames) {
          const name = key.slice('grad.'.length);
          const grad = result.grads.get(name);
          assert.ok(grad, `no gradient for ${name}`);
          close(key, grad.dataSync(), values(want(key)));
        }
        t.diagnostic(`worst relative error ${worst.err.toExponential(2)} (${worst.name})`);
      } finally {
        tf.dispose([result.loss, ...result.grads.values(), ...Object.values(result.outputs)]);
      }
      assert.equal(tf.memory().numTensors, before, 'a training step leaks no tensors');
      tf.dispose([...params.values(), imgs, noise]);
    });
  }
}
