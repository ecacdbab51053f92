/**
 * Explicit RGB -> grey conversion (the `grey:` source prefix), for feeding colour data to a
 * 1-channel model. Luma uses ITU-R BT.601 weights (what PIL's convert('L') uses); the converted
 * dataset is normalised with 0.5/0.5 like any grey data of unknown origin.
 */
import type { DatasetParts } from './parts.ts';
import { HALF_STATS } from './stats.ts';
import type { ImageStore, Pixels } from './store.ts';

const LUMA = [0.299, 0.587, 0.114] as const;

/** [3, H, W] -> [1, H, W]. */
export function toLuma(px: Pixels): Pixels {
  if (px.channels === 1) return px;
  const plane = px.height * px.width;
  const out = new Float32Array(plane);
  for (let k = 0; k < plane; k++) out[k] = LUMA[0] * px.data[k]! + LUMA[1] * px.data[plane + k]! + LUMA[2] * px.data[2 * plane + k]!;
  return { data: out, channels: 1, height: px.height, width: px.width };
}

function greyStore(store: ImageStore): ImageStore {
  return {
    count: store.count,
    channels: 1,
    label: (i) => store.label(i),
    load: async (indices, size) => (await store.load(indices, size)).map((px) => (px ? toLuma(px) : null)),
  };
}

/** The same dataset with 1 channel; grey datasets are returned unchanged. */
export function greyParts(parts: DatasetParts): DatasetParts {
  if (parts.info.channels === 1) return parts;
  return {
    ...parts,
    info: { ...parts.info, name: `grey:${parts.info.name}`, channels: 1, stats: HALF_STATS },
    stores: { train: greyStore(parts.stores.train), test: greyStore(parts.stores.test) },
  };
}
