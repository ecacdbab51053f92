import type { Problem } from '../problem.ts';
import type { MaeSpec } from '../spec.ts';
import { defineRule, isPositiveInt, problemOf } from './rule.ts';

/** The fields that count things or measure pixels, with how to read each from a spec. */
type Field = readonly [path: string, read: (spec: MaeSpec) => number];

const INTEGER_FIELDS: readonly Field[] = Object.freeze<Field[]>([
  ['encoder.patch', (s) => s.encoder.patch],
  ['encoder.width', (s) => s.encoder.width],
  ['encoder.depth', (s) => s.encoder.depth],
  ['encoder.heads', (s) => s.encoder.heads],
  ['decoder.width', (s) => s.decoder.width],
  ['decoder.depth', (s) => s.decoder.depth],
  ['decoder.heads', (s) => s.decoder.heads],
  ['image.size', (s) => s.image.size],
  ['image.channels', (s) => s.image.channels],
]);

/**
 * MAE006: patches, widths, depths, head counts, image size and channel count are positive
 * (safe) integers. Example problem: `encoder.depth: must be a positive integer, got 0`.
 */
export const positiveIntegers = defineRule({
  code: 'MAE006',
  name: 'positive-integers',
  description: 'Every size, depth, head count, channel count, width and patch is a positive integer.',
  check(spec): readonly Problem[] {
    return INTEGER_FIELDS.flatMap(([path, read]) => {
      const value = read(spec);
      return isPositiveInt(value) ? [] : [problemOf(positiveIntegers, path, `must be a positive integer, got ${value}`)];
    });
  },
});
