/**
 * Figure 5: mask ratio 10% .. 90% (paper: fine-tuning flat over 40-80%, linear probe rising up
 * to 75%). With L = 49 patches, 0.1 keeps 44 and 0.9 keeps 4.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const maskRatio = grid(ablationBase, { mask: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9] });
