/** Decoding image files to model-ready float arrays with sharp. */
import sharp from 'sharp';

/**
 * Decodes an image file to [channels, size, size] in [0, 1]: scaled so the shorter side is
 * `size` and centre-cropped to a square (sharp's antialiased `cover`), transparency flattened
 * onto black, converted to grey (channels 1, sharp's luma) or sRGB (channels 3).
 */
export async function decodeImage(path: string, size: number, channels: 1 | 3): Promise<Float32Array> {
  const { data, info } = await sharp(path)
    .resize(size, size, { fit: 'cover' })
    .flatten({ background: '#000000' })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== size || info.height !== size) {
    throw new Error(`decoded to ${info.channels} channels ${info.height}x${info.width}, expected ${channels} channels ${size}x${size}`);
  }
  const plane = size * size;
  const out = new Float32Array(channels * plane);
  const scale = 1 / 255;
  // sharp gives [H, W, C] interleaved; the model wants [C, H, W].
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c]! * scale;
  return out;
}
