/**
 * The storage side of a dataset: indexable images with labels. Datasets differ only here; the
 * shared batch pipeline (`pipeline.ts`) does ordering, augmentation and normalisation.
 */

/** One decoded image: `data` is [channels, height, width] row-major, values in [0, 1]. */
export interface Pixels {
  readonly data: Float32Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Images of one split. */
export interface ImageStore {
  readonly count: number;
  readonly channels: 1 | 3;
  /** Class id of image i, or -1 when unlabelled. */
  label(i: number): number;
  /**
   * Decodes the images at `indices` (one result per index, in order). `sizeHint` is the output
   * side length, which stores that decode through an image library use to scale on decode.
   * An unreadable image gives null (the store reports it); other failures reject.
   */
  load(indices: Int32Array, sizeHint: number): Promise<(Pixels | null)[]>;
}

/** An empty split (e.g. a folder without `test/`). */
export const EMPTY_STORE: ImageStore = Object.freeze({
  count: 0,
  channels: 1 as const,
  label: () => -1,
  load: async () => [],
});

/**
 * A store over bytes held in memory: `bytes` is [count, channels, height, width] uint8.
 */
export function byteStore(
  bytes: Uint8Array,
  count: number,
  channels: 1 | 3,
  height: number,
  width: number,
  labels: Int32Array | null,
): ImageStore {
  const per = channels * height * width;
  if (bytes.length !== count * per) {
    throw new Error(`image bytes: expected ${count} x ${channels} x ${height} x ${width} = ${count * per}, found ${bytes.length}`);
  }
  const scale = 1 / 255;
  return {
    count,
    channels,
    label: (i) => (labels ? labels[i]! : -1),
    load: async (indices) => {
      const out: Pixels[] = [];
      for (const i of indices) {
        const data = new Float32Array(per);
        const base = i * per;
        for (let k = 0; k < per; k++) data[k] = bytes[base + k]! * scale;
        out.push({ data, channels, height, width });
      }
      return out;
    },
  };
}
