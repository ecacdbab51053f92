/**
 * Figure 5 and Table 1c in one sweep, sized for several seeds on two CPU cores: four mask
 * ratios (25%, 50%, 75%, 90%; with L = 49 patches they keep 36, 24, 12 and 4) and the
 * symmetric baseline (mask tokens through the encoder, at 75%). The 75% variant is the base of
 * both comparisons, and every variant shares one encoder, so one no-pretraining control serves
 * them all.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const maskRatio = grid(ablationBase, { mask: [0.25, 0.5, 0.75, 0.9] });
export const maskToken = grid(ablationBase, { maskTokensInEncoder: [true] });
