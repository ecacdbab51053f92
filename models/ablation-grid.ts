/**
 * The paper's two main ablations on MAE ViT-L/16, generated rather than written out: mask
 * ratio (Fig. 5: fine-tuning flat over 40-80%, linear probing best near 75%) crossed with
 * decoder depth (Table 1a: 1, 2, 4, 8, 12 blocks). 15 specs, named like
 * `mask=0.75,decoder.depth=8`; compare their FLOPs with `maec compile models/ablation-grid.ts`.
 */
import { grid, mae, vitL } from 'maec';

const base = mae({ encoder: vitL, decoder: { width: 512, depth: 8, heads: 16 }, mask: 0.75 });

export const ablation = grid(base, { 'mask.ratio': [0.5, 0.75, 0.9], 'decoder.depth': [1, 2, 4, 8, 12] });
