// The exact text the compiler and editor show for a bad literal spec (the wording is pinned here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typecheck } from './typecheck.ts';

const header = "import { mae, vit, vitB, vitL, vitH, variant } from '../../dsl/index.ts';\n";

function messages(body: string): string[] {
  return typecheck(header + body).map((d) => `${d.line - 1}: ${d.message}`);
}

test('a sound literal spec type-checks without a diagnostic', () => {
  assert.deepEqual(messages('export const s = mae({ encoder: vitL, decoder: { depth: 8 }, mask: 0.75 });'), []);
});

test('an image size the patch does not divide is reported at the size literal', () => {
  assert.deepEqual(messages('export const s = mae({ encoder: vitB, image: { size: 225 } });'), [
    `1: Type 'number' is not assignable to type '"patch 16 does not divide image size 225"'.`,
  ]);
});

test('a patch that does not divide the default size 224 is reported at the patch literal', () => {
  assert.deepEqual(messages('export const s = mae({ encoder: { kind: "vit", patch: 15, width: 64, depth: 1, heads: 4, mlpRatio: 4 } });'), [
    `1: Type 'number' is not assignable to type '"patch 15 does not divide image size 224"'.`,
  ]);
});

test('six-digit sizes are divided exactly: 100352 / 14 passes, 100352 / 15 fails', () => {
  const spec = (p: number) => `mae({ encoder: vit({ patch: ${p}, width: 64, depth: 1, heads: 4 }), image: { size: 100352 } })`;
  assert.deepEqual(messages(`export const a = ${spec(14)};\nexport const b = ${spec(15)};`), [
    `2: Type 'number' is not assignable to type '"patch 15 does not divide image size 100352"'.`,
  ]);
});

test('vit() reports heads that do not divide the width at the heads literal', () => {
  assert.deepEqual(messages('export const e = vit({ patch: 16, width: 768, depth: 12, heads: 5 });'), [
    `1: Type 'number' is not assignable to type '"heads 5 does not divide width 768"'.`,
  ]);
});

test('decoder heads are checked against the default decoder width 512', () => {
  assert.deepEqual(messages('export const s = mae({ encoder: vitH, decoder: { heads: 5 } });'), [
    `1: Type 'number' is not assignable to type '"decoder heads 5 does not divide decoder width 512"'.`,
  ]);
});

test('a mask ratio out of range and one that leaves no visible patch are named', () => {
  assert.deepEqual(messages('export const a = mae({ encoder: vitB, mask: 1 });\nexport const b = mae({ encoder: vitB, mask: { ratio: 0.999 } });'), [
    `1: Type 'number' is not assignable to type '"mask ratio must be > 0 and < 1, got 1"'.`,
    `2: Type 'number' is not assignable to type '"mask ratio 0.999 leaves no visible patch: floor(196 * (1 - 0.999)) = 0"'.`,
  ]);
});

test('every bad field of one spec is reported at once', () => {
  const body = 'export const s = mae({ encoder: { kind: "vit", patch: 16, width: 64, depth: 0, heads: 4, mlpRatio: -1 }, layerNormEps: 0 });';
  assert.deepEqual(messages(body), [
    `1: Type 'number' is not assignable to type '"depth must be a positive integer, got 0"'.`,
    `1: Type 'number' is not assignable to type '"mlpRatio must be a positive number, got -1"'.`,
    `1: Type 'number' is not assignable to type '"layerNormEps must be positive, got 0"'.`,
  ]);
});

test('plain number values step aside for the runtime rules', () => {
  assert.deepEqual(messages('declare const n: number;\nexport const s = mae({ encoder: vitB, image: { size: n }, mask: n });'), []);
});

test('a variant override that contradicts another override is reported', () => {
  const body = 'declare const base: import("../../dsl/index.ts").MaeSpec;\nexport const v = variant(base, { decoder: { width: 500, heads: 16 } });';
  assert.deepEqual(messages(body), [`2: Type 'number' is not assignable to type '"decoder heads 16 does not divide decoder width 500"'.`]);
});
