/**
 * What one of maec's wasm op implementations buys in a whole training step: the bench
 * harness's step (bench/harness.ts) with the op from the stock set (runtime/tfjs/ops/impls.ts,
 * STOCK_OPS) against the same step with the wasm kernels' version (WASM_KERNEL_OPS), every other
 * op the kernels' in both. One process, the two lowerings alternating pair by pair (the order
 * flipping every pair), so that load from other processes hits both alike; medians.
 *
 *   taskset -c 0 npx tsx bench/ab-op.ts --op gatherTokens [--rounds 12] [--config cifar-small,mnist-tiny]
 */
import { buildGraph } from '../compiler/build/mae.ts';
import { STOCK_OPS, WASM_KERNEL_OPS, type OpImpls } from '../runtime/tfjs/ops/impls.ts';
import { openTarget, type Target } from '../runtime/tfjs/target.ts';
import { BENCH_SPECS } from './configs.ts';
import { trainingHarness } from './harness.ts';

type OpName = Exclude<keyof OpImpls, 'name' | 'linearGelu'>;
const OPS: readonly OpName[] = ['gelu', 'layerNorm', 'attention', 'gatherTokens', 'linear', 'adamw'];

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? '') : fallback;
}

function fail(message: string): never {
  process.stderr.write(`bench/ab-op: ${message}\n`);
  process.exit(2);
}

const op = flag('--op', '');
if (!(OPS as readonly string[]).includes(op)) fail(`--op must be one of ${OPS.join(', ')}, got "${op}"`);
const rounds = Number(flag('--rounds', '12'));
if (!Number.isInteger(rounds) || rounds < 2) fail(`--rounds must be an integer >= 2, got ${flag('--rounds', '')}`);
const configs = flag('--config', 'cifar-small,mnist-tiny').split(',');
for (const c of configs) if (BENCH_SPECS[c] === undefined) fail(`--config: unknown config "${c}"; known: ${Object.keys(BENCH_SPECS).join(', ')}`);

const target = await openTarget('wasm');
if (target.ops !== WASM_KERNEL_OPS) fail(`expected maec's wasm kernels installed, found ${target.kernels}`);
const withStock: Target = { ...target, ops: { ...WASM_KERNEL_OPS, [op]: STOCK_OPS[op as OpName] } };
const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const batch = 64;

console.log(`${op}: stock (STOCK_OPS) against maec's kernels (WASM_KERNEL_OPS), batch ${batch}, ${rounds} alternating pairs of 2 timed steps; ${target.kernels}`);
for (const name of configs) {
  const harness = trainingHarness(buildGraph(BENCH_SPECS[name]!, 'pretrain'), target, batch);
  const times = { stock: [] as number[], kernels: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order: ['stock' | 'kernels', Target][] = [['stock', withStock], ['kernels', target]];
    for (const [which, t] of r % 2 === 0 ? order : [...order].reverse()) {
      harness.relower(t);
      harness.step(); // after a relowering the first step is not timed
      const t0 = performance.now();
      harness.step();
      harness.step();
      times[which].push((performance.now() - t0) / 2);
    }
  }
  harness.dispose();
  const s = median(times.stock);
  const k = median(times.kernels);
  console.log(`${name}: stock ${s.toFixed(1)} ms, kernels ${k.toFixed(1)} ms per step, ${(s / k).toFixed(3)}x`);
}
