import * as tf from '@tensorflow/tfjs-core';
import { mae, vit, type MaeSpec } from '../../../dsl/index.ts';
import type { Graph } from '../../../compiler/ir/types.ts';
import { initialParams } from '../../../runtime/init.ts';
import { Rng } from '../../../runtime/rng.ts';

/**
 * Test-side helpers shared by the reference-parity and gradient-check tests: a small model
 * configuration as flat data, its spec, non-trivial random parameters and inputs, and the
 * error measure.
 */
export interface ModelCase {
  readonly name: string;
  readonly size: number;
  readonly channels: number;
  readonly patch: number;
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio: number;
  readonly decoderWidth: number;
  readonly decoderDepth: number;
  readonly decoderHeads: number;
  readonly ratio: number;
  readonly normPixLoss: boolean;
  readonly eps: number;
  /** Batch size. */
  readonly n: number;
}

/** The maec spec of a case, written with the DSL as a user would. */
export function specOf(c: ModelCase): MaeSpec {
  return mae({
    encoder: vit({ patch: c.patch, width: c.width, depth: c.depth, heads: c.heads, mlpRatio: c.mlpRatio }),
    decoder: { width: c.decoderWidth, depth: c.decoderDepth, heads: c.decoderHeads, mlpRatio: c.mlpRatio },
    mask: c.ratio,
    image: { size: c.size, channels: c.channels },
    normPixLoss: c.normPixLoss,
    layerNormEps: c.eps,
  });
}

/**
 * Initial parameters of the graph, then perturbed so that no part of the model is trivial:
 * fresh biases are zero, LayerNorm weights one, and tokens tiny (std 0.02), which would hide a
 * swapped gamma/beta, a missing bias or a misplaced token.
 */
export function randomParams(graph: Graph, seed: number): Map<string, Float32Array> {
  const rng = Rng.fromSeed(seed);
  const params = initialParams(graph.params, rng);
  for (const p of graph.params) {
    if (!p.trainable) continue;
    const v = params.get(p.name)!;
    const isLayerNormWeight = p.shape.length === 1 && p.name.endsWith('.weight');
    const isToken = p.name.endsWith('token');
    for (let i = 0; i < v.length; i++) {
      if (isLayerNormWeight) v[i] = 1 + 0.3 * rng.normal();
      else if (p.name.endsWith('.bias')) v[i] = 0.1 * rng.normal();
      else if (isToken) v[i] = 0.5 * rng.normal();
    }
  }
  return params;
}

/**
 * Random images [N, C, H, W] (roughly normalised pixels) and masking noise [N, L], float32.
 * In each image the patch with the largest noise (always removed, so always in the loss) is
 * nearly flat, pixel values ~1e-3 like an MNIST background: its variance (~1e-6) is then
 * comparable to the 1e-6 of normPixLoss, which would otherwise move targets by only ~5e-7.
 */
export function randomInputs(c: ModelCase, seed: number): { imgs: Float32Array; noise: Float32Array } {
  const rng = Rng.fromSeed(seed);
  const imgs = new Float32Array(c.n * c.channels * c.size * c.size);
  for (let i = 0; i < imgs.length; i++) imgs[i] = rng.normal();
  const g = c.size / c.patch;
  const noise = rng.uniformArray(c.n * g * g);
  for (let n = 0; n < c.n; n++) {
    const row = noise.subarray(n * g * g, (n + 1) * g * g);
    const flat = row.indexOf(Math.max(...row));
    const [i, j] = [Math.floor(flat / g), flat % g];
    for (let ch = 0; ch < c.channels; ch++)
      for (let r = 0; r < c.patch; r++)
        for (let s = 0; s < c.patch; s++) imgs[((n * c.channels + ch) * c.size + i * c.patch + r) * c.size + j * c.patch + s] = 1e-3 * rng.normal();
  }
  return { imgs, noise };
}

/** Parameters as tfjs tensors in their declared shapes. The caller disposes them. */
export function paramTensors(graph: Graph, values: ReadonlyMap<string, Float32Array>): Map<string, tf.Tensor> {
  return new Map(graph.params.map((p) => [p.name, tf.tensor(values.get(p.name)!, [...p.shape])]));
}

/** max |got - want| / max |want|: the error relative to the tensor's largest absolute value. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`element count: got ${got.length}, want ${want.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}
