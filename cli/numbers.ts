/**
 * Numbers from the command line, read strictly: plain decimals only, so that a typo is an error
 * naming the text given rather than a NaN, a hex value or Infinity slipping through `Number()`.
 *
 * Accepted: `3`, `-1`, `0.25`, `.5`, and for non-integers an exponent (`1e-3`). Refused: `0x10`,
 * `0b1`, `1e3` where an integer is expected, `Infinity`, `''`, `' 3'`, `3abc`, `1_000`.
 *
 * @example parseInteger('12') // 12;  parseInteger('1e3') // undefined;  parseDecimal('1e-3') // 0.001
 */

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** The integer `text` spells in decimal digits, or undefined (also beyond 2^53 - 1, where integers stop being exact). */
export function parseInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The finite number `text` spells as a decimal (exponent allowed), or undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The text as given, quoted when it would not be visible unquoted (empty, or with spaces). */
export function shownText(text: string): string {
  return text === '' || text.trim() !== text || /\s/.test(text) ? JSON.stringify(text) : text;
}

/**
 * An integer flag: the fallback when absent, else the number, or the message saying what was
 * expected and what was found: an unreadable text is quoted as given, a number below `min` (when
 * given, the smallest value allowed) is said to be out of range.
 *
 * @example intFlag('3', 'epochs', 10, 1) // 3
 * @example intFlag('abc', 'batch', 64, 1) // '--batch must be a positive integer, found abc'
 * @example intFlag('-1', 'epochs', 10, 1) // '--epochs is out of range: must be a positive integer, found -1'
 */
export function intFlag(value: string | undefined, name: string, fallback: number, min?: number): number | string {
  if (value === undefined) return fallback;
  const expected = min === undefined ? 'an integer' : min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  const n = parseInteger(value);
  if (n === undefined) return `--${name} must be ${expected}, found ${shownText(value)}`;
  if (min !== undefined && n < min) return `--${name} is out of range: must be ${expected}, found ${value}`;
  return n;
}

/**
 * A non-negative number flag (decimal, exponent allowed): the fallback when absent, else the
 * number, or the message saying what was expected and what was found.
 *
 * @example numberFlag('1e-3', 'blr', 0.1) // 0.001;  numberFlag('fast', 'blr', 0.1) // '--blr must be a non-negative number, found fast'
 */
export function numberFlag(value: string | undefined, name: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  const n = parseDecimal(value);
  if (n === undefined) return `--${name} must be a non-negative number, found ${shownText(value)}`;
  if (n < 0) return `--${name} is out of range: must be a non-negative number, found ${value}`;
  return n;
}

/** A string that starts like a flag but is a negative number (`-1`, `-0.5`): a value, not a flag. */
export function isNegativeNumber(text: string): boolean {
  return /^-(\d|\.\d)/.test(text);
}
