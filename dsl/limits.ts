/**
 * The largest values a spec may hold: beyond them a model cannot be built or run, or compiling
 * it would take the compiler's time and memory with it (`depth: 1e6` builds a million blocks).
 * Each maximum allows the official presets with room to spare (ViT-H/14 is 1280 wide, 32
 * deep, 16 heads; ViT-22B is 6144 wide, 48 deep, 48 heads) and images up to 1024 pixels a
 * side. MAE010 checks the fields, MAE009 the MLP widths, MAE011 the tensors they make.
 *
 * Example: `LIMITS.depth` is 256, so `encoder.depth: 1000000` is `must be at most 256`.
 */
export const LIMITS = Object.freeze({
  /** Image side in pixels. */
  imageSize: 1024,
  /** Image channels: RGB is 3, multispectral a dozen, hyperspectral a few hundred. */
  channels: 1024,
  /** Patch side in pixels; it never exceeds the image side anyway (MAE001). */
  patch: 1024,
  /** Transformer blocks, of the encoder and of the decoder each. */
  depth: 256,
  /** Token width, of the encoder and of the decoder each. */
  width: 16384,
  /** Attention heads, of the encoder and of the decoder each (they divide the width). */
  heads: 256,
  /** MLP hidden width floor(width * mlpRatio): the widest token width at the default ratio 4. */
  mlpHidden: 4 * 16384,
  /**
   * Elements of any one tensor: a parameter, or an activation of one image. Backends index
   * tensors with 32-bit integers (the wasm heap is 4 GiB, 2^30 float32 values), and a count
   * below 2^31 keeps every product of sizes exact in float64.
   */
  tensorElements: 2 ** 31 - 1,
});
