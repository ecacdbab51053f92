/**
 * MAE ViT-H/14, the official `mae_vit_huge_patch14_dec512d8b`: 14x14 patches (L = 256,
 * K = 64), a 1280-wide 32-block encoder, the 512-wide 8-block decoder; 86.9% top-1.
 */
import { mae, vitH } from 'maec';

export const maeVitH14 = mae({ encoder: vitH, decoder: { width: 512, depth: 8, heads: 16 }, mask: 0.75 });
