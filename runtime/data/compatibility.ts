/** The check pretraining, probing and fine-tuning run before their first batch: can this dataset feed this model? */
import { DataError } from './errors.ts';
import type { Dataset } from './types.ts';

/**
 * Returns an error when the model cannot take the dataset's images, else undefined.
 * Grey data into 3 channels is fine (replicated); RGB into 1 channel needs `grey:` explicitly.
 * A different image size is fine (bilinear resize) and not reported.
 */
export function checkCompatibility(dataset: Dataset, model: { readonly channels: number; readonly imageSize: number }): DataError | undefined {
  const problem = incompatibility(dataset, model);
  return problem && new DataError(problem.code, `${problem.message} (model: ${model.channels} channel(s), ${model.imageSize}x${model.imageSize})`);
}

function incompatibility(dataset: Dataset, model: { readonly channels: number; readonly imageSize: number }): DataError | undefined {
  if (model.channels !== 1 && model.channels !== 3) {
    return new DataError('DATA005', `model channels must be 1 or 3 to take image data, found ${model.channels}`);
  }
  if (!Number.isInteger(model.imageSize) || model.imageSize < 1) {
    return new DataError('DATA006', `model image size must be a positive integer, found ${model.imageSize}`);
  }
  if (dataset.channels === 3 && model.channels === 1) {
    return new DataError(
      'DATA005',
      `${dataset.name} has 3-channel (RGB) images but the model takes 1 channel; use 'grey:${dataset.name}' to convert explicitly, or a 3-channel model`,
    );
  }
  if (dataset.splits.train === 0) return new DataError('DATA004', `${dataset.name} has no training images`);
  return undefined;
}
