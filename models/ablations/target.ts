/** Table 1d: reconstruction target, pixels against per-patch normalised pixels. */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const target = grid(ablationBase, { normPixLoss: [false, true] });
