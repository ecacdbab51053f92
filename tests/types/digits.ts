// Compile-time tests of the digit-string arithmetic behind the shape checks.
import type { Add, Compare, DivMod, Mul, Sub } from '../../dsl/typelevel/digits.ts';

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

export type Cases = [
  Expect<Equal<Add<'999', '1'>, '1000'>>,
  Expect<Equal<Add<'123456789', '987654321'>, '1111111110'>>,
  Expect<Equal<Sub<'1000', '1'>, '999'>>,
  Expect<Equal<Sub<'52', '52'>, '0'>>,
  Expect<Equal<Mul<'196', '25'>, '4900'>>,
  Expect<Equal<Mul<'999999', '999999'>, '999998000001'>>,
  Expect<Equal<DivMod<'100352', '14'>, ['7168', '0']>>,
  Expect<Equal<DivMod<'100352', '15'>, ['6690', '2']>>,
  Expect<Equal<DivMod<'7', '16'>, ['0', '7']>>,
  Expect<Equal<DivMod<'9007199254740991', '3'>, ['3002399751580330', '1']>>,
  Expect<Equal<Compare<'12', '9'>, 'gt'>>,
  Expect<Equal<Compare<'12', '13'>, 'lt'>>,
  Expect<Equal<Compare<'13', '13'>, 'eq'>>,
  // @ts-expect-error a wrong sum is caught
  Expect<Equal<Add<'2', '2'>, '5'>>,
];
