/**
 * Table 1c: mask tokens in the encoder (the symmetric baseline: every patch through the
 * encoder, 3.3x the FLOPs in the paper) against the MAE encoder that sees visible patches only.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const maskToken = grid(ablationBase, { maskTokensInEncoder: [true, false] });
