/**
 * Table 1f: mask sampling (paper: random 75% best; block 50%, block 75% and grid 75% worse).
 * Four points as in the paper, not the full strategy x ratio product.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const maskSampling = [
  ...grid(ablationBase, { 'mask.strategy': ['random'], mask: [0.75] }),
  ...grid(ablationBase, { 'mask.strategy': ['block'], mask: [0.5, 0.75] }),
  ...grid(ablationBase, { 'mask.strategy': ['grid'], mask: [0.75] }),
];
