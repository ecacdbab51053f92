import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { openTarget, type BackendName } from '../../runtime/tfjs/target.ts';
import { buildGraph } from '../../compiler/build/mae.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { Rng } from '../../runtime/rng.ts';
import { referenceLoss } from './reference/index.ts';
import { paramTensors, randomInputs, randomParams, specOf, type ModelCase } from './reference/cases.ts';

/**
 * Gradients of the lowered program (`lossAndGrads`, tfjs float32) against central finite
 * differences of the float64 reference loss, for entries of every trainable parameter of tiny
 * models. float64 differences with a 1e-5 step are exact to ~1e-10, so what remains is the
 * float32 rounding of the program: 1e-3 of the gradient tensor's largest absolute value.
 */
const TOLERANCE = 1e-3;
const STEP = 1e-5;
/** Entries checked per parameter tensor: all of them for small tensors, a seeded sample beyond. */
const ENTRIES_PER_TENSOR = 48;
const BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

const tiny = { size: 8, channels: 1, patch: 4, width: 8, depth: 1, heads: 2, mlpRatio: 2, decoderWidth: 8, decoderDepth: 1, decoderHeads: 2, eps: 1e-6, n: 2 };
const CASES: readonly (ModelCase & { readonly kind: 'pretrain' | 'symmetric' })[] = [
  { ...tiny, name: 'grey 8x8 patch 4, ratio 0.5, pixel loss', ratio: 0.5, normPixLoss: false, kind: 'pretrain' },
  { ...tiny, name: '2-channel 8x8 patch 2, ratio 0.75, normPixLoss, eps 1e-5', channels: 2, patch: 2, ratio: 0.75, normPixLoss: true, eps: 1e-5, kind: 'pretrain' },
  { ...tiny, name: 'grey 8x8 patch 4, ratio 0.5, normPixLoss', ratio: 0.5, normPixLoss: true, kind: 'symmetric' },
];

/** The entries of a tensor of `size` values to check. */
function entries(size: number, rng: Rng): number[] {
  if (size <= ENTRIES_PER_TENSOR) return Array.from({ length: size }, (_, i) => i);
  return [0, size - 1, ...Array.from({ length: ENTRIES_PER_TENSOR - 2 }, () => rng.int(size))];
}

/** d loss / d params[name][i] by central differences of the float64 reference. */
function finiteDifferences(loss: (params: Map<string, Float64Array>) => number, values: ReadonlyMap<string, Float32Array>, name: string, indices: readonly number[]): number[] {
  const params = new Map([...values].map(([k, v]) => [k, Float64Array.from(v)]));
  const p = params.get(name)!;
  return indices.map((i) => {
    const x = p[i]!;
    p[i] = x + STEP;
    const up = loss(params);
    p[i] = x - STEP;
    const down = loss(params);
    p[i] = x;
    return (up - down) / (2 * STEP);
  });
}

interface Expected {
  readonly graph: Graph;
  readonly values: Map<string, Float32Array>;
  readonly imgs: Float32Array;
  readonly noise: Float32Array;
  /** For each trainable parameter, the checked entries and their finite-difference gradients. */
  readonly fd: Map<string, { readonly indices: number[]; readonly grad: number[] }>;
}

const cache = new Map<string, Expected>();

/** The finite-difference gradients of a case, computed once and shared by the backends. */
function expected(c: (typeof CASES)[number]): Expected {
  const hit = cache.get(c.name);
  if (hit) return hit;
  const spec = specOf(c);
  const graph = buildGraph(spec, c.kind);
  const values = randomParams(graph, 21);
  const { imgs, noise } = randomInputs(c, 22);
  const loss = (params: Map<string, Float64Array>) => referenceLoss(spec, c.kind, params, { n: c.n, imgs, noise });
  const rng = Rng.fromSeed(23);
  const fd = new Map(
    graph.params
      .filter((p) => p.trainable)
      .map((p) => {
        const indices = entries(values.get(p.name)!.length, rng);
        return [p.name, { indices, grad: finiteDifferences(loss, values, p.name, indices) }];
      }),
  );
  const result = { graph, values, imgs, noise, fd };
  cache.set(c.name, result);
  return result;
}

for (const backend of BACKENDS) {
  for (const c of CASES) {
    test(`${c.kind} gradients on ${backend}, ${c.name}: every trainable parameter matches finite differences of the reference`, async () => {
      const target = await openTarget(backend);
      const { graph, values, imgs, noise, fd } = expected(c);
      const params = paramTensors(graph, values);
      const inputs = { imgs: tf.tensor(imgs, [c.n, c.channels, c.size, c.size]), noise: tf.tensor(noise, [c.n, graph.meta.numPatches]) };
      const result = lower(graph, target).lossAndGrads(params, inputs);
      try {
        assert.deepEqual([...result.grads.keys()].sort(), [...fd.keys()].sort(), 'a gradient for every trainable parameter');
        for (const [name, { indices, grad: want }] of fd) {
          const got = result.grads.get(name)!.dataSync();
          const scale = Math.max(...Array.from(got, Math.abs), ...want.map(Math.abs));
          assert.ok(scale > 1e-6, `${name}: the gradient is not identically zero`);
          indices.forEach((i, k) => {
            const err = Math.abs(got[i]! - want[k]!) / scale;
            assert.ok(err < TOLERANCE, `${name}[${i}]: program ${got[i]}, finite differences ${want[k]} (relative error ${err.toExponential(2)})`);
          });
        }
      } finally {
        tf.dispose([result.loss, ...result.grads.values(), ...params.values(), ...Object.values(inputs)]);
      }
    });
  }
}
