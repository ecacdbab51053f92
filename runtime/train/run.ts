/**
 * A whole pretraining run in a run folder: set up (new or resumed), train, and leave behind
 * spec.json, metrics.jsonl, checkpoint.safetensors, reconstructions/epoch-NNN.png and loss.png.
 * Everything the run writes goes through atomic replacement except metrics lines, which are
 * appended and cut back on resume.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import type { Graph } from '../../compiler/ir/types.ts';
import type { MaeSpec } from '../../dsl/index.ts';
import { checkCompatibility, type Dataset } from '../data/index.ts';
import { writeLineChart } from '../image/index.ts';
import { acquireLock, describeFsError, isFsError, LockError, writeFileAtomic } from '../io/index.ts';
import { initialParams } from '../init.ts';
import { Rng } from '../rng.ts';
import { startPool, ThreadError, type GradientPool } from '../parallel/pool.ts';
import { lower } from '../tfjs/program.ts';
import type { Target } from '../tfjs/target.ts';
import { checkedParams, readCheckpoint, saveCheckpoint, type AtomicWriter, type Position } from '../checkpoint/index.ts';
import { EtaEstimator, type Reporter } from '../progress/index.ts';
import { TrainError } from './errors.ts';
import { fixedImages } from './fixed-images.ts';
import type { PretrainHyper } from './hyper.ts';
import { runLoop, stepsPerEpoch, type LoopResult, type StepRecord } from './loop.ts';
import { heldOutLoss, heldOutSet, type HeldOutLoss } from './heldout.ts';
import { appendHeldOut, appendMetric, readHeldOut, readMetrics, truncateMetrics } from './metrics.ts';
import { createModelState, readMoments, readParams } from './model-state.ts';
import { reconstructionRows, writeReconstructionGrid } from './reconstruction.ts';
import { checkResumable, createRunDir, reconstructionPath, removeRunTemps, removeUnsavedRun, runFiles, type RunFiles } from './run-dir.ts';

export interface PretrainOptions {
  readonly spec: MaeSpec;
  readonly dataset: Dataset;
  /** The data source string, recorded in the checkpoint. */
  readonly data: string;
  readonly hyper: PretrainHyper;
  readonly dir: string;
  readonly resume: boolean;
  /** Where the programs run (made once by the command with openTarget). */
  readonly target: Target;
  readonly reporter: Reporter;
  /** Polled after each step (Ctrl-C sets it). */
  readonly interrupted?: () => boolean;
  /** Stop (with a checkpoint) after this many steps in this invocation. */
  readonly maxSteps?: number;
  /** Checkpoint writer (tests inject failures). */
  readonly write?: AtomicWriter;
}

export interface PretrainResult {
  readonly result: LoopResult;
  readonly lastLoss: number | undefined;
  /** The held-out loss after the last epoch this invocation finished, beside the trivial predictor's. */
  readonly heldOut?: HeldOutLoss;
}

/** `loss` as a percentage of the trivial predictor's loss. */
export function percentOf(r: HeldOutLoss): string {
  return `${((100 * r.loss) / r.trivial).toFixed(0)}%`;
}

/**
 * Runs (or resumes) the pretraining described by `o`; TrainError for everything the user can
 * fix. The run folder is locked for the run; a new run that fails before its first checkpoint
 * removes what it created (the error says so), so the same command can simply be run again.
 */
export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const files = runFiles(o.dir);
  // The spec decides the graph: the symmetric baseline (Table 1c) trains with mask tokens in the encoder.
  const graph = buildGraph(o.spec);
  const incompatible = checkCompatibility(o.dataset, graph.meta);
  if (incompatible) throw new TrainError('TRAIN004', incompatible.message);
  const madeFolder = !o.resume && !existsSync(files.dir);
  let restarted = false;
  if (o.resume) checkResumable(files);
  else restarted = createRunDir(files);
  let lock;
  try {
    lock = acquireLock(files.dir, `run folder ${files.dir}`, o.resume ? 'maec pretrain --resume' : 'maec pretrain');
  } catch (e) {
    if (e instanceof LockError) throw new TrainError('TRAIN002', e.message);
    throw e;
  }
  try {
    const removed = removeRunTemps(files);
    if (removed.length > 0) o.reporter.note(`removed ${removed.length} temporary file(s) left by a killed run`);
    if (restarted) o.reporter.note(`${files.dir} held a run that never saved a checkpoint: starting it over`);
    return await trainInFolder(o, files, graph);
  } catch (caught) {
    const e = isFsError(caught) ? new TrainError('TRAIN005', describeFsError(caught)) : caught;
    if (!o.resume && removeUnsavedRun(files, madeFolder)) throw withNote(e, `nothing had been saved, so the run folder's files were removed and the same command starts over`);
    throw e;
  } finally {
    lock.release();
  }
}

function withNote(e: unknown, note: string): unknown {
  if (e instanceof TrainError) return new TrainError(e.code, `${e.message}; ${note}`);
  if (e instanceof Error) e.message = `${e.message} (${note})`;
  return e;
}

async function trainInFolder(o: PretrainOptions, files: RunFiles, graph: Graph): Promise<PretrainResult> {
  const meta = graph.meta;
  const initRng = Rng.fromSeed(o.hyper.seed);
  const init = initialParams(graph.params, initRng);
  let rng = initRng.fork();
  let start: Position = { step: 0, epoch: 0, batchInEpoch: 0 };
  let values: ReadonlyMap<string, Float32Array> = init;
  let moments: ReadonlyMap<string, Float32Array> | undefined;
  if (o.resume) {
    const ckpt = await readCheckpoint(files.checkpoint).catch((e: Error) => {
      throw new TrainError('TRAIN003', e.message);
    });
    // Weights that do not fit the model, a broken generator state: the checkpoint's fault, named.
    const fromCheckpoint = <T>(read: () => T): T => {
      try {
        return read();
      } catch (e) {
        throw new TrainError('TRAIN003', (e as Error).message.startsWith(files.checkpoint) ? (e as Error).message : `${files.checkpoint}: ${(e as Error).message}`);
      }
    };
    values = fromCheckpoint(() => checkedParams(ckpt, graph.params, init));
    moments = ckpt.moments;
    start = ckpt.meta.position;
    rng = fromCheckpoint(() => Rng.fromState(ckpt.meta.rng));
    await truncateMetrics(files.metrics, start.step);
  } else {
    await writeFileAtomic(files.spec, `${JSON.stringify(o.spec, null, 2)}\n`);
    writeFileSync(files.metrics, '');
  }

  const program = lower(graph, o.target);
  const state = createModelState(graph, values, o.target.ops.adamw);
  let pool: GradientPool | undefined;
  try {
    const threads = o.hyper.threads ?? 1;
    if (threads > 1) {
      pool = await startPool(graph, o.target, threads).catch((e: Error) => {
        throw new TrainError('TRAIN006', e.message);
      });
    }
    if (moments) {
      const loaded = moments;
      try {
        state.optimizer.load(loaded, start.step);
      } catch (e) {
        throw new TrainError('TRAIN003', `${files.checkpoint}: ${(e as Error).message}; it cannot be resumed exactly`);
      }
    }
    const shown = await fixedImages(o.dataset, meta, o.spec.mask.strategy, o.hyper.seed);
    const heldOut = await heldOutSet(o.dataset, meta, o.spec.mask.strategy, o.hyper.seed);
    let lastHeldOut: HeldOutLoss | undefined;
    const images = Math.min(o.dataset.splits.train, o.hyper.limit ?? Infinity);
    const totalSteps = stepsPerEpoch(images, o.hyper).steps * o.hyper.epochs;
    const eta = new EtaEstimator();
    let lastLoss: number | undefined;
    let stepsThisRun = 0;
    let lastTime = performance.now();

    const checkpoint = async (position: Position) => {
      const data = await readParams(graph, state);
      const params = new Map(graph.params.map((p) => [p.name, { shape: p.shape, data: data.get(p.name)! }]));
      const content = {
        params,
        moments: await readMoments(state),
        meta: { position, rng: rng.state(), spec: o.spec, data: o.data, stats: o.dataset.stats, hyper: o.hyper, backend: o.target.backend },
      };
      await saveCheckpoint(files.checkpoint, content, o.write);
    };
    const onStep = (r: StepRecord) => {
      appendMetric(files.metrics, r);
      lastLoss = r.loss;
      stepsThisRun += 1;
      const now = performance.now();
      eta.add((now - lastTime) / 1000);
      lastTime = now;
      o.reporter.update({ ...r, totalSteps, epochs: o.hyper.epochs, etaSeconds: eta.secondsLeft(totalSteps - r.step) });
    };
    const evaluateHeldOut = async (step: number, epoch: number): Promise<HeldOutLoss | undefined> => {
      if (!heldOut) return undefined;
      const r = await heldOutLoss(program, state.params, heldOut);
      appendHeldOut(files.metrics, { step, epoch, loss: r.loss, trivial: r.trivial, images: heldOut.count });
      return r;
    };
    const onEpochEnd = async (epoch: number, step: number) => {
      const path = reconstructionPath(files, epoch);
      await writeReconstructionGrid(path, await reconstructionRows(program, state.params, shown.images, shown.noise), meta, o.dataset.stats);
      const held = await evaluateHeldOut(step, epoch);
      lastHeldOut = held;
      const heldText = held ? `held-out loss ${held.loss.toFixed(4)} (${percentOf(held)} of the trivial predictor's ${held.trivial.toFixed(4)}), ` : '';
      o.reporter.note(`epoch ${epoch}/${o.hyper.epochs} done: ${heldText}reconstructions in ${relative(process.cwd(), path)}`);
      lastTime = performance.now();
    };
    const shouldStop = () => (o.interrupted?.() ?? false) || (o.maxSteps !== undefined && stepsThisRun >= o.maxSteps);

    if (start.step === 0 && !o.resume) await evaluateHeldOut(0, 0);
    const result = await runLoop(
      { program, state, dataset: o.dataset, hyper: o.hyper, rng, strategy: o.spec.mask.strategy, augment: o.spec.augment, start, startSaved: o.resume, ...(pool ? { pool } : {}) },
      { onStep, checkpoint, onEpochEnd, shouldStop },
    ).catch((e: unknown) => {
      throw e instanceof ThreadError ? new TrainError('TRAIN006', e.message) : e;
    });
    await writeLossChart(files.metrics, files.lossChart);
    return { result, lastLoss, ...(lastHeldOut ? { heldOut: lastHeldOut } : {}) };
  } finally {
    await pool?.close();
    state.dispose();
  }
}

/**
 * loss.png from metrics.jsonl: the training loss of every step, the held-out loss after each
 * epoch, and the trivial predictor's held-out loss as the reference a model must get under.
 */
export async function writeLossChart(metrics: string, path: string): Promise<void> {
  const records = readMetrics(metrics);
  if (records.length === 0) return;
  const held = readHeldOut(metrics);
  const series = [{ label: 'train (per step)', x: records.map((r) => r.epoch), y: records.map((r) => r.loss) }];
  if (held.length > 0) {
    series.push({ label: 'held-out', x: held.map((r) => r.epoch), y: held.map((r) => r.loss) });
    series.push({ label: 'trivial predictor, held-out', x: held.map((r) => r.epoch), y: held.map((r) => r.trivial) });
  }
  await writeLineChart(path, series, { title: 'MAE pretraining loss', xLabel: 'epoch', yLabel: 'loss (masked patches)' });
}
