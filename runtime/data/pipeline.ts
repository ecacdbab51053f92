/**
 * The batch pipeline shared by every dataset: epoch order -> decode (one batch ahead) ->
 * augment/resize -> channel replication -> normalisation -> fixed-size batches.
 * At most two batches of decoded images are held at once, so folders of any size stream.
 */
import { augmentImage } from './augment.ts';
import { DataError } from './errors.ts';
import { Rng } from '../rng.ts';
import { augmentRng, epochOrder } from './order.ts';
import { statsForChannels } from './stats.ts';
import type { ImageStore, Pixels } from './store.ts';
import { AUGMENTS, type Batch, type BatchOptions, type ChannelStats, type Split } from './types.ts';

const SPLIT_ID: Record<Split, number> = { train: 1, test: 2 };

/** What the pipeline needs to know about the dataset beyond its store. */
export interface PipelineContext {
  readonly name: string;
  readonly stats: ChannelStats;
  readonly allowFlip: boolean;
}

function checkOptions(o: BatchOptions, storeChannels: number, name: string): void {
  const bad = (what: string) => new DataError('DATA006', `batch options: ${what}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw bad(`batchSize must be a positive integer, found ${o.batchSize}`);
  if (!Number.isInteger(o.imageSize) || o.imageSize < 1) throw bad(`imageSize must be a positive integer, found ${o.imageSize}`);
  if (o.channels !== 1 && o.channels !== 3) throw bad(`channels must be 1 or 3, found ${o.channels}`);
  if (!Number.isInteger(o.seed) || !Number.isInteger(o.epoch)) throw bad(`seed and epoch must be integers, found ${o.seed} and ${o.epoch}`);
  if (!AUGMENTS.includes(o.augment)) throw bad(`augment must be one of ${AUGMENTS.join(', ')}, found '${String(o.augment)}'`);
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0)) throw bad(`limit must be a non-negative integer, found ${o.limit}`);
  if (o.skipBatches !== undefined && (!Number.isInteger(o.skipBatches) || o.skipBatches < 0)) {
    throw bad(`skipBatches must be a non-negative integer, found ${o.skipBatches}`);
  }
  if (storeChannels === 3 && o.channels === 1) {
    throw new DataError(
      'DATA005',
      `${name} has 3-channel (RGB) images but the model takes 1 channel; open it as 'grey:<source>' to convert explicitly`,
    );
  }
}

/** A batch under construction. */
class BatchBuilder {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly indices: Int32Array;
  size = 0;
  constructor(readonly capacity: number, readonly perImage: number) {
    this.images = new Float32Array(capacity * perImage);
    this.labels = new Int32Array(capacity);
    this.indices = new Int32Array(capacity);
  }
  finish(): Batch {
    if (this.size === this.capacity) return { images: this.images, labels: this.labels, indices: this.indices, size: this.size };
    return {
      images: this.images.slice(0, this.size * this.perImage),
      labels: this.labels.slice(0, this.size),
      indices: this.indices.slice(0, this.size),
      size: this.size,
    };
  }
}

/** Replicates plane 0 into planes 1.. and normalises each plane in place. */
function finishImage(dst: Float32Array, offset: number, plane: number, fromChannels: number, stats: ChannelStats): void {
  const channels = stats.mean.length;
  for (let c = fromChannels; c < channels; c++) dst.copyWithin(offset + c * plane, offset, offset + plane);
  for (let c = 0; c < channels; c++) {
    const inv = 1 / stats.std[c]!;
    const shift = stats.mean[c]! * inv;
    const end = offset + (c + 1) * plane;
    for (let k = offset + c * plane; k < end; k++) dst[k] = dst[k]! * inv - shift;
  }
}

/**
 * A limit takes a fixed random subset of the store, the same for every seed and epoch: stores
 * can be ordered by class (the mnist package, class folders), so their first N images would
 * hold a few classes only. `order` permutes 0..n-1; the result holds store indices.
 */
function limitedOrder(count: number, n: number, order: Int32Array): Int32Array {
  if (n === count) return order;
  const subset = Rng.fromSeed(0x5eed_11a1).permutation(count);
  return order.map((i) => subset[i]!);
}

/** The store indices a `limit` of `limit` images covers (all `count` when absent), in no particular order. */
export function limitedIndices(count: number, limit?: number): Int32Array {
  const n = Math.min(count, limit ?? count);
  return limitedOrder(count, n, epochOrder(n, 0, 0, 0, false));
}

/** Checks `BatchOptions.indices`: ascending store indices, each once, none past the split. */
function checkIndices(indices: ArrayLike<number>, count: number, o: BatchOptions, name: string, split: Split): void {
  const bad = (what: string) => new DataError('DATA006', `batch options: ${name} ${split}: ${what}`);
  if (o.limit !== undefined) throw bad('indices and limit cannot both be given: take the indices within the limit instead');
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= count) throw bad(`indices[${k}] must be an image index in 0..${count - 1}, found ${i}`);
    if (k > 0 && i <= indices[k - 1]!) throw bad(`indices must be strictly ascending, found ${indices[k - 1]} then ${i} at ${k}`);
  }
}

/** The epoch's store indices: the shuffle runs over positions in `indices` (or the limited split). */
function imageOrder(store: ImageStore, split: Split, o: BatchOptions, name: string): Int32Array {
  const shuffle = o.shuffle ?? split === 'train';
  if (o.indices !== undefined) {
    checkIndices(o.indices, store.count, o, name, split);
    const chosen = o.indices;
    return epochOrder(chosen.length, o.seed, o.epoch, SPLIT_ID[split], shuffle).map((k) => chosen[k]!);
  }
  const n = Math.min(store.count, o.limit ?? store.count);
  return limitedOrder(store.count, n, epochOrder(n, o.seed, o.epoch, SPLIT_ID[split], shuffle));
}

/** Streams the batches of one split of `store`. */
export async function* streamBatches(store: ImageStore, split: Split, o: BatchOptions, ctx: PipelineContext): AsyncGenerator<Batch> {
  checkOptions(o, store.channels, ctx.name);
  const order = imageOrder(store, split, o, ctx.name);
  const n = order.length;
  const S = o.imageSize;
  const plane = S * S;
  const stats = statsForChannels(ctx.stats, o.channels);
  const B = o.batchSize;

  const loadFrom = (from: number): Promise<{ idx: Int32Array; pixels: (Pixels | null)[] }> => {
    const idx = order.subarray(from, Math.min(n, from + B));
    const p = store.load(idx, S).then((pixels) => ({ idx, pixels }));
    p.catch(() => undefined); // rejection is rethrown where it is awaited; this only stops an unhandled-rejection report if iteration ends early
    return p;
  };

  let pos = Math.min(n, (o.skipBatches ?? 0) * B);
  let pending = pos < n ? loadFrom(pos) : null;
  let batch = new BatchBuilder(B, o.channels * plane);
  let produced = 0;
  while (pending) {
    const { idx, pixels } = await pending;
    pos += idx.length;
    pending = pos < n ? loadFrom(pos) : null;
    for (let k = 0; k < idx.length; k++) {
      const px = pixels[k];
      if (!px) continue;
      const index = idx[k]!;
      const offset = batch.size * batch.perImage;
      const rng = augmentRng(o.seed, o.epoch, SPLIT_ID[split], index);
      augmentImage(px.data, px.channels, px.height, px.width, o.augment, ctx.allowFlip, rng, { dst: batch.images, offset, size: S });
      finishImage(batch.images, offset, plane, px.channels, stats);
      batch.labels[batch.size] = store.label(index);
      batch.indices[batch.size] = index;
      batch.size++;
      produced++;
      if (batch.size === B) {
        yield batch.finish();
        batch = new BatchBuilder(B, o.channels * plane);
      }
    }
  }
  if (batch.size > 0 && !o.dropLast) yield batch.finish();
  if (produced === 0 && n > 0 && (o.skipBatches ?? 0) === 0) {
    throw new DataError('DATA004', `${ctx.name} ${split}: none of the ${n} images could be read`);
  }
}
