/** What a dataset opener produces before the source options (e.g. `grey:`) are applied. */
import type { DatasetInfo } from './dataset.ts';
import type { ImageStore } from './store.ts';
import type { SkippedImage } from './types.ts';

export interface DatasetParts {
  readonly info: DatasetInfo;
  readonly stores: { readonly train: ImageStore; readonly test: ImageStore };
  readonly skipped?: () => readonly SkippedImage[];
}
