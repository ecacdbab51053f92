/**
 * The one epoch/step driver of every training command (pretraining, fine-tuning, the linear
 * probe): where a run starts and resumes, when it checkpoints (every N steps and at each
 * epoch's end), how Ctrl-C and `--steps` stop it, and what a non-finite loss does. What a step
 * computes, what a batch is and what is saved are the caller's, through the hooks.
 *
 * Positions count optimizer steps and, within an epoch, `units`: the data loader's batches
 * (pretraining groups `unitsPerStep` micro-batches into one step; the others take one).
 */
import { CheckpointValuesError, type Position } from '../checkpoint/index.ts';
import { TrainError } from './errors.ts';

export interface DriverPlan {
  readonly epochs: number;
  /** Optimizer steps per epoch. */
  readonly stepsPerEpoch: number;
  /** Loader batches per optimizer step (gradient accumulation); 1 without it. */
  readonly unitsPerStep: number;
  /** Loader batches per epoch, for the fractional epoch (at least stepsPerEpoch * unitsPerStep). */
  readonly unitsPerEpoch: number;
  /** Where this invocation starts (a checkpoint's position, or the beginning). */
  readonly start: Position;
  /** Checkpoint every this many optimizer steps as well as at epoch ends (0: epoch ends only). */
  readonly checkpointEvery: number;
  /** Whether a checkpoint exists at `start` (a resumed run); the divergence message says so. */
  readonly startSaved?: boolean;
}

/** Where a step sits in the run. */
export interface StepAt {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Optimizer steps taken before this one, over the whole run. */
  readonly step: number;
  /** Fractional epoch at the step's first batch (what the lr schedule reads). */
  readonly epochFraction: number;
}

export interface DriverHooks<B> {
  /** The batches of `epoch` (one per optimizer step), skipping the first `skipUnits` loader batches. */
  batches(epoch: number, skipUnits: number): AsyncIterable<B>;
  /** One optimizer step on `batch`; returns its loss. A non-finite loss must leave the state as it was. */
  step(batch: B, at: StepAt): Promise<number> | number;
  /** After a step with a finite loss: metrics, progress. `epochFraction` is at the step's end. */
  afterStep?(record: { readonly step: number; readonly epoch: number; readonly epochFraction: number; readonly loss: number }): void;
  /** At the end of each epoch (1-based `epochsDone`), before its checkpoint: evaluation, figures. */
  epochEnd?(epochsDone: number, step: number): Promise<void> | void;
  /** Persists the state at `position`. */
  checkpoint(position: Position): Promise<void>;
  /** Polled after every step: true stops the run after a checkpoint. */
  shouldStop(): boolean;
}

export type DriveResult = { readonly kind: 'finished'; readonly position: Position } | { readonly kind: 'stopped'; readonly position: Position };

/**
 * Runs from `plan.start` to the end of the last epoch, or until `shouldStop`. Throws TRAIN001
 * naming the step when a loss is not finite (nothing is applied or saved for that step) or when
 * a checkpoint is refused for non-finite weights, and says which checkpoint, if any, is kept.
 */
export async function drive<B>(plan: DriverPlan, hooks: DriverHooks<B>): Promise<DriveResult> {
  const { epochs, stepsPerEpoch, unitsPerStep, unitsPerEpoch } = plan;
  const unitsPerRun = stepsPerEpoch * unitsPerStep;
  let step = plan.start.step;
  let saved: number | undefined = plan.startSaved ? plan.start.step : undefined;
  const kept = () => (saved === undefined ? 'no checkpoint was saved yet' : `the checkpoint of step ${saved} is kept`);
  // A checkpoint whose values are not finite is refused by the writer: the run has diverged.
  const checkpoint = async (position: Position) => {
    try {
      await hooks.checkpoint(position);
    } catch (e) {
      if (!(e instanceof CheckpointValuesError)) throw e;
      throw new TrainError('TRAIN001', `the weights are not finite after step ${position.step}: ${e.tensor} ${e.problem}; stopped without saving, ${kept()}`);
    }
    saved = position.step;
  };
  for (let epoch = plan.start.epoch; epoch < epochs; epoch++) {
    let units = epoch === plan.start.epoch ? plan.start.batchInEpoch : 0;
    for await (const batch of units < unitsPerRun ? fetchAhead(hooks.batches(epoch, units)) : []) {
      const loss = await hooks.step(batch, { epoch, step, epochFraction: epoch + units / unitsPerEpoch });
      step += 1;
      units += unitsPerStep;
      if (!Number.isFinite(loss))
        throw new TrainError('TRAIN001', `loss is ${loss} at step ${step} (epoch ${epoch + 1}, batch ${units / unitsPerStep} of ${stepsPerEpoch}); stopped without saving, ${kept()}`);
      hooks.afterStep?.({ step, epoch, epochFraction: epoch + units / unitsPerEpoch, loss });
      // The data pipeline may resolve from microtasks alone; a macrotask turn lets signal
      // handlers (Ctrl-C) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (units >= unitsPerRun) break;
      const position = { step, epoch, batchInEpoch: units };
      if (hooks.shouldStop()) {
        await checkpoint(position);
        return { kind: 'stopped', position };
      }
      if (plan.checkpointEvery > 0 && step % plan.checkpointEvery === 0) await checkpoint(position);
    }
    await hooks.epochEnd?.(epoch + 1, step);
    const position = { step, epoch: epoch + 1, batchInEpoch: 0 };
    await checkpoint(position);
    if (epoch + 1 < epochs && hooks.shouldStop()) return { kind: 'stopped', position };
  }
  return { kind: 'finished', position: { step, epoch: epochs, batchInEpoch: 0 } };
}

/**
 * The items of `source`, fetching each next one while the current one is being used: the fetch
 * starts on the next macrotask turn, after the step has handed its work to the training threads
 * (runtime/parallel), so decoding and augmenting the next batch overlaps their compute. The
 * order of items, and so every seeded draw of the pipeline, is unchanged.
 */
export async function* fetchAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const later = () => new Promise<void>((resolve) => setImmediate(resolve)).then(() => it.next());
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = later();
      yield r.value;
    }
  } finally {
    // Stopped early: the fetch already started is not wanted; its failure is not the caller's.
    next.catch(() => {});
    await it.return?.();
  }
}
