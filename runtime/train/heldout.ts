/**
 * The held-out loss of a pretraining run, beside the loss of the trivial predictor on the same
 * images and masks, so a curve says whether the model learned anything.
 *
 * The trivial predictor ignores the visible patches: with normPixLoss it predicts 0 (the mean
 * of every normalised target patch), with pixel targets it predicts each patch position's mean
 * over the held-out images themselves (an oracle mean, so the reference is, if anything, too
 * strong). A model at or above this line has learned nothing from what it sees.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MaskStrategy } from '../../dsl/spec.ts';
import type { Dataset } from '../data/index.ts';
import { sampleNoise } from '../masking/noise.ts';
import { Rng } from '../rng.ts';
import type { ParamTensors, Program } from '../tfjs/program.ts';
import { readOutputs } from '../tfjs/read.ts';

/** Held-out images and their masking noise, fixed for a whole run. */
export interface HeldOutSet {
  /** [N, C, S, S], normalised, unaugmented. */
  readonly images: Float32Array;
  /** [N, L] masking noise of the spec's strategy, from its own seed. */
  readonly noise: Float32Array;
  readonly count: number;
}

export interface HeldOutLoss {
  /** The model's masked-patch loss over the set. */
  readonly loss: number;
  /** The trivial predictor's masked-patch loss on the same images and masks. */
  readonly trivial: number;
}

/** What heldOutSet needs of the graph's meta. */
export interface HeldOutMeta {
  readonly channels: number;
  readonly imageSize: number;
  readonly grid: number;
  readonly numVisible: number;
}

/** Images evaluated per batch; the set's size is a multiple of it, so batch means average exactly. */
export const HELD_OUT_BATCH = 100;

/**
 * Up to `limit` images of the test split (the train split's last images when there is no
 * test split), rounded down to whole batches of HELD_OUT_BATCH (or all of a smaller split).
 */
export async function heldOutSet(dataset: Dataset, meta: HeldOutMeta, strategy: MaskStrategy, seed: number, limit = 1000): Promise<HeldOutSet | undefined> {
  const split = dataset.splits.test > 0 ? 'test' : 'train';
  const available = Math.min(limit, dataset.splits[split]);
  const count = available >= HELD_OUT_BATCH ? available - (available % HELD_OUT_BATCH) : available;
  if (count === 0) return undefined;
  const options = { batchSize: count, imageSize: meta.imageSize, channels: meta.channels, seed, epoch: 0, augment: 'none', dropLast: false, shuffle: true } as const;
  for await (const b of dataset.batches(split, options)) {
    const noise = sampleNoise(strategy, b.size, meta.grid, meta.numVisible, Rng.fromSeed(seed + 0x4e1d));
    return { images: b.images, noise, count: b.size };
  }
  return undefined;
}

/**
 * The model's and the trivial predictor's loss on `set`. Every image has the same number of
 * masked patches, so the mean over equal batches is the mean over the set.
 */
export async function heldOutLoss(program: Program, params: ParamTensors, set: HeldOutSet): Promise<HeldOutLoss> {
  const { channels: C, imageSize: S, numPatches: L, normPixLoss } = program.graph.meta;
  const batch = Math.min(HELD_OUT_BATCH, set.count);
  const perImage = C * S * S;
  let loss = 0;
  const targets: Float32Array[] = [];
  const masks: Float32Array[] = [];
  for (let at = 0; at < set.count; at += batch) {
    const n = Math.min(batch, set.count - at);
    const r = tf.tidy(() => {
      const imgs = tf.tensor(set.images.subarray(at * perImage, (at + n) * perImage), [n, C, S, S]);
      const noise = tf.tensor(set.noise.subarray(at * L, (at + n) * L), [n, L]);
      return program.run(params, { imgs, noise }, ['loss', 'target', 'mask']);
    });
    const out = await readOutputs(r, ['loss', 'target', 'mask']);
    loss += out.loss[0]! * n;
    targets.push(out.target);
    masks.push(out.mask);
  }
  return { loss: loss / set.count, trivial: trivialLoss(concat(targets), concat(masks), L, normPixLoss) };
}

/**
 * The masked-patch MSE of the trivial predictor for `target` [N, L, D] under `mask` [N, L]:
 * predicting 0 (normalised targets) or the per-position mean over the N images (pixels).
 */
export function trivialLoss(target: Float32Array, mask: Float32Array, numPatches: number, normalizedTargets: boolean): number {
  const n = mask.length / numPatches;
  const dim = target.length / mask.length;
  const mean = new Float64Array(numPatches * dim);
  if (!normalizedTargets) {
    for (let i = 0; i < n; i++) for (let k = 0; k < numPatches * dim; k++) mean[k]! += target[i * numPatches * dim + k]! / n;
  }
  let sum = 0;
  let masked = 0;
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < numPatches; l++) {
      if (mask[i * numPatches + l]! < 0.5) continue;
      let se = 0;
      const at = (i * numPatches + l) * dim;
      for (let k = 0; k < dim; k++) se += (target[at + k]! - mean[l * dim + k]!) ** 2;
      sum += se / dim;
      masked += 1;
    }
  }
  return masked === 0 ? 0 : sum / masked;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
