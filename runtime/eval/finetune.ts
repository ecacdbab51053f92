import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import type { Graph } from '../../compiler/ir/types.ts';
import type { Augment, Dataset } from '../data/index.ts';
import { mixSeed } from '../data/index.ts';
import { Rng } from '../rng.ts';
import { learningRate, scaledLr } from '../train/schedule.ts';
import { isTuned } from './classifier-params.ts';
import { loadFinetuneState, saveFinetuneState } from './checkpoint.ts';
import type { Confusion } from './confusion.ts';
import { accuracy } from './confusion.ts';
import { evaluateClassifier } from './evaluate.ts';
import { lrScale } from './layer-decay.ts';
import type { Progress } from './progress.ts';
import { ScaledAdamW } from './scaled-adamw.ts';
import { classifierLossAndGrads } from './train-step.ts';

/** The fine-tuning recipe (MAE-SPEC "Fine-tuning"), sized by the caller. */
export interface FinetuneConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** lr = blr * batch / 256. */
  readonly blr: number;
  readonly minLr: number;
  readonly warmupEpochs: number;
  readonly layerDecay: number;
  readonly weightDecay: number;
  readonly smoothing: number;
  /** Fine-tune only the last K blocks (+ fc_norm, head); null: every parameter. */
  readonly blocks: number | null;
  readonly seed: number;
  readonly augment: Augment;
  /** Use only the first images of each split (quick runs). */
  readonly trainLimit?: number;
  readonly testLimit?: number;
}

/**
 * Defaults for the small 28x28 models on a CPU: AdamW default betas, wd 0.05, layer decay 0.75,
 * label smoothing 0.1 (drop path 0.1 is in the graph), as the recipe. blr 1e-3 (the recipe's
 * for ViT-L; lr 2.5e-4 at batch 64); warmup 1 of 10 epochs (recipe: 5 of 100); min lr 1e-6.
 * Augmentation: resize + flip; mixup, cutmix and RandAugment are left out for these small
 * grey datasets.
 */
export const FINETUNE_DEFAULTS: FinetuneConfig = Object.freeze({
  epochs: 10,
  batchSize: 64,
  blr: 1e-3,
  minLr: 1e-6,
  warmupEpochs: 1,
  layerDecay: 0.75,
  weightDecay: 0.05,
  smoothing: 0.1,
  blocks: null,
  seed: 0,
  augment: 'flip',
});

export interface FinetuneRun {
  readonly graph: Graph;
  /** Starting values of every parameter (pretrained encoder + fresh head, or all fresh). */
  readonly start: ReadonlyMap<string, Float32Array>;
  readonly dataset: Dataset;
  readonly numClasses: number;
  readonly config: FinetuneConfig;
  /** Run folder: checkpoint.safetensors, metrics.jsonl. */
  readonly outDir: string;
  /** Continue from outDir/checkpoint.safetensors when it exists. */
  readonly resume: boolean;
  /** Recorded in the checkpoint (spec, data, mode). */
  readonly info: Readonly<Record<string, string>>;
  readonly progress: Progress;
  readonly log: (record: Readonly<Record<string, unknown>>) => void;
  readonly now?: () => number;
}

export interface FinetuneResult {
  readonly confusion: Confusion;
  /** Seconds spent training and evaluating in this process. */
  readonly seconds: number;
  readonly epochsRun: number;
  /** Final parameter values. */
  readonly params: Map<string, Float32Array>;
}

/**
 * End-to-end (or last-K-block) fine-tuning: per-iteration warmup + half-cosine lr, layer-wise
 * lr decay, AdamW (betas 0.9 / 0.999, wd on weights only), drop path, label smoothing. After
 * every epoch: test accuracy to metrics.jsonl and a checkpoint; a resumed run restarts at the
 * first unfinished epoch with the same data order and drop-path draws.
 */
export async function finetune(run: FinetuneRun): Promise<FinetuneResult> {
  const { graph, config: cfg, dataset } = run;
  const now = run.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const depth = graph.meta.encoderDepth;
  const ckptPath = join(run.outDir, 'checkpoint.safetensors');
  const saved = run.resume ? await loadFinetuneState(ckptPath) : undefined;
  const values = new Map(run.start);
  if (saved) for (const [name, p] of saved.params) if (values.has(name)) values.set(name, p.data);
  const tuned = graph.params.filter((p) => p.trainable && isTuned(p.layer, depth, cfg.blocks));
  const vars = new Map(graph.params.map((p) => [p.name, tf.variable(tf.tensor(values.get(p.name)!, [...p.shape]), false)]));
  const opt = new ScaledAdamW(
    tuned.map((p) => ({ name: p.name, variable: vars.get(p.name)!, decay: p.decay, lrScale: lrScale(p.layer, depth, cfg.layerDecay) })),
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: cfg.weightDecay },
  );
  if (saved) opt.load(saved.moments, saved.step);
  const { imageSize: s, channels: c } = graph.meta;
  const trainSize = Math.min(dataset.splits.train, cfg.trainLimit ?? Infinity);
  const steps = Math.floor(trainSize / cfg.batchSize);
  if (steps < 1) throw new Error(`the train split has ${trainSize} images, fewer than one batch of ${cfg.batchSize}`);
  const schedule = { lr: scaledLr(cfg.blr, cfg.batchSize), minLr: cfg.minLr, warmupEpochs: cfg.warmupEpochs, epochs: cfg.epochs };
  const names = tuned.map((p) => p.name);
  let step = saved?.step ?? 0;
  let confusion: Confusion | undefined;
  const first = saved?.epoch ?? 0;
  if (saved) run.progress.line(`resuming at epoch ${first + 1} (step ${step}) from ${ckptPath}`);
  for (let epoch = first; epoch < cfg.epochs; epoch++) {
    const rng = Rng.fromSeed(mixSeed(cfg.seed, epoch, 0xd209));
    let i = 0;
    let lossSum = 0;
    const stream = dataset.batches('train', { batchSize: cfg.batchSize, imageSize: s, channels: c, seed: cfg.seed, epoch, augment: cfg.augment, dropLast: true, ...(cfg.trainLimit !== undefined ? { limit: cfg.trainLimit } : {}) });
    for await (const batch of stream) {
      const lr = learningRate(schedule, epoch + i / steps);
      const imgs = tf.tensor(batch.images, [batch.size, c, s, s]);
      const labels = tf.tensor1d(batch.labels, 'int32');
      const { loss, grads } = classifierLossAndGrads(graph, vars, names, imgs, labels, cfg.smoothing, rng);
      opt.apply(grads, lr);
      const value = (await loss.data())[0]!;
      tf.dispose([imgs, labels, loss, ...grads.values()]);
      if (!Number.isFinite(value)) throw new Error(`loss is ${value} at epoch ${epoch + 1}, step ${i + 1}`);
      lossSum += value;
      i += 1;
      step += 1;
      run.progress.update(i, steps, `epoch ${epoch + 1}/${cfg.epochs} loss ${value.toFixed(4)} lr ${lr.toExponential(2)}`);
      if (step % 20 === 0) run.log({ kind: 'step', epoch, step, loss: value, lr, seconds: now() - t0 });
    }
    confusion = await evaluateClassifier(graph, vars, dataset, 'test', run.numClasses, { batchSize: 256, ...(cfg.testLimit !== undefined ? { limit: cfg.testLimit } : {}) });
    const acc = accuracy(confusion);
    run.log({ kind: 'epoch', epoch, step, train_loss: lossSum / Math.max(1, i), test_acc: acc, seconds: now() - t0 });
    run.progress.line(`epoch ${epoch + 1}/${cfg.epochs}: train loss ${(lossSum / Math.max(1, i)).toFixed(4)}, test top-1 ${(100 * acc).toFixed(2)}%`);
    await saveFinetuneState(ckptPath, {
      epoch: epoch + 1,
      step,
      params: new Map(graph.params.map((p) => [p.name, { shape: p.shape, data: Float32Array.from(vars.get(p.name)!.dataSync()) }])),
      moments: new Map([...opt.state()].map(([k, v]) => [k, Float32Array.from(v.dataSync())])),
      info: { ...run.info, config: JSON.stringify(cfg) },
    });
  }
  confusion ??= await evaluateClassifier(graph, vars, dataset, 'test', run.numClasses, { batchSize: 256, ...(cfg.testLimit !== undefined ? { limit: cfg.testLimit } : {}) });
  const params = new Map([...vars].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
  opt.dispose();
  tf.dispose([...vars.values()]);
  return { confusion, seconds: now() - t0, epochsRun: cfg.epochs - first, params };
}
