/**
 * The model's parameter list as the weights layer sees it: official MAE names with shapes, and
 * which of them are frozen tables or belong to the decoder.
 */

/**
 * One expected parameter, in official (facebookresearch/mae `state_dict`) naming.
 *
 * @example
 * const p: ExpectedParam = { name: 'blocks.0.attn.qkv.weight', shape: [192, 64] }; // [3D, D]
 */
export interface ExpectedParam {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The fixed 2-D sin-cos position tables: optional in a checkpoint, recomputable. */
export const FROZEN_PARAMS: readonly string[] = ['pos_embed', 'decoder_pos_embed'];

/**
 * True for a frozen position table.
 *
 * @example
 * isFrozenParam('decoder_pos_embed') // true
 */
export function isFrozenParam(name: string): boolean {
  return FROZEN_PARAMS.includes(name);
}

/**
 * True for a parameter only the decoder uses (absent from encoder-only checkpoints such as the
 * official `mae_pretrain_vit_*.pth`).
 *
 * @example
 * isDecoderParam('mask_token') // true
 * isDecoderParam('norm.weight') // false
 */
export function isDecoderParam(name: string): boolean {
  return name === 'mask_token' || name.startsWith('decoder_');
}

/**
 * True for a parameter that only pretraining uses: the decoder's, and the symmetric baseline's
 * `encoder_mask_token` (Table 1c), which replaces masked patches in the encoder's input and has
 * no role once the encoder sees whole images. An encoder-only load ignores these.
 *
 * @example
 * isPretrainingOnlyParam('encoder_mask_token') // true
 * isPretrainingOnlyParam('cls_token') // false
 */
export function isPretrainingOnlyParam(name: string): boolean {
  return isDecoderParam(name) || name === 'encoder_mask_token';
}
