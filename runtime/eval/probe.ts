import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.ts';
import { learningRate, scaledLr } from '../train/schedule.ts';
import type { FeatureSet } from './features.ts';
import { Lars } from './lars.ts';
import { smoothedCrossEntropy } from './loss.ts';
import { featureStats, standardize, type FeatureStats } from './standardize.ts';

/** The linear-probe recipe (MAE-SPEC "Linear probe"), sized by the caller. */
export interface ProbeConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** lr = blr * batch / 256. */
  readonly blr: number;
  readonly warmupEpochs: number;
  readonly seed: number;
}

/**
 * LARS momentum 0.9, no weight decay, 90 epochs with 10 of warmup, as the recipe; batch 1024
 * instead of 16384. blr 2 instead of 0.1: LARS moves each weight matrix by about
 * lr * 0.001 * ||W|| per step, so by blr * 0.001 * N / 256 of its norm per epoch whatever the
 * batch; the recipe's blr 0.1 on ImageNet's N = 1.28M equals blr 2.1 on a 60k-image set.
 */
export const PROBE_DEFAULTS: ProbeConfig = Object.freeze({ epochs: 90, batchSize: 1024, blr: 2, warmupEpochs: 10, seed: 0 });

/** BatchNorm1d's eps in the recipe's head. */
export const PROBE_BN_EPS = 1e-6;
/** Std of the head weight's normal init. */
export const PROBE_HEAD_STD = 0.01;

/** A trained probe: the frozen-feature standardisation and the linear head. */
export interface Probe {
  readonly stats: FeatureStats;
  /** [classes, D] */
  readonly weight: Float32Array;
  /** [classes] */
  readonly bias: Float32Array;
  /** Mean training loss of each epoch. */
  readonly epochLoss: readonly number[];
}

/**
 * Trains `BatchNorm1d(affine=False, eps=1e-6)` + Linear on cached frozen features. Because the
 * encoder is frozen and nothing is augmented, the BatchNorm is the fixed standardisation by the
 * training set's statistics (what its running statistics converge to), applied once up front.
 */
export function trainProbe(train: FeatureSet, numClasses: number, config: ProbeConfig, onEpoch?: (epoch: number, loss: number) => void): Probe {
  const { dim } = train;
  const n = train.labels.length;
  const stats = featureStats(train.features, dim);
  const rng = Rng.fromSeed(config.seed);
  const x = tf.tensor2d(standardize(train.features, stats, PROBE_BN_EPS), [n, dim]); // [N, D]
  const y = tf.tensor1d(train.labels, 'int32'); // [N]
  const init = new Float32Array(numClasses * dim).map(() => PROBE_HEAD_STD * rng.normal());
  const params = new Map<string, tf.Variable>([
    ['head.weight', tf.variable(tf.tensor2d(init, [numClasses, dim]))],
    ['head.bias', tf.variable(tf.zeros([numClasses]))],
  ]);
  const opt = new Lars(params);
  const schedule = { lr: scaledLr(config.blr, config.batchSize), minLr: 0, warmupEpochs: config.warmupEpochs, epochs: config.epochs };
  const steps = Math.max(1, Math.floor(n / config.batchSize));
  const epochLoss: number[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = rng.permutation(n);
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      const lr = learningRate(schedule, epoch + s / steps);
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(order.subarray(s * config.batchSize, (s + 1) * config.batchSize), 'int32');
        const xb = tf.gather(x, idx); // [B, D]
        const yb = tf.gather(y, idx); // [B]
        const w = params.get('head.weight')!;
        const b = params.get('head.bias')!;
        const { value, grads } = tf.variableGrads(() => smoothedCrossEntropy(tf.add(tf.matMul(xb, w, false, true), b), yb, 0), [w, b]);
        opt.apply(new Map([['head.weight', grads[w.name]!], ['head.bias', grads[b.name]!]]), lr);
        return value;
      });
      sum += loss.dataSync()[0]!;
      loss.dispose();
    }
    epochLoss.push(sum / steps);
    onEpoch?.(epoch, sum / steps);
  }
  const probe: Probe = { stats, weight: Float32Array.from(params.get('head.weight')!.dataSync()), bias: Float32Array.from(params.get('head.bias')!.dataSync()), epochLoss };
  opt.dispose();
  tf.dispose([x, y, ...params.values()]);
  return probe;
}

/** The probe's class for each feature vector of `set`. */
export function probePredict(probe: Probe, set: FeatureSet): Int32Array {
  const classes = probe.bias.length;
  const n = set.labels.length;
  return tf.tidy(() => {
    const x = tf.tensor2d(standardize(set.features, probe.stats, PROBE_BN_EPS), [n, set.dim]);
    const logits = tf.add(tf.matMul(x, tf.tensor2d(probe.weight, [classes, set.dim]), false, true), tf.tensor1d(probe.bias));
    return Int32Array.from(tf.argMax(logits, 1).dataSync());
  });
}
