/**
 * MAE ViT-B/16, the official `mae_vit_base_patch16_dec512d8b`: 224x224 RGB, 16x16 patches
 * (L = 196, K = 49 at mask 0.75), a 768-wide 12-block encoder and a 512-wide 8-block decoder.
 * 111,655,680 trainable parameters; fine-tunes to 83.6% top-1 on ImageNet-1k.
 */
import { mae, vitB } from 'maec';

export const maeVitB16 = mae({ encoder: vitB, decoder: { width: 512, depth: 8, heads: 16 }, mask: 0.75 });
