/**
 * Test helper: the official MAE parameter list for a config in the parity fixture's
 * `config.json` layout (the compiler produces the real list; this one is written from the spec).
 */
import { readFileSync } from 'node:fs';
import type { ExpectedParam } from '../../runtime/weights/params.ts';
import { fixturePath } from './raw.ts';

export interface FixtureConfig {
  readonly img_size: number;
  readonly patch_size: number;
  readonly in_chans: number;
  readonly embed_dim: number;
  readonly depth: number;
  readonly decoder_embed_dim: number;
  readonly decoder_depth: number;
  readonly mlp_ratio: number;
}

/** The parity fixture's config.json. */
export function fixtureConfig(): FixtureConfig {
  return JSON.parse(readFileSync(fixturePath('config.json'), 'utf8')) as FixtureConfig;
}

/** Official names and shapes of every MAE parameter, frozen position tables included. */
export function maeParams(c: FixtureConfig): ExpectedParam[] {
  const D = c.embed_dim;
  const Dd = c.decoder_embed_dim;
  const p = c.patch_size;
  const L = (c.img_size / p) ** 2;
  const params: ExpectedParam[] = [
    { name: 'cls_token', shape: [1, 1, D] },
    { name: 'pos_embed', shape: [1, 1 + L, D] },
    { name: 'patch_embed.proj.weight', shape: [D, c.in_chans, p, p] },
    { name: 'patch_embed.proj.bias', shape: [D] },
  ];
  for (let i = 0; i < c.depth; i++) params.push(...block(`blocks.${i}`, D, D * c.mlp_ratio));
  params.push({ name: 'norm.weight', shape: [D] }, { name: 'norm.bias', shape: [D] });
  params.push(
    { name: 'decoder_embed.weight', shape: [Dd, D] },
    { name: 'decoder_embed.bias', shape: [Dd] },
    { name: 'mask_token', shape: [1, 1, Dd] },
    { name: 'decoder_pos_embed', shape: [1, 1 + L, Dd] },
  );
  for (let i = 0; i < c.decoder_depth; i++) params.push(...block(`decoder_blocks.${i}`, Dd, Dd * c.mlp_ratio));
  params.push(
    { name: 'decoder_norm.weight', shape: [Dd] },
    { name: 'decoder_norm.bias', shape: [Dd] },
    { name: 'decoder_pred.weight', shape: [p * p * c.in_chans, Dd] },
    { name: 'decoder_pred.bias', shape: [p * p * c.in_chans] },
  );
  return params;
}

function block(prefix: string, D: number, hidden: number): ExpectedParam[] {
  return [
    { name: `${prefix}.norm1.weight`, shape: [D] },
    { name: `${prefix}.norm1.bias`, shape: [D] },
    { name: `${prefix}.attn.qkv.weight`, shape: [3 * D, D] },
    { name: `${prefix}.attn.qkv.bias`, shape: [3 * D] },
    { name: `${prefix}.attn.proj.weight`, shape: [D, D] },
    { name: `${prefix}.attn.proj.bias`, shape: [D] },
    { name: `${prefix}.norm2.weight`, shape: [D] },
    { name: `${prefix}.norm2.bias`, shape: [D] },
    { name: `${prefix}.mlp.fc1.weight`, shape: [hidden, D] },
    { name: `${prefix}.mlp.fc1.bias`, shape: [hidden] },
    { name: `${prefix}.mlp.fc2.weight`, shape: [D, hidden] },
    { name: `${prefix}.mlp.fc2.bias`, shape: [D] },
  ];
}
