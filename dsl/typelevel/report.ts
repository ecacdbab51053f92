import type { ShapeError } from './checks.ts';

/**
 * Puts shape errors where the editor shows them: each error's message replaces the type of the
 * first of its candidate properties that the user actually wrote, so the literal there fails
 * with `Type '15' is not assignable to type '"patch 15 does not divide image size 224"'`.
 *
 * Example: `Report<{ image: { size: 225 } }, [['image.size'], 'bad']>` is
 * `{ image: { size: 'bad' } }`.
 */
export type Report<O, E extends ShapeError, Strip extends string = ''> = Place<O, Placed<O, E, Strip>>;

/** Whether O has a property at the dotted path P. */
type Has<O, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof O
    ? Has<O[H], R>
    : false
  : P extends keyof O
    ? true
    : false;

/** The first candidate present in O, with Strip removed from its front (for vit(), `encoder.`). */
type Locate<O, At extends string[], Strip extends string> = At extends [infer H extends string, ...infer R extends string[]]
  ? (H extends `${Strip}${infer P}` ? P : H) extends infer P extends string
    ? Has<O, P> extends true
      ? P
      : Locate<O, R, Strip>
    : never
  : never;

/** [path, message] pairs; an error with nowhere to go (all its fields come from a base) is dropped. */
type Placed<O, E extends ShapeError, Strip extends string> = E extends [infer At extends string[], infer M extends string]
  ? Locate<O, At, Strip> extends infer P extends string
    ? [P] extends [never]
      ? never
      : [P, M]
    : never
  : never;

type Place<O, E extends [string, string]> = [E] extends [never]
  ? O
  : NoInfer<{ readonly [K in keyof O]: K extends string ? Replace<O[K], K, E> : O[K] }>;

type Replace<T, K extends string, E extends [string, string]> = [Extract<E, [K, string]>] extends [never]
  ? Place<T, Inner<E, K>>
  : Extract<E, [K, string]>[1];

type Inner<E extends [string, string], K extends string> = E extends [`${K}.${infer R}`, infer M extends string] ? [R, M] : never;
