import * as E from 'fp-ts/lib/Either.js';
import { maeCodec, type MaeJson } from './decode/codecs.ts';
import { isRecord } from './decode/describe.ts';
import { structuralProblems } from './decode/problems.ts';
import { salvage } from './decode/salvage.ts';
import { resolveMae } from './mae.ts';
import type { Problem } from './problem.ts';
import type { MaeSpec } from './spec.ts';
import { validateSpec } from './validate.ts';
import { resolveVit } from './vit.ts';

/**
 * Turns untrusted input (parsed JSON from a config file or CLI flags, or a value exported by a
 * model module) into a resolved, frozen spec with every default filled, or returns every
 * problem at once: structural ones (MAE000: missing field, wrong type, unknown strategy,
 * unknown field) and the rule violations (MAE001-MAE008) of whatever did decode, each with its
 * field path. Never throws.
 *
 * Example: `decodeSpec({ encoder: { patch: 16, width: 768, depth: 12, heads: 5 } })` is
 * `left([{ code: 'MAE002', path: 'encoder.heads', message: '5 does not divide width 768' }])`.
 */
export function decodeSpec(input: unknown): E.Either<readonly Problem[], MaeSpec> {
  const decoded = maeCodec.decode(input);
  if (E.isRight(decoded)) {
    const spec = fromJson(decoded.right);
    const problems = validateSpec(spec);
    return problems.length > 0 ? E.left(problems) : E.right(spec);
  }
  const structural = structuralProblems(decoded.left);
  if (!isRecord(input)) return E.left(Object.freeze(structural));
  const broken = structural.map((p) => p.path);
  const isBroken = (path: string): boolean => broken.some((b) => b === path || path.startsWith(`${b}.`));
  const rest = validateSpec(resolveMae(salvage(input, broken))).filter((p) => !isBroken(p.path));
  return E.left(Object.freeze([...structural, ...rest]));
}

function fromJson(json: MaeJson): MaeSpec {
  const { kind: _kind, encoder, ...rest } = json;
  return resolveMae({ ...rest, encoder: resolveVit(encoder) });
}
