import * as tf from '@tensorflow/tfjs-core';
import { buildProbeHead } from '../../compiler/build/probe-head.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { initialParams } from '../init.ts';
import { Rng } from '../rng.ts';
import { lower, type Program } from '../tfjs/program.ts';
import { readFloats, readScalar } from '../tfjs/read.ts';
import type { Target } from '../tfjs/target.ts';
import { drive } from '../train/driver.ts';
import { learningRate, scaledLr } from '../train/schedule.ts';
import type { FeatureSet } from './features.ts';
import { Lars } from './lars.ts';
import { smoothedTargets } from './loss.ts';
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
  /** The head's program, for predictions. */
  readonly program: Program;
}

/**
 * Trains `BatchNorm1d(affine=False, eps=1e-6)` + Linear on cached frozen features. Because the
 * encoder is frozen and nothing is augmented, the BatchNorm is the fixed standardisation by the
 * training set's statistics (what its running statistics converge to), applied once up front;
 * the head is the IR's probe head (compiler/build/probe-head.ts), trained on the one driver.
 */
export async function trainProbe(
  spec: MaeSpec,
  target: Target,
  train: FeatureSet,
  numClasses: number,
  config: ProbeConfig,
  onEpoch?: (epoch: number, loss: number) => void,
): Promise<Probe> {
  const { dim } = train;
  const n = train.labels.length;
  const stats = featureStats(train.features, dim);
  const rng = Rng.fromSeed(config.seed);
  const graph = buildProbeHead(spec, numClasses, PROBE_HEAD_STD);
  const program = lower(graph, target);
  const x = tf.tensor2d(standardize(train.features, stats, PROBE_BN_EPS), [n, dim]); // [N, D]
  const init = initialParams(graph.params, rng);
  const params = new Map(graph.params.map((p) => [p.name, tf.variable(tf.tensor(init.get(p.name)!, [...p.shape]))]));
  const opt = new Lars(params);
  const schedule = { lr: scaledLr(config.blr, config.batchSize), minLr: 0, warmupEpochs: config.warmupEpochs, epochs: config.epochs };
  const steps = Math.max(1, Math.floor(n / config.batchSize));
  const epochLoss: number[] = [];
  let sum = 0;
  // One batch of shuffled sample indices per step; each epoch draws its order from the run's generator.
  async function* batches(): AsyncGenerator<Int32Array> {
    const order = rng.permutation(n);
    for (let s = 0; s < steps; s++) yield order.subarray(s * config.batchSize, (s + 1) * config.batchSize);
  }
  try {
    await drive<Int32Array>(
      { epochs: config.epochs, stepsPerEpoch: steps, unitsPerStep: 1, unitsPerEpoch: steps, start: { step: 0, epoch: 0, batchInEpoch: 0 }, checkpointEvery: 0 },
      {
        batches,
        step: async (ids, at) => {
          const lr = learningRate(schedule, at.epochFraction);
          const labels = smoothedTargets(Int32Array.from(ids, (i) => train.labels[i]!), numClasses, 0);
          const features = tf.tidy(() => tf.gather(x, tf.tensor1d(ids, 'int32'))); // [B, D]
          const targets = tf.tensor2d(labels, [ids.length, numClasses]); // [B, classes]
          const { loss, grads } = program.lossAndGrads(params, { features, labels: targets });
          tf.dispose([features, targets]);
          try {
            const value = await readScalar(loss);
            if (Number.isFinite(value)) {
              opt.apply(grads, lr);
              sum += value;
            }
            return value;
          } finally {
            tf.dispose([loss, ...grads.values()]);
          }
        },
        epochEnd: (epochsDone) => {
          epochLoss.push(sum / steps);
          onEpoch?.(epochsDone - 1, sum / steps);
          sum = 0;
        },
        // Features are cached and the probe takes minutes at most: nothing to save between epochs.
        checkpoint: async () => {},
        shouldStop: () => false,
      },
    );
    return { stats, weight: await readFloats(params.get('head.weight')!), bias: await readFloats(params.get('head.bias')!), epochLoss, program };
  } finally {
    opt.dispose();
    tf.dispose([x, ...params.values()]);
  }
}

/** The probe's class for each feature vector of `set`. */
export async function probePredict(probe: Probe, set: FeatureSet): Promise<Int32Array> {
  const classes = probe.bias.length;
  const n = set.labels.length;
  const predicted = tf.tidy(() => {
    const features = tf.tensor2d(standardize(set.features, probe.stats, PROBE_BN_EPS), [n, set.dim]);
    const params = new Map<string, tf.Tensor>([
      ['head.weight', tf.tensor2d(probe.weight, [classes, set.dim])],
      ['head.bias', tf.tensor1d(probe.bias)],
    ]);
    return tf.argMax(probe.program.run(params, { features }, ['logits'])['logits']!, 1); // [N]
  });
  try {
    return Int32Array.from((await predicted.data()) as Int32Array);
  } finally {
    predicted.dispose();
  }
}
