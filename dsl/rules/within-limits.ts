import { LIMITS } from '../limits.ts';
import type { Problem } from '../problem.ts';
import type { MaeSpec } from '../spec.ts';
import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/** The counted fields, how to read each, and its maximum. */
type Field = readonly [path: string, read: (spec: MaeSpec) => number, max: number];

const BOUNDED_FIELDS: readonly Field[] = Object.freeze<Field[]>([
  ['encoder.patch', (s) => s.encoder.patch, LIMITS.patch],
  ['encoder.width', (s) => s.encoder.width, LIMITS.width],
  ['encoder.depth', (s) => s.encoder.depth, LIMITS.depth],
  ['encoder.heads', (s) => s.encoder.heads, LIMITS.heads],
  ['decoder.width', (s) => s.decoder.width, LIMITS.width],
  ['decoder.depth', (s) => s.decoder.depth, LIMITS.depth],
  ['decoder.heads', (s) => s.decoder.heads, LIMITS.heads],
  ['image.size', (s) => s.image.size, LIMITS.imageSize],
  ['image.channels', (s) => s.image.channels, LIMITS.channels],
]);

/**
 * MAE010: patch, widths, depths, head counts, image size and channels are at most their
 * LIMITS (patch 1024, width 16384, depth 256, heads 256, image size 1024, channels 1024), so
 * that the compiler never builds a graph it cannot hold (`depth: 1e6` ran V8 out of memory).
 * Silent where MAE006 reports the field. Example problem: `encoder.depth: must be at most 256, got 1000000`.
 */
export const withinLimits = defineRule({
  code: 'MAE010',
  name: 'within-limits',
  description: 'Every size, depth, head count, channel count, width and patch is at most its maximum in LIMITS.',
  check(spec): readonly Problem[] {
    return BOUNDED_FIELDS.flatMap(([path, read, max]) => {
      const value = read(spec);
      return !isPositiveInt(value) || value <= max ? [] : [problemOf(withinLimits, path, `must be at most ${max}, got ${value}`)];
    });
  },
});
