/**
 * A fine-tuning (or scratch baseline) run in its folder: checkpoint.safetensors (format
 * `maec-finetune/2`, runtime/checkpoint) written atomically every `checkpointEvery` steps and
 * at each epoch's end, and metrics.jsonl. A resumed run continues exactly where the checkpoint
 * stands, mid-epoch included: the data loader skips the batches already seen (order and
 * augmentation derive from seed and epoch), the drop-path generator, optimizer moments and step
 * are restored, so it gives the metrics and parameters of an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../../compiler/ir/types.ts';
import { checkedParams, readFinetuneCheckpoint, saveFinetuneCheckpoint, type AtomicWriter, type LoadedFinetuneCheckpoint, type Position } from '../checkpoint/index.ts';
import type { Batch, Dataset, LabelChoice, LabelRecord } from '../data/index.ts';
import { describeLabels, mixSeed, trainingImages } from '../data/index.ts';
import { Rng } from '../rng.ts';
import { startPool, type GradientPool } from '../parallel/pool.ts';
import { lower, type ParamTensors, type Program } from '../tfjs/program.ts';
import { readAll, readScalar } from '../tfjs/read.ts';
import type { Target } from '../tfjs/target.ts';
import { drive } from '../train/driver.ts';
import { learningRate, scaledLr } from '../train/schedule.ts';
import { isTuned } from './classifier-params.ts';
import type { Confusion } from './confusion.ts';
import { accuracy } from './confusion.ts';
import { evaluateClassifier } from './evaluate.ts';
import type { FinetuneConfig } from './finetune.ts';
import { lrScale } from './layer-decay.ts';
import type { MetricsLog } from './metrics-log.ts';
import type { Progress } from './progress.ts';
import { settingDifferences } from '../checkpoint/resume-check.ts';
import { ScaledAdamW } from './scaled-adamw.ts';
import { drawDropPathKeeps } from './drop-path.ts';
import { smoothedTargets } from './loss.ts';
import { mixBatch } from './mix.ts';

/** Checkpoint every this many steps unless told otherwise (a few minutes of CPU work). */
export const FINETUNE_CHECKPOINT_EVERY = 200;

export interface FinetuneRun {
  readonly graph: Graph;
  /** Where the programs run (made once by the command with openTarget). */
  readonly target: Target;
  /** Starting values of every parameter (pretrained encoder + fresh head, or all fresh). */
  readonly start: ReadonlyMap<string, Float32Array>;
  readonly dataset: Dataset;
  readonly numClasses: number;
  readonly config: FinetuneConfig;
  /** Run folder: checkpoint.safetensors. */
  readonly outDir: string;
  /** Continue from outDir/checkpoint.safetensors when it exists. */
  readonly resume: boolean;
  /**
   * What else identifies the run (mode, source, data, spec, drop path): recorded in the
   * checkpoint with `config`, and a resume given other values is refused.
   */
  readonly info: Readonly<Record<string, string | number>>;
  /**
   * Train on this stratified fraction of the training labels (runtime/data/labels.ts); absent or
   * 100%: all. A fraction below 100% is recorded in the checkpoint's settings with its size.
   */
  readonly labels?: LabelChoice;
  /** Checkpoint every this many optimizer steps as well as at epoch ends (0: epoch ends only). */
  readonly checkpointEvery?: number;
  readonly progress: Progress;
  readonly log: MetricsLog;
  /** Polled after each step (Ctrl-C sets it): true stops the run after saving a checkpoint. */
  readonly interrupted?: () => boolean;
  /** Stop (with a checkpoint) after this many steps in this invocation. */
  readonly maxSteps?: number;
  /**
   * Score the test split after every this many epochs and after the last (default 1). Not a
   * training setting: the parameters and the training losses do not depend on it.
   */
  readonly evalEvery?: number;
  /** Checkpoint writer (tests inject failures). */
  readonly write?: AtomicWriter;
  readonly now?: () => number;
}

export type FinetuneResult =
  | {
      readonly kind: 'finished';
      readonly confusion: Confusion;
      /** Seconds spent training and evaluating in this process. */
      readonly seconds: number;
      readonly epochsRun: number;
      /** Final parameter values. */
      readonly params: Map<string, Float32Array>;
      /** The labelled images it trained on. */
      readonly labels: LabelRecord;
    }
  | { readonly kind: 'stopped'; readonly position: Position; readonly seconds: number };

/** The drop-path generator at the start of `epoch`: seeded per epoch, as before mid-epoch resume existed. */
const epochRng = (seed: number, epoch: number) => Rng.fromSeed(mixSeed(seed, epoch, 0xd209));

/**
 * End-to-end (or last-K-block) fine-tuning: per-iteration warmup + half-cosine lr, layer-wise
 * lr decay, AdamW (betas 0.9 / 0.999, wd on weights only), drop path, label smoothing. After
 * every epoch: test accuracy to metrics.jsonl and a checkpoint. Throws naming the step when a
 * loss is not finite, and naming every differing setting when a resume does not fit.
 */
export async function finetune(run: FinetuneRun): Promise<FinetuneResult> {
  const { graph, config: cfg, dataset } = run;
  const now = run.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const depth = graph.meta.encoderDepth;
  const ckptPath = join(run.outDir, 'checkpoint.safetensors');
  // 100% is the whole split, trained on as without --labels (the same order, the same settings).
  const { options: trainImages, subset, record: labels, pool: labelPool } = trainingImages(dataset, run.labels, cfg.trainLimit);
  const settings = { ...run.info, ...cfg, ...(subset ? { labels } : {}) };
  const saved = run.resume ? await resumable(ckptPath, settings) : undefined;
  const values = saved ? checkedParams(saved, graph.params, run.start) : run.start;
  const { imageSize: s, channels: c } = graph.meta;
  const trainSize = labels.images;
  const steps = Math.floor(trainSize / cfg.batchSize);
  if (steps < 1) throw new Error(`the train split has ${trainSize} ${subset ? `labelled images (--labels ${labels.percent}%)` : 'images'}, fewer than one batch of ${cfg.batchSize}`);
  if (run.labels) run.progress.line(describeLabels(labels, labelPool));
  const schedule = { lr: scaledLr(cfg.blr, cfg.batchSize), minLr: cfg.minLr, warmupEpochs: cfg.warmupEpochs, epochs: cfg.epochs };
  const tuned = graph.params.filter((p) => p.trainable && isTuned(p.layer, depth, cfg.blocks));
  const names = tuned.map((p) => p.name);

  const vars = new Map(graph.params.map((p) => [p.name, tf.variable(tf.tensor(values.get(p.name)!, [...p.shape]), false)]));
  const opt = new ScaledAdamW(
    tuned.map((p) => ({ name: p.name, variable: vars.get(p.name)!, decay: p.decay, lrScale: lrScale(p.layer, depth, cfg.layerDecay) })),
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: cfg.weightDecay },
    run.target.ops.adamw,
  );
  const program = lower(graph, run.target);
  const mix = { mixup: cfg.mixup ?? 0, cutmix: cfg.cutmix ?? 0 };
  // Per-image draws in the data pipeline, seeded by (seed, epoch, image), so a resume replays them.
  const augmentation = { ...(cfg.randAugment ? { randAugment: cfg.randAugment } : {}), ...(cfg.reprob ? { reprob: cfg.reprob } : {}) };
  const pool = (cfg.threads ?? 1) > 1 ? await startPool(graph, run.target, cfg.threads!, names) : undefined;
  const evaluate = () => evaluateClassifier(program, vars, dataset, 'test', run.numClasses, { batchSize: 256, ...(cfg.testLimit !== undefined ? { limit: cfg.testLimit } : {}) });
  try {
    const start: Position = saved?.meta.position ?? { step: 0, epoch: 0, batchInEpoch: 0 };
    if (saved) opt.load(saved.moments, start.step);
    let rng = saved ? Rng.fromState(saved.meta.rng) : epochRng(cfg.seed, 0);
    let lossSum = saved?.meta.epochLossSum ?? 0;
    await run.log.cut(start.step);
    if (saved) run.progress.line(`resuming at epoch ${start.epoch + 1}, batch ${start.batchInEpoch} (step ${start.step}) from ${ckptPath}`);

    const checkpoint = async (position: Position) => {
      const values = await readAll(graph.params.map((p) => [p.name, vars.get(p.name)!]));
      await saveFinetuneCheckpoint(
        ckptPath,
        {
          params: new Map(graph.params.map((p) => [p.name, { shape: p.shape, data: values.get(p.name)! }])),
          moments: await readAll(opt.state()),
          meta: { position, rng: rng.state(), epochLossSum: lossSum, settings, backend: run.target.backend },
        },
        run.write,
      );
    };
    let stepsThisRun = 0;
    let lr = 0;
    let confusion: Confusion | undefined;

    const result = await drive<Batch>(
      { epochs: cfg.epochs, stepsPerEpoch: steps, unitsPerStep: 1, unitsPerEpoch: steps, start, checkpointEvery: run.checkpointEvery ?? FINETUNE_CHECKPOINT_EVERY, startSaved: saved !== undefined },
      {
        batches: (epoch, skip) =>
          dataset.batches('train', { batchSize: cfg.batchSize, imageSize: s, channels: c, seed: cfg.seed, epoch, augment: cfg.augment, dropLast: true, skipBatches: skip, ...trainImages, ...augmentation }),
        step: async (batch, at) => {
          lr = learningRate(schedule, at.epochFraction);
          const mixed = mixBatch(batch.images, smoothedTargets(batch.labels, run.numClasses, cfg.smoothing), batch.size, [c, s, s], mix, rng);
          const targets = mixed.targets; // [B, classes]
          const keeps = drawDropPathKeeps(graph, batch.size, rng); // id -> [B]
          const { value, grads } = pool
            ? await shardedStep(pool, vars, { ...batch, images: mixed.images }, targets, keeps, [c, s, s], run.numClasses)
            : await inProcessStep(program, vars, { ...batch, images: mixed.images }, targets, keeps, [c, s, s], run.numClasses, names);
          if (Number.isFinite(value)) {
            opt.apply(grads, lr);
            lossSum += value;
          }
          tf.dispose([...grads.values()]);
          return value;
        },
        afterStep: (r) => {
          stepsThisRun += 1;
          run.progress.update(r.step - r.epoch * steps, steps, `epoch ${r.epoch + 1}/${cfg.epochs} loss ${r.loss.toFixed(4)} lr ${lr.toExponential(2)}`);
          if (r.step % 20 === 0) run.log.write({ kind: 'step', epoch: r.epoch, step: r.step, loss: r.loss, lr, seconds: now() - t0 });
        },
        epochEnd: async (epochsDone, step) => {
          const trainLoss = lossSum / steps;
          if (epochsDone === cfg.epochs || epochsDone % (run.evalEvery ?? 1) === 0) {
            confusion = await evaluate();
            const acc = accuracy(confusion);
            run.log.write({ kind: 'epoch', epoch: epochsDone - 1, step, train_loss: trainLoss, test_acc: acc, seconds: now() - t0 });
            run.progress.line(`epoch ${epochsDone}/${cfg.epochs}: train loss ${trainLoss.toFixed(4)}, test top-1 ${(100 * acc).toFixed(2)}%`);
          } else {
            confusion = undefined;
            run.log.write({ kind: 'epoch', epoch: epochsDone - 1, step, train_loss: trainLoss, seconds: now() - t0 });
            run.progress.line(`epoch ${epochsDone}/${cfg.epochs}: train loss ${trainLoss.toFixed(4)}`);
          }
          rng = epochRng(cfg.seed, epochsDone);
          lossSum = 0;
        },
        checkpoint,
        shouldStop: () => (run.interrupted?.() ?? false) || (run.maxSteps !== undefined && stepsThisRun >= run.maxSteps),
      },
    );
    if (result.kind === 'stopped') return { kind: 'stopped', position: result.position, seconds: now() - t0 };
    confusion ??= await evaluate();
    const params = await readAll(vars);
    return { kind: 'finished', confusion, seconds: now() - t0, epochsRun: cfg.epochs - start.epoch, params, labels };
  } finally {
    await pool?.close();
    opt.dispose();
    tf.dispose([...vars.values()]);
  }
}

type StepValues = { value: number; grads: Map<string, tf.Tensor> };

async function inProcessStep(program: Program, vars: ParamTensors, batch: Batch, targets: Float32Array, keeps: ReadonlyMap<string, Float32Array>, image: readonly number[], classes: number, wrt: readonly string[]): Promise<StepValues> {
  const imgs = tf.tensor(batch.images, [batch.size, ...image]); // [B, C, S, S]
  const labels = tf.tensor(targets, [batch.size, classes]); // [B, classes]
  const dropPathKeep = new Map([...keeps].map(([id, k]) => [id, tf.tensor1d(k)])); // id -> [B]
  const { loss, grads } = program.lossAndGrads(vars, { imgs, labels }, [], { wrt, dropPathKeep });
  const value = await readScalar(loss);
  tf.dispose([imgs, labels, loss, ...dropPathKeep.values()]);
  return { value, grads };
}

async function shardedStep(pool: GradientPool, vars: ParamTensors, batch: Batch, targets: Float32Array, keeps: ReadonlyMap<string, Float32Array>, image: readonly number[], classes: number): Promise<StepValues> {
  await pool.publish(vars);
  const { loss, grads } = await pool.lossAndGrads({ imgs: { data: batch.images, shape: [batch.size, ...image] }, labels: { data: targets, shape: [batch.size, classes] } }, keeps);
  return { value: loss, grads };
}

/**
 * Refuses to start a run afresh (no --resume) in a folder that already holds files: a finished
 * or stopped run there would be overwritten, as pretraining refuses too (runtime/train/run-dir.ts).
 * Throws naming the folder and the first few files; a missing or empty folder passes.
 */
export function checkNewRunFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`run folder ${dir} exists and is not a folder; choose another --out`);
  const entries = readdirSync(dir).sort();
  if (entries.length > 0)
    throw new Error(`run folder ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); pass --resume to continue that run, or choose another --out`);
}

/**
 * The checkpoint to continue from, or undefined when there is none yet (the run starts
 * afresh). Throws naming the file and every setting that differs from what it records.
 */
async function resumable(path: string, settings: Readonly<Record<string, unknown>>): Promise<LoadedFinetuneCheckpoint | undefined> {
  if (!existsSync(path)) return undefined;
  const ckpt = await readFinetuneCheckpoint(path);
  const differences = settingDifferences(ckpt.meta.settings, JSON.parse(JSON.stringify(settings)) as Record<string, unknown>);
  if (differences.length > 0)
    throw new Error(`cannot resume from ${path}: it was written with other settings:\n  ${differences.join('\n  ')}\nrepeat the run's settings, or choose another --out to start over`);
  return ckpt;
}
