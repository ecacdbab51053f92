/**
 * Table 1b: decoder width (paper: 128 .. 1024 against a 1024-wide ViT-L, best at 512, half
 * the encoder). Here 16 .. 128 against a 64-wide encoder, 4 heads each.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const decoderWidth = grid(ablationBase, { 'decoder.width': [16, 32, 64, 128] });
