import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hfConfig, hfPreprocessorConfig, officialModel, vitMaeConfig } from '../../runtime/weights/interop.ts';
import { fixtureSpec } from './run.ts';

const spec = fixtureSpec();
const grey = { ...spec, image: { size: 8, channels: 1 } };

test('preprocessor_config.json repeats one-channel statistics for colour and keeps grey models grey', () => {
  const colour = hfPreprocessorConfig(spec, { mean: [0.5], std: [0.25] });
  assert.deepEqual([colour['image_mean'], colour['image_std'], colour['do_convert_rgb']], [[0.5, 0.5, 0.5], [0.25, 0.25, 0.25], true]);
  const g = hfPreprocessorConfig(grey, { mean: [0.1307], std: [0.3081] });
  assert.deepEqual([g['image_mean'], g['image_std'], g['do_convert_rgb'], g['size']], [[0.1307], [0.3081], false, { height: 8, width: 8 }]);
});

test('statistics that do not fit the channels, or a non-positive std, are refused', () => {
  assert.throws(() => hfPreprocessorConfig(spec, { mean: [0.5, 0.5], std: [0.5, 0.5] }), /mean has 2 values and std 2; expected 1 or 3 \(spec\.image\.channels\)/);
  assert.throws(() => hfPreprocessorConfig(spec, { mean: [0.5], std: [0.5, 0.5, 0.5] }), /mean has 1 values and std 3/);
  assert.throws(() => hfPreprocessorConfig(grey, { mean: [0.5], std: [0] }), /every std must be positive, got \[0\]/);
});

test('config.json sizes follow the spec; the symmetric baseline is only in the ONNX config', () => {
  const wide = { ...spec, encoder: { ...spec.encoder, mlpRatio: 2.5 }, layerNormEps: 1e-5 };
  const c = hfConfig(wide);
  assert.deepEqual([c['intermediate_size'], c['layer_norm_eps']], [20, 1e-5]);
  assert.throws(() => hfConfig({ ...spec, maskTokensInEncoder: true }), /maskTokensInEncoder is true/);
  assert.equal(vitMaeConfig({ ...spec, maskTokensInEncoder: true })['maec_mask_tokens_in_encoder'], true);
  assert.equal('maec_mask_tokens_in_encoder' in vitMaeConfig(spec), false);
});

test('the official constructor spells numbers as Python does', () => {
  const m = officialModel({ ...spec, encoder: { ...spec.encoder, mlpRatio: 2.5 }, decoder: { ...spec.decoder, mlpRatio: 2.5 }, layerNormEps: 1e-5, normPixLoss: false });
  assert.match(m.pretrainConstructor, /mlp_ratio=2\.5, norm_layer=partial\(nn\.LayerNorm, eps=1e-05\), norm_pix_loss=False\)$/);
  assert.match(officialModel({ ...spec, layerNormEps: 0.001 }).finetuneConstructor, /eps=0\.001\), num_classes=NUM_CLASSES, global_pool=True\)$/);
});
