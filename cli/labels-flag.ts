/**
 * The `--labels P` and `--label-seed S` flags of `maec probe` and `maec finetune`: train on a
 * fixed, class-stratified fraction of the labelled training images (runtime/data/labels.ts).
 */
import { parseLabelsFlag, type LabelChoice } from '../runtime/data/index.ts';
import { intFlag } from './numbers.ts';

export const LABEL_FLAGS = {
  labels: {
    kind: 'string',
    value: 'P',
    help: 'train on P of the labelled training images (after --train-limit), the same in every class: a percentage (10%, 1%, 0.5%) or a fraction in (0, 1] (0.1); each class gives max(1, round(P * its images)) (default: all)',
  },
  'label-seed': { kind: 'string', value: 'S', help: 'seed of the --labels subset, apart from --seed so that every seed and variant trains on the same labels (default 0)' },
} as const;

/**
 * The labels a run trains on: undefined when neither flag is given (all labels), else the
 * choice, or the problem as a message naming the flag and the value.
 */
export function chooseLabels(labels: string | undefined, seed: string | undefined): LabelChoice | undefined | string {
  if (labels === undefined && seed === undefined) return undefined;
  const percent = labels === undefined ? 100 : parseLabelsFlag(labels);
  if (typeof percent === 'string') return percent;
  const s = intFlag(seed, 'label-seed', 0, 0);
  if (typeof s === 'string') return s;
  return { percent, seed: s };
}
