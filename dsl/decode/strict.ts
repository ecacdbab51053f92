import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, hasOwn, isRecord } from './describe.ts';

type Out<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> };

/**
 * An io-ts codec for an object with required and optional fields that, unlike `t.exact`,
 * reports unknown fields instead of dropping them, and reports every bad field at once, each
 * at its own path. Problems: `missing field`, `unknown field (expected one of ...)`.
 *
 * Example: `strictObject('image', {}, { size: t.number }).decode({ size: 1, sise: 2 })` fails
 * at `sise` with `unknown field (expected one of size)`.
 */
export function strictObject<R extends t.Props, O extends t.Props>(name: string, required: R, optional: O): t.Type<Out<R, O>, Out<R, O>, unknown> {
  const known = [...Object.keys(required), ...Object.keys(optional)];
  const validate = (input: unknown, context: t.Context): t.Validation<Out<R, O>> => {
    if (!isRecord(input)) return t.failure(input, context, `expected ${name}, got ${describe(input)}`);
    const errors: t.ValidationError[] = [];
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      if (!known.includes(key)) {
        errors.push(errorAt(input[key], context, key, t.unknown, `unknown field (expected one of ${known.join(', ')})`));
      }
    }
    const field = (key: string, codec: t.Mixed, isRequired: boolean): void => {
      const value = hasOwn(input, key) ? input[key] : undefined;
      if (value === undefined) {
        if (isRequired) errors.push(errorAt(undefined, context, key, codec, 'missing field'));
        return;
      }
      const result = codec.validate(value, t.appendContext(context, key, codec, value));
      if (E.isLeft(result)) errors.push(...result.left);
      else out[key] = result.right;
    };
    for (const [key, codec] of Object.entries(required)) field(key, codec, true);
    for (const [key, codec] of Object.entries(optional)) field(key, codec, false);
    return errors.length > 0 ? t.failures(errors) : t.success(out as Out<R, O>);
  };
  return new t.Type<Out<R, O>, Out<R, O>, unknown>(name, (u): u is Out<R, O> => E.isRight(validate(u, [])), validate, t.identity);
}

function errorAt(value: unknown, context: t.Context, key: string, codec: t.Decoder<unknown, unknown>, message: string): t.ValidationError {
  return { value, context: t.appendContext(context, key, codec, value), message };
}
