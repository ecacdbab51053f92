// decodeSpec: untrusted input to a resolved, frozen spec, or every problem with its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSpec, fieldPath, formatProblem, mae, pathKeys, vitB, vitH, vitTiny, type MaeSpec } from '../../dsl/index.ts';

const vitBJson = { patch: 16, width: 768, depth: 12, heads: 12 };

function problems(input: unknown): string[] {
  const result = decodeSpec(input);
  assert.ok(E.isLeft(result), 'expected problems');
  return result.left.map((p) => `${p.code} ${formatProblem(p)}`);
}

test('decoding arbitrary values never throws', () => {
  fc.assert(fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (input) => void decodeSpec(input)), { numRuns: 300 });
  fc.assert(fc.property(fc.jsonValue(), (input) => void decodeSpec(input)), { numRuns: 300 });
});

test('mangled spec-like objects never throw and every problem has a code and a path', () => {
  const field = fc.oneof(fc.jsonValue(), fc.integer(), fc.double());
  const arb = fc.record(
    { encoder: fc.oneof(fc.record({ patch: field, width: field, depth: field, heads: field }, { requiredKeys: [] }), field), mask: field, image: fc.dictionary(fc.string(), field), extra: field },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(arb, (input) => {
      const result = decodeSpec(input);
      if (E.isLeft(result)) for (const p of result.left) assert.match(p.code, /^MAE0\d\d$/);
    }),
    { numRuns: 300 },
  );
});

test('a resolved spec round-trips through JSON deeply equal, and decodes frozen', () => {
  const specs: MaeSpec[] = [
    mae({ encoder: vitB }),
    mae({ encoder: vitH, decoder: { depth: 1, width: 256 }, mask: { ratio: 0.5, strategy: 'block' }, normPixLoss: false }),
    mae({ encoder: vitTiny, image: { size: 32, channels: 1 }, layerNormEps: 1e-5, maskTokensInEncoder: true }),
    mae({ encoder: vitTiny, augment: 'crop+jitter' }),
  ];
  for (const spec of specs) {
    const result = decodeSpec(JSON.parse(JSON.stringify(spec)));
    assert.ok(E.isRight(result));
    assert.deepEqual(result.right, spec);
    assert.ok(Object.isFrozen(result.right) && Object.isFrozen(result.right.encoder) && Object.isFrozen(result.right.mask));
  }
});

test('minimal JSON gets every default filled', () => {
  const result = decodeSpec({ encoder: vitBJson, mask: 0.6 });
  assert.ok(E.isRight(result));
  assert.deepEqual(result.right, mae({ encoder: vitB, mask: { ratio: 0.6, strategy: 'random' } }));
});

test('structural problems name the field: missing, wrong type, unknown strategy, unknown field', () => {
  assert.deepEqual(problems({ encoder: { patch: 16, width: 768, depth: 12 }, mask: { ratio: 0.5, strategy: 'checkerboard' }, decoder: { depht: 2 }, image: '224' }), [
    'MAE000 encoder.heads: missing field',
    'MAE000 decoder.depht: unknown field (expected one of width, depth, heads, mlpRatio)',
    'MAE000 mask.strategy: expected "random" | "block" | "grid", got "checkerboard"',
    'MAE000 image: expected an image { size?, channels? }, got "224"',
  ]);
  assert.deepEqual(problems(null), ['MAE000 expected an MAE spec { encoder, decoder?, mask?, image?, ... }, got null']);
  assert.deepEqual(problems({ encoder: vitBJson, normPixLoss: 'yes' }), ['MAE000 normPixLoss: expected boolean, got "yes"']);
});

test('rule problems come with the structural ones, all at once', () => {
  assert.deepEqual(problems({ encoder: { ...vitBJson, heads: 5 }, mask: 1.5, image: { size: 224, color: true } }), [
    'MAE000 image.color: unknown field (expected one of size, channels)',
    'MAE002 encoder.heads: 5 does not divide width 768',
    'MAE004 mask.ratio: must be > 0 and < 1, got 1.5',
  ]);
});

test('a broken field is reported once, and rules that need it stay silent', () => {
  assert.deepEqual(problems({ encoder: { ...vitBJson, patch: '16' }, image: { size: 225 } }), ['MAE000 encoder.patch: expected number, got "16"']);
});

test('every invalid numeric field of a random spec is reported at its path', () => {
  const fields = ['encoder.patch', 'encoder.width', 'encoder.depth', 'encoder.heads', 'decoder.width', 'decoder.depth', 'decoder.heads', 'image.size', 'image.channels'] as const;
  fc.assert(
    fc.property(fc.subarray([...fields], { minLength: 1 }), fc.constantFrom(0, -1, 2.5, 'x', null), (broken, bad) => {
      const input: Record<string, Record<string, unknown>> = { encoder: { ...vitBJson }, decoder: {}, image: {} };
      for (const path of broken) {
        const [part, key] = path.split('.') as [string, string];
        input[part]![key] = bad;
      }
      const result = decodeSpec(input);
      assert.ok(E.isLeft(result));
      const paths = result.left.map((p) => p.path);
      for (const path of broken) assert.ok(paths.includes(path), `${path} not reported in ${JSON.stringify(result.left)}`);
    }),
    { numRuns: 100 },
  );
});

test('the augmentation decodes, and JSON without it (older specs and checkpoints) gets the recipe, crop', () => {
  for (const augment of ['none', 'crop-fixed', 'crop', 'crop+jitter'] as const) {
    const result = decodeSpec({ encoder: vitBJson, augment });
    assert.ok(E.isRight(result));
    assert.equal(result.right.augment, augment);
  }
  const old = decodeSpec(JSON.parse(JSON.stringify({ ...mae({ encoder: vitB }), augment: undefined })));
  assert.ok(E.isRight(old));
  assert.equal(old.right.augment, 'crop');
  assert.deepEqual(old.right, mae({ encoder: vitB }));
});

test('a bad augmentation is a structural problem at its path, reported with the other problems', () => {
  assert.deepEqual(problems({ encoder: vitBJson, augment: 'jitter' }), ['MAE000 augment: expected "none" | "crop-fixed" | "crop" | "crop+jitter", got "jitter"']);
  assert.deepEqual(problems({ encoder: vitBJson, augment: true }), ['MAE000 augment: expected "none" | "crop-fixed" | "crop" | "crop+jitter", got true']);
  assert.deepEqual(problems({ encoder: { ...vitBJson, heads: 5 }, augment: 'pretrain' }), [
    'MAE000 augment: expected "none" | "crop-fixed" | "crop" | "crop+jitter", got "pretrain"',
    'MAE002 encoder.heads: 5 does not divide width 768',
  ]);
});

test('an empty key is one problem that names its place, and no other field reads as broken', () => {
  assert.deepEqual(problems({ encoder: vitBJson, '': 1 }), [
    'MAE000 [""]: unknown field (expected one of encoder, kind, decoder, mask, image, normPixLoss, layerNormEps, maskTokensInEncoder, augment)',
  ]);
  assert.deepEqual(problems({ encoder: { ...vitBJson, '': 1 } }), ['MAE000 encoder[""]: unknown field (expected one of patch, width, depth, heads, kind, mlpRatio)']);
  assert.deepEqual(problems({ encoder: vitBJson, image: { 'size.x': 2 } }), ['MAE000 image["size.x"]: unknown field (expected one of size, channels)']);
});

test('field paths quote keys that are not plain names, and read back to the same keys', () => {
  assert.equal(fieldPath(['encoder', 'heads']), 'encoder.heads');
  assert.equal(fieldPath(['']), '[""]');
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom('encoder', 'heads', '', '.', 'a.b', '"', '[', '0'), fc.string())), (keys) => {
      assert.deepEqual(pathKeys(fieldPath(keys)), keys);
    }),
    { numRuns: 500 },
  );
});
