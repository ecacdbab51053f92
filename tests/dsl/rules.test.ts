// One test per runtime rule: the code, the path and the exact message of its problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES, resolveMae, resolveVit, validateSpec, type MaeOptions, type MaeSpec, type Problem } from '../../dsl/index.ts';

const encoder = { patch: 16, width: 768, depth: 12, heads: 12 };

function spec(overrides: Partial<Omit<MaeOptions, 'encoder'>> & { encoder?: Partial<typeof encoder & { mlpRatio: number }> } = {}): MaeSpec {
  return resolveMae({ ...overrides, encoder: resolveVit({ ...encoder, ...overrides.encoder }) });
}

function only(code: string, s: MaeSpec): Problem[] {
  return validateSpec(s).filter((p) => p.code === code);
}

test('RULES lists MAE001 to MAE008 once each, frozen, each with a name and description', () => {
  assert.deepEqual(
    RULES.map((r) => r.code),
    ['MAE001', 'MAE002', 'MAE003', 'MAE004', 'MAE005', 'MAE006', 'MAE007', 'MAE008'],
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
