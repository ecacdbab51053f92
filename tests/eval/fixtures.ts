import { mae, vit, type MaeSpec } from '../../dsl/index.ts';

/** A small ViT for 16x16 grey synthetic images: L = 16 patches, D = 32, two blocks. */
export const tinySpec: MaeSpec = mae({
  encoder: vit({ patch: 4, width: 32, depth: 2, heads: 2 }),
  decoder: { width: 16, depth: 1, heads: 2 },
  mask: 0.75,
  image: { size: 16, channels: 1 },
});

/** The spec as JSON, for spec.json files next to checkpoints. */
export const tinySpecJson = {
  encoder: { patch: 4, width: 32, depth: 2, heads: 2 },
  decoder: { width: 16, depth: 1, heads: 2 },
  mask: 0.75,
  image: { size: 16, channels: 1 },
};

/** Four easy classes (stripes, stripes, rectangle, disc) at 16x16. */
export const SYNTH = 'synthetic:train=256,test=64,size=16,channels=1,classes=4,seed=3';
