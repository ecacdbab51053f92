import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intFlag, numberFlag, parseDecimal, parseInteger } from '../../cli/numbers.ts';

test('integers are decimal digits with an optional minus', () => {
  assert.deepEqual(['0', '12', '-1', '007'].map(parseInteger), [0, 12, -1, 7]);
});

test('hex, binary, exponents, fractions, Infinity, empty text and whitespace are not integers', () => {
  for (const text of ['0x10', '0b1', '1e3', '1.5', '1.', 'Infinity', '-Infinity', 'NaN', '', ' ', ' 3', '3 ', '+3', '1_000', '3abc', '9007199254740993'])
    assert.equal(parseInteger(text), undefined, JSON.stringify(text));
});

test('decimals take a fraction and an exponent, and nothing else', () => {
  assert.deepEqual(['0.25', '.5', '-0.5', '1e-3', '2E4', '3'].map(parseDecimal), [0.25, 0.5, -0.5, 1e-3, 2e4, 3]);
  for (const text of ['0x10', 'Infinity', '1e999', '', ' ', '\t1', '1,5', 'fast', '.'])
    assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
});

test('an unreadable flag value is named as given, quoted when it holds spaces or is empty', () => {
  assert.equal(intFlag('abc', 'batch', 64, 1), '--batch must be a positive integer, found abc');
  assert.equal(intFlag('0x10', 'seed', 0), '--seed must be an integer, found 0x10');
  assert.equal(intFlag('1e3', 'epochs', 5, 1), '--epochs must be a positive integer, found 1e3');
  assert.equal(intFlag(' 3', 'epochs', 5, 1), '--epochs must be a positive integer, found " 3"');
  assert.equal(intFlag('', 'epochs', 5, 1), '--epochs must be a positive integer, found ""');
  assert.equal(numberFlag('Infinity', 'blr', 0.1), '--blr must be a non-negative number, found Infinity');
});

test('a number below the allowed range is out of range', () => {
  assert.equal(intFlag('-1', 'epochs', 5, 1), '--epochs is out of range: must be a positive integer, found -1');
  assert.equal(intFlag('-1', 'checkpoint-every', 100, 0), '--checkpoint-every is out of range: must be a non-negative integer, found -1');
  assert.equal(numberFlag('-0.5', 'warmup', 1), '--warmup is out of range: must be a non-negative number, found -0.5');
});

test('absent flags give the default; good values their number', () => {
  assert.equal(intFlag(undefined, 'epochs', 5, 1), 5);
  assert.equal(intFlag('-3', 'seed', 0), -3);
  assert.equal(numberFlag('1e-3', 'blr', 0.1), 1e-3);
});
