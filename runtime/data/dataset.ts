/** Assembles a `Dataset` from its description and one store per split. */
import { streamBatches } from './pipeline.ts';
import type { ImageStore } from './store.ts';
import type { Dataset, SkippedImage, ChannelStats } from './types.ts';

/** The descriptive part of a dataset. */
export interface DatasetInfo {
  readonly name: string;
  readonly channels: 1 | 3;
  readonly imageSize: number | null;
  readonly classNames: readonly string[] | null;
  readonly stats: ChannelStats;
  readonly allowFlip: boolean;
}

/** Builds a Dataset; `skipped` reports unreadable images (folders). */
export function makeDataset(
  info: DatasetInfo,
  stores: { readonly train: ImageStore; readonly test: ImageStore },
  skipped: () => readonly SkippedImage[] = () => [],
): Dataset {
  const ctx = { name: info.name, stats: info.stats, allowFlip: info.allowFlip };
  return Object.freeze({
    name: info.name,
    channels: info.channels,
    imageSize: info.imageSize,
    numClasses: info.classNames ? info.classNames.length : null,
    classNames: info.classNames,
    splits: Object.freeze({ train: stores.train.count, test: stores.test.count }),
    stats: info.stats,
    allowFlip: info.allowFlip,
    labels: (split) => Int32Array.from({ length: stores[split].count }, (_, i) => stores[split].label(i)),
    batches: (split, options) => streamBatches(stores[split], split, options, ctx),
    skipped,
  } satisfies Dataset);
}
