/**
 * Thread scaling of a pretraining step on CPU: the runtime's own step (runtime/train/step.ts)
 * with 1, 2, ... training threads (runtime/parallel), alternating thread counts over rounds so
 * that load changes hit every count alike. Writes a markdown table (with the command, the
 * machine's cores and load average) to --out, default bench/threads.md.
 *
 *   npx tsx bench/threads.ts --config cifar-small --batch 64 --threads 1,2 --steps 4 --rounds 3
 */
import { BENCH_SPECS } from './configs.ts';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { countFlops } from '../compiler/analysis/index.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { describeTarget, openTarget } from '../runtime/tfjs/target.ts';
import { timeRuntimeStep } from './runtime-step.ts';

const CONFIGS = BENCH_SPECS;

const { values: a } = parseArgs({
  options: {
    config: { type: 'string', default: 'cifar-small' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: `1,${availableParallelism()}` },
    steps: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/threads.md' },
  },
});
const spec = CONFIGS[a.config!] ?? fail(`unknown --config ${a.config}: expected ${Object.keys(CONFIGS).join(', ')}`);
const batch = Number(a.batch);
const counts = a.threads!.split(',').map(Number);
const steps = Number(a.steps);
const rounds = Number(a.rounds);
if (![batch, steps, rounds, ...counts].every((n) => Number.isInteger(n) && n > 0)) fail('--batch, --threads, --steps and --rounds take positive integers');

const target = await openTarget('wasm');
const graph = buildGraph(spec);
const gflopPerStep = (countFlops(graph).step.total * batch) / 1e9;

const time = async (threads: number): Promise<number> => (await timeRuntimeStep(graph, target, batch, threads, steps)) / 1000;

const results = new Map<number, number[]>(counts.map((n) => [n, []]));
const load0 = loadavg()[0]!;
for (let r = 0; r < rounds; r++) {
  for (const n of counts) {
    const s = await time(n);
    results.get(n)!.push(s);
    console.log(`round ${r + 1}/${rounds}: ${n} thread(s) ${(batch / s).toFixed(1)} img/s (${(s * 1000).toFixed(0)} ms/step)`);
  }
}
const best = (n: number) => Math.min(...results.get(n)!);
const base = best(counts[0]!);
const command = `npx tsx bench/threads.ts --config ${a.config} --batch ${batch} --threads ${counts.join(',')} --steps ${steps} --rounds ${rounds}`;
const lines = [
  `# Training threads: ${a.config}, batch ${batch}`,
  '',
  `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}).`,
  `Machine: ${availableParallelism()} logical cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${load0.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end; ${describeTarget(target)}.`,
  `Each figure is the best over ${rounds} rounds of the median of ${steps} steps (one warm-up step first); thread counts alternate within every round. ${gflopPerStep.toFixed(1)} GFLOP per step.`,
  '',
  '| threads | img/s | ms/step | GFLOP/s | speedup vs ' + counts[0] + ' | every round (ms/step) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...counts.map((n) => `| ${n} | ${(batch / best(n)).toFixed(1)} | ${(best(n) * 1000).toFixed(0)} | ${(gflopPerStep / best(n)).toFixed(1)} | ${(base / best(n)).toFixed(2)}x | ${results.get(n)!.map((s) => (s * 1000).toFixed(0)).join(', ')} |`),
  '',
];
writeFileSync(a.out!, lines.join('\n'));
console.log(lines.join('\n'));

function fail(message: string): never {
  console.error(`bench/threads.ts: ${message}`);
  process.exit(2);
}
