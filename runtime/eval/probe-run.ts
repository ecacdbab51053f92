/**
 * The linear-probe use case (`maec probe`) as a function a script can call: features of the
 * frozen encoder for both splits, the head trained on the one driver, test accuracy, and
 * result.json, confusion.png and metrics.jsonl in the results folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph } from '../../compiler/build/mae.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { checkCompatibility, describeLabels, trainingImages, type Dataset, type LabelChoice, type LabelRecord } from '../data/index.ts';
import { initialValue } from '../init.ts';
import { Rng } from '../rng.ts';
import { startPool } from '../parallel/pool.ts';
import type { Target } from '../tfjs/target.ts';
import { confusionOf, type Confusion } from './confusion.ts';
import { extractFeatures, type Pooling } from './features.ts';
import { metricsLog } from './metrics-log.ts';
import { probePredict, trainProbe, type ProbeConfig } from './probe.ts';
import type { Progress } from './progress.ts';
import { writeResults } from './report.ts';

export interface ProbeRun {
  readonly spec: MaeSpec;
  /** Pretrained encoder weights by official name; parameters missing here start at their init. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Seeds the initial values of parameters missing from `weights` (all of them for --scratch). */
  readonly initSeed: number;
  readonly dataset: Dataset;
  readonly target: Target;
  readonly pooling: Pooling;
  readonly config: ProbeConfig;
  readonly trainLimit?: number;
  readonly testLimit?: number;
  /** Train the head on this stratified fraction of the training labels (runtime/data/labels.ts); absent: all. */
  readonly labels?: LabelChoice;
  readonly outDir: string;
  /** Written into result.json beside the figures (mode, checkpoint, data, ...). */
  readonly record: Readonly<Record<string, unknown>>;
  readonly progress: Progress;
  /** Threads that extract the features (absent: 1); the head trains on one. */
  readonly threads?: number;
}

/** Images per feature-extraction batch. */
export const FEATURE_BATCH = 256;

export interface ProbeResult {
  readonly confusion: Confusion;
  /** The result table, as printed. */
  readonly text: string;
  readonly trainImages: number;
  readonly testImages: number;
  /** The labelled images the head trained on. */
  readonly labels: LabelRecord;
  readonly seconds: number;
}

/** Runs the probe of `run`; throws (with the problem in its message) on unusable data. */
export async function probe(run: ProbeRun): Promise<ProbeResult> {
  const { dataset, config } = run;
  if (dataset.numClasses === null) throw new Error(`${dataset.name} has no labels; a probe needs a labelled dataset`);
  const numClasses = dataset.numClasses;
  const encoder = buildGraph(run.spec, 'encoder');
  const incompatible = checkCompatibility(dataset, encoder.meta);
  if (incompatible) throw incompatible;
  const limit = (n: number | undefined) => (n !== undefined ? { limit: n } : {});
  // 100% is the whole split, read as without --labels (the same features in the same order).
  const { options: trainImages, subset, record: labels, pool: labelPool } = trainingImages(dataset, run.labels, run.trainLimit);
  if (run.labels) run.progress.line(describeLabels(labels, labelPool));
  mkdirSync(run.outDir, { recursive: true });
  // Parameters missing from the checkpoint (the fixed position tables), or all of them with --scratch.
  const rng = Rng.fromSeed(run.initSeed);
  const params = new Map(encoder.params.map((q) => [q.name, tf.tensor(run.weights.get(q.name) ?? initialValue(q, rng), [...q.shape])]));
  const log = metricsLog(join(run.outDir, 'metrics.jsonl'));
  const t0 = performance.now();
  const bar = run.progress;
  let train;
  let test;
  // Forward passes only: the threads differentiate nothing (no gradient buffers).
  const pool = (run.threads ?? 1) > 1 ? await startPool(encoder, run.target, run.threads!, []) : undefined;
  try {
    await pool?.publish(params);
    const shared = pool ? { pool } : {};
    train = await extractFeatures(dataset, 'train', encoder, run.target, params, run.pooling, { batchSize: FEATURE_BATCH, ...trainImages, ...shared, onBatch: (d, t) => bar.update(d, t, 'train features') });
    test = await extractFeatures(dataset, 'test', encoder, run.target, params, run.pooling, { batchSize: FEATURE_BATCH, ...limit(run.testLimit), ...shared, onBatch: (d, t) => bar.update(d, t, 'test features') });
  } finally {
    await pool?.close();
    tf.dispose([...params.values()]);
  }
  const featureSeconds = (performance.now() - t0) / 1000;
  bar.line(`features: ${train.labels.length} train, ${test.labels.length} test, dim ${train.dim} (${featureSeconds.toFixed(1)} s)`);
  const head = await trainProbe(run.spec, run.target, train, numClasses, config, (epoch, loss) => {
    log.write({ kind: 'epoch', epoch, train_loss: loss, seconds: (performance.now() - t0) / 1000 });
    bar.update(epoch + 1, config.epochs, `probe loss ${loss.toFixed(4)}`);
  });
  const confusion = confusionOf(test.labels, await probePredict(head, test), numClasses);
  const seconds = (performance.now() - t0) / 1000;
  const text = await writeResults(run.outDir, confusion, dataset.classNames, { ...run.record, pooling: run.pooling, labels, config: subset ? { ...config, labels } : config, seconds, feature_seconds: featureSeconds });
  return { confusion, text, trainImages: train.labels.length, testImages: test.labels.length, labels, seconds };
}
