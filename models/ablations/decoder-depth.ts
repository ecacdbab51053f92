/** Table 1a: decoder depth (paper: 1, 2, 4, 8, 12 blocks; linear probe gains most with depth). */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const decoderDepth = grid(ablationBase, { 'decoder.depth': [1, 2, 4, 8] });
