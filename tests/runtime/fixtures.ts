import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mae, vit, type MaeSpec } from '../../dsl/index.ts';

/**
 * The parity fixtures (tensors produced by the official PyTorch code), kept in the repository so
 * a fresh clone tests itself. `MAEC_PARITY_DIR` points the same tests at another folder of
 * fixtures in this layout (one sub-folder per fixture).
 */
export const PARITY_DIR = process.env['MAEC_PARITY_DIR'] ?? fileURLToPath(new URL('../fixtures/parity/', import.meta.url));

export interface FixtureConfig {
  readonly name: string;
  readonly img_size: number;
  readonly patch_size: number;
  readonly in_chans: number;
  readonly embed_dim: number;
  readonly depth: number;
  readonly num_heads: number;
  readonly decoder_embed_dim: number;
  readonly decoder_depth: number;
  readonly decoder_num_heads: number;
  readonly mlp_ratio: number;
  readonly norm_pix_loss: boolean;
  readonly layernorm_eps?: number;
  readonly mask_ratio: number;
  readonly grad_params?: readonly string[];
}

export interface Fixture {
  readonly name: string;
  readonly dir: string;
  readonly config: FixtureConfig;
  readonly spec: MaeSpec;
}

/** Every parity fixture directory (each holds config.json and the three safetensors files). */
export function parityFixtures(): Fixture[] {
  if (!existsSync(PARITY_DIR)) return [];
  return readdirSync(PARITY_DIR)
    .filter((name) => existsSync(join(PARITY_DIR, name, 'config.json')))
    .sort()
    .map((name) => {
      const dir = join(PARITY_DIR, name);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as FixtureConfig;
      return { name, dir, config, spec: specFromFixture(config) };
    });
}

/** The maec spec of an official-code fixture configuration. */
export function specFromFixture(c: FixtureConfig): MaeSpec {
  return mae({
    encoder: vit({ patch: c.patch_size, width: c.embed_dim, depth: c.depth, heads: c.num_heads, mlpRatio: c.mlp_ratio }),
    decoder: { width: c.decoder_embed_dim, depth: c.decoder_depth, heads: c.decoder_num_heads, mlpRatio: c.mlp_ratio },
    mask: c.mask_ratio,
    image: { size: c.img_size, channels: c.in_chans },
    normPixLoss: c.norm_pix_loss,
    layerNormEps: c.layernorm_eps ?? 1e-6,
  });
}
