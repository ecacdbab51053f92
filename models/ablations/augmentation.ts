/**
 * Table 1e: pretraining augmentation (paper, ft / linear: none 84.0/65.7, fixed-size crop
 * 84.7/73.1, random-size crop 84.9/73.5, random-size crop + colour jitter 84.3/71.9). Every
 * mode but none also flips. On grey Fashion-MNIST the jitter is brightness and contrast only.
 */
import { grid } from 'maec';
import { ablationBase } from './base.ts';

export const augmentation = grid(ablationBase, { augment: ['none', 'crop-fixed', 'crop', 'crop+jitter'] });
