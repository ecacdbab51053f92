/** Opens a dataset from a source string or a parsed source. */
import { makeDataset } from './dataset.ts';
import { openFashionMnist } from './fashion-mnist.ts';
import { openFolder } from './folder.ts';
import { greyParts } from './grey.ts';
import { openMnist } from './mnist.ts';
import type { DatasetParts } from './parts.ts';
import { parseSource, type DataSource } from './source.ts';
import { openSynthetic } from './synthetic.ts';
import type { Dataset, SkippedImage } from './types.ts';

export interface OpenOptions {
  /** Called once per unreadable image in `folder:` sources. */
  readonly onWarning?: (skipped: SkippedImage) => void;
}

async function openParts(source: DataSource, options: OpenOptions): Promise<DatasetParts> {
  switch (source.kind) {
    case 'mnist':
      return openMnist();
    case 'fashion-mnist':
      return openFashionMnist(source.dir);
    case 'folder':
      return openFolder(source.dir, options);
    case 'synthetic':
      return openSynthetic(source.options);
  }
}

/**
 * Opens a dataset. Throws a DataError: DATA001 for a bad source string, DATA002 for a missing
 * path, DATA003 for a malformed IDX file, DATA004 for a folder without readable images,
 * DATA007 for a folder whose layout is inconsistent.
 *
 * @example const ds = await openDataset('synthetic:size=16'); for await (const b of ds.batches('train', opts)) ...
 */
export async function openDataset(source: string | DataSource, options: OpenOptions = {}): Promise<Dataset> {
  let parsed: DataSource;
  if (typeof source === 'string') {
    const result = parseSource(source);
    if (!result.ok) throw result.error;
    parsed = result.source;
  } else {
    parsed = source;
  }
  let parts = await openParts(parsed, options);
  if (parsed.grey) parts = greyParts(parts);
  return makeDataset(parts.info, parts.stores, parts.skipped);
}
