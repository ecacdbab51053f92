/**
 * The relaxed-SIMD kernel build (fused multiply-add) against the plain one on whole training
 * steps and on the 2-D matmul, in ONE process, alternating build by build so that load from
 * other processes hits both alike. Reports medians of wall time and of this process's CPU time
 * (user + system), which moves less when other processes share the core.
 *
 *   taskset -c 0 npx tsx bench/simd-step.ts [--rounds N]     (default 5 rounds)
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpus, loadavg } from 'node:os';
import { openTarget, type Target } from '../runtime/tfjs/target.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { cifarSmall } from '../models/cifar-small.ts';
import { mnistTiny } from '../models/mnist-tiny.ts';
import { trainingHarness } from './harness.ts';

type Build = 'plain' | 'relaxed';
const BUILDS: readonly Build[] = ['plain', 'relaxed'];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Wall and CPU milliseconds of `f`. */
function timed(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function targetFor(simd: Build): Promise<Target> {
  const target = await openTarget('wasm', { kernels: { env: {}, simd } });
  if (target.installed.length === 0) throw new Error(`maec kernels (${simd}) unavailable: ${target.kernels}`);
  return target;
}

const args = process.argv.slice(2);
const roundsArg = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
if (!Number.isInteger(roundsArg) || roundsArg < 1) {
  console.error(`bench/simd-step.ts: --rounds must be a positive integer, got "${args[args.indexOf('--rounds') + 1]}"`);
  process.exit(2);
}
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(2)}; ${roundsArg} rounds, medians`);

await targetFor('plain');
const a = tf.randomUniform([4096, 192]);
const b = tf.randomUniform([192, 768]);
const matmul = (): void => {
  const c = tf.matMul(a, b);
  const corner = tf.slice(c, [0, 0], [1, 1]);
  corner.dataSync();
  tf.dispose([c, corner]);
};
const mm: Record<Build, { wall: number[]; cpu: number[] }> = { plain: { wall: [], cpu: [] }, relaxed: { wall: [], cpu: [] } };
for (let r = 0; r <= roundsArg; r++) {
  for (const simd of BUILDS) {
    await targetFor(simd);
    const t = timed(() => { for (let i = 0; i < 4; i++) matmul(); });
    if (r > 0) { mm[simd].wall.push(t.wall / 4); mm[simd].cpu.push(t.cpu / 4); }
  }
}
const flops = 2 * 4096 * 192 * 768;
for (const simd of BUILDS) console.log(`matmul [4096,192]x[192,768] ${simd}: ${(flops / (median(mm[simd].wall) * 1e6)).toFixed(1)} GFLOP/s wall, ${(flops / (median(mm[simd].cpu) * 1e6)).toFixed(1)} GFLOP/s CPU time`);
tf.dispose([a, b]);

for (const [name, spec] of [['cifar-small', cifarSmall], ['mnist-tiny', mnistTiny]] as const) {
  const harness = trainingHarness(buildGraph(spec, 'pretrain'), await targetFor('plain'), 64);
  const times: Record<Build, { wall: number[]; cpu: number[] }> = { plain: { wall: [], cpu: [] }, relaxed: { wall: [], cpu: [] } };
  for (let r = 0; r <= roundsArg; r++) {
    for (const simd of BUILDS) {
      harness.relower(await targetFor(simd));
      const t = timed(harness.step);
      if (r > 0) { times[simd].wall.push(t.wall); times[simd].cpu.push(t.cpu); }
    }
  }
  harness.dispose();
  const [pw, rw, pc, rc] = [median(times.plain.wall), median(times.relaxed.wall), median(times.plain.cpu), median(times.relaxed.cpu)];
  console.log(`${name} batch 64 step: plain ${pw.toFixed(0)} ms wall / ${pc.toFixed(0)} ms CPU, relaxed ${rw.toFixed(0)} ms wall / ${rc.toFixed(0)} ms CPU: relaxed is ${(pw / rw).toFixed(2)}x (wall), ${(pc / rc).toFixed(2)}x (CPU time)`);
}
