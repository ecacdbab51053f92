/**
 * The label-scarce protocol: a fixed, class-stratified fraction of a split's labelled images.
 * Pretraining reads every image; the probe and fine-tuning train on this subset, drawn from a
 * label seed of its own, so every variant and every training seed sees the same labels.
 */
import { Rng } from '../rng.ts';
import { mixSeed } from './order.ts';
import { limitedIndices } from './pipeline.ts';
import type { Dataset } from './types.ts';

/** Keeps the subset's stream apart from the shuffle and augmentation streams (order.ts SALT). */
const LABEL_SALT = 0x1abe15;

/** Which labels to train on: `percent` in (0, 100], drawn with `seed`. */
export interface LabelChoice {
  readonly percent: number;
  readonly seed: number;
}

/** A drawn subset as result.json and the checkpoint record it: `images` is its size. */
export interface LabelRecord extends LabelChoice {
  readonly images: number;
}

/** Images class `n` images of a class contribute: max(1, round(percent * n / 100)), rounding halves up. */
export function classQuota(n: number, percent: number): number {
  return n === 0 ? 0 : Math.min(n, Math.max(1, Math.round((percent * n) / 100)));
}

/**
 * The stratified subset of a split whose image i has class `labels[i]` (entries below 0 take no
 * part: unlabelled, or outside a --train-limit): for each class, the first `classQuota` indices
 * of a permutation of that class's image indices (ascending before permuting) drawn from
 * (seed, class). Returned sorted ascending. Within one label array the subset of a smaller
 * percent is a prefix of the same permutations, so it lies inside a larger one; across
 * different arrays (another --train-limit) nothing of the kind holds.
 *
 * @example labelSubset(Int32Array.from([0, 1, 0, 1]), 50, 0) // two indices, one of {0, 2} and one of {1, 3}
 */
export function labelSubset(labels: ArrayLike<number>, percent: number, seed: number): Uint32Array {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`label percent must be in (0, 100], found ${percent}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    let members = byClass.get(c);
    if (!members) byClass.set(c, (members = []));
    members.push(i);
  }
  const chosen: number[] = [];
  for (const [c, members] of byClass) {
    const order = Rng.fromSeed(mixSeed(seed, c, LABEL_SALT)).permutation(members.length);
    const take = classQuota(members.length, percent);
    for (let k = 0; k < take; k++) chosen.push(members[order[k]!]!);
  }
  return Uint32Array.from(chosen).sort();
}

/**
 * The labelled training images of `dataset` for `choice`, within the first `limit` images
 * (`BatchOptions.limit`'s images) when given: the subset's indices for `BatchOptions.indices`,
 * and `pool`, how many labelled images it was drawn from.
 */
export function labelledTrainImages(dataset: Dataset, choice: LabelChoice, limit?: number): { readonly indices: Uint32Array; readonly pool: number } {
  const all = dataset.labels('train');
  const eligible = new Int32Array(all.length).fill(-1);
  for (const i of limitedIndices(all.length, limit)) eligible[i] = all[i]!;
  const pool = eligible.reduce((n, c) => n + (c >= 0 ? 1 : 0), 0);
  if (pool === 0) throw new Error(`${dataset.name} train: no labelled images to take --labels ${choice.percent}% of`);
  return { indices: labelSubset(eligible, choice.percent, choice.seed), pool };
}

/** The training images a probe or fine-tune reads, for `BatchOptions`, and what it records of them. */
export interface TrainingImages {
  /** `{ indices }` for a subset below 100%, `{ limit }` with a train limit, else neither. */
  readonly options: { readonly indices?: Uint32Array; readonly limit?: number };
  /** Whether a subset below 100% was taken (then recorded in the run's settings). */
  readonly subset: boolean;
  readonly record: LabelRecord;
  /** How many labelled images the subset was drawn from. */
  readonly pool: number;
}

/**
 * The training images for `choice` (absent or 100%: the whole split within `limit`, read as
 * without --labels, in the same order) and their record; one reading for the probe and
 * fine-tuning.
 */
export function trainingImages(dataset: Dataset, choice: LabelChoice | undefined, limit?: number): TrainingImages {
  const subset = choice !== undefined && choice.percent < 100 ? labelledTrainImages(dataset, choice, limit) : undefined;
  const pool = subset?.pool ?? Math.min(dataset.splits.train, limit ?? Infinity);
  const record: LabelRecord = { percent: choice?.percent ?? 100, seed: choice?.seed ?? 0, images: subset?.indices.length ?? pool };
  const options = subset ? { indices: subset.indices } : limit !== undefined ? { limit } : {};
  return { options, subset: subset !== undefined, record, pool };
}

/** The console line that says what a run trains on. */
export function describeLabels(record: LabelRecord, pool: number): string {
  return `training on ${record.images} of ${pool} labelled images (${record.percent}%, stratified, label seed ${record.seed})`;
}

/**
 * Reads a `--labels` value: a percentage in (0%, 100%] (`10%`, `0.5%`) or a fraction in (0, 1]
 * (`0.1`); the percent, or the problem as a message naming the flag and the value.
 * Decimal digits only, so a fraction's percent is exact (`0.07` is 7, not 7.000000000000001).
 *
 * @example parseLabelsFlag('1%') // 1;  parseLabelsFlag('0.1') // 10;  parseLabelsFlag('150%') // '--labels ...'
 */
export function parseLabelsFlag(text: string): number | string {
  const expected = `--labels must be a percentage in (0%, 100%] such as 10% or 0.5%, or a fraction in (0, 1] such as 0.1`;
  const m = /^(\d+)(?:\.(\d+))?(%?)$/.exec(text);
  if (!m) return `${expected}, found ${JSON.stringify(text)}`;
  const [, whole, decimals = '', sign] = m as unknown as [string, string, string | undefined, string];
  // A fraction's percent: the decimal point moved two places right, in the text.
  const percent = sign === '%' ? Number(text.slice(0, -1)) : Number(`${whole}${decimals.slice(0, 2).padEnd(2, '0')}.${decimals.slice(2) || '0'}`);
  if (!(percent > 0 && percent <= 100)) return `${expected}, found ${text}${sign === '' && percent > 100 ? ` (for ${whole} percent write ${whole}%)` : ''}`;
  return percent;
}
