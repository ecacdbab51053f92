/** An 8-bit image ready to encode: `data` is [height, width, channels] interleaved. */
export interface Raster {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** Checks that `data` has height * width * channels bytes. */
export function checkRaster(r: Raster): void {
  const expected = r.width * r.height * r.channels;
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1) {
    throw new Error(`raster size must be positive integers, found ${r.width}x${r.height}`);
  }
  if (r.data.length !== expected) {
    throw new Error(`raster ${r.width}x${r.height}x${r.channels}: expected ${expected} bytes, found ${r.data.length}`);
  }
}
