/**
 * Bilinear resampling of a rectangular box of a [C, H, W] float image to an [C, outH, outW] image,
 * with an optional horizontal flip of the result.
 *
 * The filter is PIL's "bilinear": a triangle kernel on pixel centres (align_corners = false),
 * whose support widens by the shrink factor when the box is larger than the output, so shrinking
 * is antialiased (what torchvision does for PIL images and for tensors with antialias = true).
 * Taps are clipped to the box and the weights renormalised, so every output value is a convex
 * combination of box pixels and stays within the box's value range.
 */

/** A crop box in pixels: rows [top, top + height), columns [left, left + width). */
export interface Box {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** Per-axis filter taps: output i reads `count[i]` inputs from `start[i]` with `weights[i*maxTaps + k]`. */
interface AxisPlan {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float32Array;
  readonly maxTaps: number;
}

function computePlan(origin: number, length: number, outLength: number): AxisPlan {
  const scale = length / outLength;
  const filterScale = Math.max(1, scale);
  const support = filterScale; // triangle kernel has radius 1, widened when shrinking
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outLength);
  const count = new Int32Array(outLength);
  const weights = new Float32Array(outLength * maxTaps);
  const end = origin + length;
  for (let i = 0; i < outLength; i++) {
    const centre = origin + (i + 0.5) * scale;
    let lo = Math.max(origin, Math.floor(centre - support));
    let hi = Math.min(end, Math.ceil(centre + support));
    const weightOf = (j: number) => {
      const d = Math.abs(j + 0.5 - centre) / filterScale;
      return d < 1 ? 1 - d : 0;
    };
    // Zero-weight taps at either end cost time in the inner loops; an unscaled axis has only one
    // non-zero tap per output.
    while (lo < hi - 1 && weightOf(lo) === 0) lo++;
    while (hi - 1 > lo && weightOf(hi - 1) === 0) hi--;
    let total = 0;
    let n = 0;
    for (let j = lo; j < hi && n < maxTaps; j++, n++) {
      const w = weightOf(j);
      weights[i * maxTaps + n] = w;
      total += w;
    }
    if (total === 0) {
      // Only reachable for a one-pixel-wide window; the nearest pixel is the honest answer.
      weights[i * maxTaps] = 1;
      total = 1;
      n = 1;
    }
    for (let k = 0; k < n; k++) weights[i * maxTaps + k]! /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

// Crop boxes repeat (a 28-pixel axis has a few hundred distinct windows), so plans are cached.
const PLAN_CACHE_LIMIT = 8192;
const planCache = new Map<number, AxisPlan>();

function planAxis(origin: number, length: number, outLength: number): AxisPlan {
  const key = (origin * 8192 + length) * 8192 + outLength;
  let plan = planCache.get(key);
  if (!plan) {
    if (planCache.size >= PLAN_CACHE_LIMIT) planCache.clear();
    plan = computePlan(origin, length, outLength);
    planCache.set(key, plan);
  }
  return plan;
}

let scratch = new Float32Array(0);

/**
 * Resamples `box` of `src` ([channels, srcH, srcW], row-major) to [channels, outH, outW] and
 * writes it into `dst` starting at `dstOffset`. `flip` mirrors the output left-right.
 *
 * @example resampleBox(img, 1, 28, 28, { top: 0, left: 0, height: 28, width: 28 }, 32, 32, false, out, 0)
 */
export function resampleBox(
  src: Float32Array,
  channels: number,
  srcH: number,
  srcW: number,
  box: Box,
  outH: number,
  outW: number,
  flip: boolean,
  dst: Float32Array,
  dstOffset: number,
): void {
  if (box.height < 1 || box.width < 1 || box.top < 0 || box.left < 0 || box.top + box.height > srcH || box.left + box.width > srcW) {
    throw new Error(
      `crop box (top ${box.top}, left ${box.left}, ${box.height}x${box.width}) must lie inside the ${srcH}x${srcW} image`,
    );
  }
  const rows = planAxis(box.top, box.height, outH);
  const cols = planAxis(box.left, box.width, outW);
  // Horizontal pass over only the rows the box covers: tmp is [box.height, outW] per channel.
  if (scratch.length < box.height * outW) scratch = new Float32Array(box.height * outW);
  const tmp = scratch;
  for (let c = 0; c < channels; c++) {
    const plane = c * srcH * srcW;
    for (let y = 0; y < box.height; y++) {
      const rowBase = plane + (box.top + y) * srcW;
      for (let x = 0; x < outW; x++) {
        const s = rowBase + cols.start[x]!;
        const n = cols.count[x]!;
        const wb = x * cols.maxTaps;
        let acc: number;
        if (n === 2) acc = src[s]! * cols.weights[wb]! + src[s + 1]! * cols.weights[wb + 1]!;
        else {
          acc = 0;
          for (let k = 0; k < n; k++) acc += src[s + k]! * cols.weights[wb + k]!;
        }
        tmp[y * outW + (flip ? outW - 1 - x : x)] = acc;
      }
    }
    const outPlane = dstOffset + c * outH * outW;
    for (let y = 0; y < outH; y++) {
      const s = rows.start[y]! - box.top;
      const n = rows.count[y]!;
      const wb = y * rows.maxTaps;
      const outRow = outPlane + y * outW;
      // Row-at-a-time accumulation keeps the innermost loop a straight pass over x.
      const w0 = rows.weights[wb]!;
      const first = s * outW;
      for (let x = 0; x < outW; x++) dst[outRow + x] = tmp[first + x]! * w0;
      for (let k = 1; k < n; k++) {
        const w = rows.weights[wb + k]!;
        const from = (s + k) * outW;
        for (let x = 0; x < outW; x++) dst[outRow + x] = dst[outRow + x]! + tmp[from + x]! * w;
      }
    }
  }
}

/** Mirrors a [channels, h, w] image left-right into a new array. */
export function flipHorizontal(src: Float32Array, channels: number, h: number, w: number): Float32Array {
  const out = new Float32Array(channels * h * w);
  for (let p = 0; p < channels * h; p++) {
    const base = p * w;
    for (let x = 0; x < w; x++) out[base + x] = src[base + w - 1 - x]!;
  }
  return out;
}
