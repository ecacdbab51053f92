// One test per runtime rule: the code, the path and the exact message of its problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, RULES, resolveMae, resolveVit, validateSpec, type MaeOptions, type MaeSpec, type Problem } from '../../dsl/index.ts';

const encoder = { patch: 16, width: 768, depth: 12, heads: 12 };

function spec(overrides: Partial<Omit<MaeOptions, 'encoder'>> & { encoder?: Partial<typeof encoder & { mlpRatio: number }> } = {}): MaeSpec {
  return resolveMae({ ...overrides, encoder: resolveVit({ ...encoder, ...overrides.encoder }) });
}

function only(code: string, s: MaeSpec): Problem[] {
  return validateSpec(s).filter((p) => p.code === code);
}

test('RULES lists MAE001 to MAE011 once each, frozen, each with a name and description', () => {
  assert.deepEqual(
    RULES.map((r) => r.code),
    ['MAE001', 'MAE002', 'MAE003', 'MAE004', 'MAE005', 'MAE006', 'MAE007', 'MAE008', 'MAE009', 'MAE010', 'MAE011'],
  );
  assert.ok(Object.isFrozen(RULES));
  for (const rule of RULES) assert.ok(rule.name.length > 0 && rule.description.length > 0 && Object.isFrozen(rule));
});

test('the official ViT-B/16 MAE breaks no rule', () => {
  assert.deepEqual(validateSpec(spec()), []);
});

test('MAE001 reports a patch that does not divide the image size', () => {
  assert.deepEqual(only('MAE001', spec({ encoder: { patch: 15 } })), [{ code: 'MAE001', path: 'encoder.patch', message: '15 does not divide image size 224' }]);
  assert.deepEqual(only('MAE001', spec({ encoder: { patch: 14 }, image: { size: 100352 } })), []);
  assert.deepEqual(only('MAE001', spec({ encoder: { patch: 15 }, image: { size: 100352 } })).length, 1);
});

test('MAE002 reports encoder heads that do not divide the width', () => {
  assert.deepEqual(only('MAE002', spec({ encoder: { heads: 5 } })), [{ code: 'MAE002', path: 'encoder.heads', message: '5 does not divide width 768' }]);
});

test('MAE003 reports decoder heads that do not divide the decoder width', () => {
  assert.deepEqual(only('MAE003', spec({ decoder: { width: 100 } })), [{ code: 'MAE003', path: 'decoder.heads', message: '16 does not divide width 100' }]);
});

test('MAE004 reports a mask ratio outside (0, 1), NaN included', () => {
  assert.deepEqual(only('MAE004', spec({ mask: 1 })), [{ code: 'MAE004', path: 'mask.ratio', message: 'must be > 0 and < 1, got 1' }]);
  assert.equal(only('MAE004', spec({ mask: 0 })).length, 1);
  assert.equal(only('MAE004', spec({ mask: Number.NaN })).length, 1);
});

test('MAE005 reports a ratio that leaves no visible patch, with K computed in float64', () => {
  assert.deepEqual(only('MAE005', spec({ mask: 0.999 })), [
    { code: 'MAE005', path: 'mask.ratio', message: '0.999 leaves no visible patch: floor(196 * (1 - 0.999)) = 0' },
  ]);
  // L = 4, r = 0.75: exactly 1 visible patch, and float64 agrees.
  assert.deepEqual(only('MAE005', spec({ image: { size: 32 }, mask: 0.75 })), []);
});

test('MAE006 reports every count or size that is not a positive safe integer', () => {
  const problems = only('MAE006', spec({ encoder: { depth: 0, patch: 1.5 }, image: { channels: -3 } }));
  assert.deepEqual(problems, [
    { code: 'MAE006', path: 'encoder.patch', message: 'must be a positive integer, got 1.5' },
    { code: 'MAE006', path: 'encoder.depth', message: 'must be a positive integer, got 0' },
    { code: 'MAE006', path: 'image.channels', message: 'must be a positive integer, got -3' },
  ]);
  // The divisibility rules stay silent on the broken patch, so it is reported once.
  assert.deepEqual(only('MAE001', spec({ encoder: { patch: 1.5 } })), []);
});

test('MAE007 reports an mlpRatio that is not a positive number', () => {
  assert.deepEqual(only('MAE007', spec({ encoder: { mlpRatio: 0 }, decoder: { mlpRatio: Number.POSITIVE_INFINITY } })), [
    { code: 'MAE007', path: 'encoder.mlpRatio', message: 'must be a positive number, got 0' },
    { code: 'MAE007', path: 'decoder.mlpRatio', message: 'must be a positive number, got Infinity' },
  ]);
});

test('MAE008 reports a layerNormEps that is not positive', () => {
  assert.deepEqual(only('MAE008', spec({ layerNormEps: 0 })), [{ code: 'MAE008', path: 'layerNormEps', message: 'must be positive, got 0' }]);
});

test('validateSpec collects the problems of every rule at once', () => {
  const codes = validateSpec(spec({ encoder: { heads: 5 }, decoder: { heads: 5 }, mask: 1, layerNormEps: -1 })).map((p) => p.code);
  assert.deepEqual(codes, ['MAE002', 'MAE003', 'MAE004', 'MAE008']);
});

test('MAE009 reports an MLP hidden width floor(width * mlpRatio) below 1, above the maximum, or infinite', () => {
  assert.deepEqual(only('MAE009', spec({ encoder: { mlpRatio: 0.001 }, decoder: { mlpRatio: 1e308 } })), [
    { code: 'MAE009', path: 'encoder.mlpRatio', message: 'expected an MLP hidden width floor(width * mlpRatio) from 1 to 65536, got floor(768 * 0.001) = 0' },
    { code: 'MAE009', path: 'decoder.mlpRatio', message: 'expected an MLP hidden width floor(width * mlpRatio) from 1 to 65536, got floor(512 * 1e+308) = Infinity' },
  ]);
  assert.deepEqual(only('MAE009', spec({ encoder: { width: 16384, heads: 16, mlpRatio: 4 } })), []);
  assert.equal(only('MAE009', spec({ encoder: { width: 16384, heads: 16, mlpRatio: 4.001 } })).length, 1);
  // 1 / 768 rounds to a hidden width of exactly 1 in float64: the smallest MLP there is.
  assert.deepEqual(only('MAE009', spec({ encoder: { mlpRatio: 1 / 768 } })), []);
  // A ratio MAE007 rejects, or a width MAE010 rejects, is reported there alone.
  assert.deepEqual(only('MAE009', spec({ encoder: { mlpRatio: 0 }, decoder: { width: 1e6 } })), []);
});

test('MAE010 reports a count or size above its maximum, and leaves broken ones to MAE006', () => {
  assert.deepEqual(only('MAE010', spec({ encoder: { depth: 1e6 }, image: { size: 2048 } })), [
    { code: 'MAE010', path: 'encoder.depth', message: 'must be at most 256, got 1000000' },
    { code: 'MAE010', path: 'image.size', message: 'must be at most 1024, got 2048' },
  ]);
  assert.deepEqual(only('MAE010', spec({ encoder: { width: 16385, heads: 5 }, decoder: { depth: 257, heads: 512 }, image: { channels: 4096 } })).map((p) => p.path), [
    'encoder.width',
    'decoder.depth',
    'decoder.heads',
    'image.channels',
  ]);
  assert.deepEqual(only('MAE010', spec({ encoder: { depth: 0 } })), []);
  const largest = { patch: 16, width: LIMITS.width, depth: LIMITS.depth, heads: LIMITS.heads };
  assert.deepEqual(only('MAE010', spec({ encoder: largest, decoder: { width: LIMITS.width, depth: LIMITS.depth, heads: LIMITS.heads }, image: { size: 1024 } })), []);
});

test('MAE011 reports a tensor of more than 2^31 - 1 elements at the field that sizes it', () => {
  // A patch of 1 on 1024 pixels: 2^20 tokens, and a decoder attention matrix of 16 x (2^20 + 1)^2.
  assert.deepEqual(only('MAE011', spec({ encoder: { patch: 1 }, image: { size: 1024 } })), [
    {
      code: 'MAE011',
      path: 'encoder.patch',
      message: 'expected at most 2147483647 elements in a tensor, got 17592219598864 in decoder_blocks.*.attn.core probabilities (one image) [16, 1048577, 1048577]',
    },
  ]);
  // ViT-B/4 at 1024 is still too many tokens (65536); ViT-B/16 at 1024 (4096) is fine.
  assert.equal(only('MAE011', spec({ encoder: { patch: 4 }, image: { size: 1024 } })).length, 1);
  assert.deepEqual(only('MAE011', spec({ image: { size: 1024 } })), []);
  // A patch as large as a 1024-pixel image with 1024 channels: 2^30 inputs to each of 768 outputs.
  assert.deepEqual(only('MAE011', spec({ encoder: { patch: 1024 }, image: { size: 1024, channels: 1024 }, mask: 0.5 })).map((p) => p.message.replace(/.* in /, '')), [
    'patch_embed.proj.weight [768, 1024, 1024, 1024]',
  ]);
  // Fields other rules reject are left to them.
  assert.deepEqual(only('MAE011', spec({ encoder: { patch: 1 }, image: { size: 2048 } })), []);
});

test('the official presets at 224 and larger images up to 1024 pixels break none of MAE009-MAE011', () => {
  const presets = [
    { patch: 16, width: 768, depth: 12, heads: 12 },
    { patch: 16, width: 1024, depth: 24, heads: 16 },
    { patch: 14, width: 1280, depth: 32, heads: 16 },
  ];
  for (const encoder of presets)
    for (const size of [224, 448, 1024 - (1024 % encoder.patch)])
      assert.deepEqual(validateSpec(spec({ encoder, image: { size } })), [], `${JSON.stringify(encoder)} at ${size}`);
});
