// The type level and the runtime rules agree: a random literal spec is rejected by the compiler
// exactly when validateSpec rejects it, except in the documented float64 zone (MAE005 where
// L * (1 - r) is exactly 1, or where L * 10^n has more than 15 digits), where the type level
// steps aside and only the runtime decides; and except the runnability rules MAE009-MAE011
// (MLP hidden width, field maxima, tensor sizes), which have no type-level twin: only the runtime
// applies them, so a literal spec that breaks them alone type-checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generated, inFloatZone, runtimeProblems, source, type Generated } from './arbitrary-spec.ts';
import { typecheck } from './typecheck.ts';

/** Rules the type level leaves to the runtime. */
const RUNTIME_ONLY = new Set(['MAE009', 'MAE010', 'MAE011']);

function verdicts(specs: readonly Generated[]): { typeRejects: boolean[]; ms: number } {
  const lines = ["import { mae, vit } from '../../dsl/index.ts';", ...specs.map((g, i) => `export const s${i} = ${source(g)};`)];
  const start = performance.now();
  const diagnostics = typecheck(lines.join('\n'));
  const ms = performance.now() - start;
  const typeRejects = specs.map((_, i) => diagnostics.some((d) => d.line === i + 2));
  return { typeRejects, ms };
}

test('type-level verdicts match validateSpec on random literal specs', () => {
  fc.assert(
    fc.property(fc.array(generated, { minLength: 50, maxLength: 50 }), (specs) => {
      const { typeRejects } = verdicts(specs);
      specs.forEach((g, i) => {
        const problems = runtimeProblems(g);
        const detail = `${source(g)}\nruntime: ${JSON.stringify(problems)}`;
        if (typeRejects[i]) assert.ok(problems.length > 0, `type level rejects a spec the runtime accepts:\n${detail}`);
        else {
          const judged = problems.filter((p) => !RUNTIME_ONLY.has(p.code));
          if (judged.length > 0) {
            const onlyVisible = judged.every((p) => p.code === 'MAE005');
            assert.ok(onlyVisible && inFloatZone(g), `type level accepts a spec the runtime rejects:\n${detail}`);
          }
        }
      });
    }),
    { numRuns: 2, seed: 20240602 },
  );
});

test('a file of 100 literal specs type-checks in a few seconds', (t) => {
  const specs = fc.sample(generated, { numRuns: 100, seed: 7 });
  verdicts(specs.slice(0, 1)); // warm the shared project (lib files, dsl sources)
  const { ms } = verdicts(specs);
  t.diagnostic(`100 specs type-checked in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 20000, `took ${ms} ms`);
});
