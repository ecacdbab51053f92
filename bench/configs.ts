/**
 * The models the benchmarks time, by the name their `--config` flags take, and the list the
 * step and peer benchmarks walk (display name and batch with each).
 */
import type { MaeSpec } from '../dsl/index.ts';
import { cifarSmall } from '../models/cifar-small.ts';
import { fashionMnist } from '../models/fashion-mnist.ts';
import { maeVitB16 } from '../models/mae-vit-b16.ts';
import { mnistTiny } from '../models/mnist-tiny.ts';

export const BENCH_SPECS: Readonly<Record<string, MaeSpec>> = Object.freeze({ 'cifar-small': cifarSmall, 'mnist-tiny': mnistTiny, 'fashion-mnist': fashionMnist, 'vit-b16': maeVitB16 });

export interface Config {
  readonly name: string;
  readonly spec: MaeSpec;
  readonly batch: number;
}

/** The step benchmark's models, in its table's order; the peer benchmark times the first two. */
export const BENCH_CONFIGS: readonly Config[] = Object.freeze([
  { name: 'cifar-small (bench config)', spec: cifarSmall, batch: 64 },
  { name: 'mnist-tiny', spec: mnistTiny, batch: 64 },
  { name: 'fashion-mnist', spec: fashionMnist, batch: 64 },
]);
