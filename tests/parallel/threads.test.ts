import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../compiler/build/mae.ts';
import { cifarSmall } from '../../models/cifar-small.ts';
import { mnistTiny } from '../../models/mnist-tiny.ts';
import { checkThreads, coresForThreads, defaultThreads, MAX_DEFAULT_THREADS, shareCores } from '../../runtime/parallel/threads.ts';
import { tinySpec } from '../train/helpers.ts';

test('the default is the cores for a model whose micro-batch is enough work, capped at MAX_DEFAULT_THREADS', () => {
  const graph = buildGraph(cifarSmall);
  assert.equal(defaultThreads(graph, 64, 'wasm', 4).threads, 4);
  assert.match(defaultThreads(graph, 64, 'wasm', 4).reason, /4 cores/);
  assert.equal(defaultThreads(graph, 256, 'wasm', 64).threads, MAX_DEFAULT_THREADS);
  // 28.8 GFLOP at batch 64: seven shards of at least 4 GFLOP on a machine of 64 cores
  assert.equal(defaultThreads(graph, 64, 'wasm', 64).threads, 7);
  assert.match(defaultThreads(graph, 64, 'wasm', 64).reason, /GFLOP per micro-batch, at least 4 a thread/);
});

test('mnist-tiny at batch 64 and 128 trains on one thread by default: a second measured 0.95-1.14x', () => {
  const graph = buildGraph(mnistTiny);
  for (const batch of [64, 128]) assert.equal(defaultThreads(graph, batch, 'wasm', 8).threads, 1, `batch ${batch}`);
});

test('a micro-batch too small to pay for a second thread trains on one', () => {
  const choice = defaultThreads(buildGraph(tinySpec()), 32, 'wasm', 8);
  assert.equal(choice.threads, 1);
  assert.match(choice.reason, /GFLOP per micro-batch/);
});

test('webgpu and tensorflow take one maec thread by default and refuse more', () => {
  const graph = buildGraph(cifarSmall);
  for (const backend of ['webgpu', 'tensorflow'] as const) {
    assert.equal(defaultThreads(graph, 64, backend, 8).threads, 1);
    assert.match(checkThreads(2, backend) ?? '', /needs the wasm or cpu backend/);
    assert.equal(checkThreads(1, backend), undefined);
  }
  assert.match(checkThreads(0, 'wasm') ?? '', /--threads must be an integer from 1/);
});

test('MAEC_THREAD_CORES bounds the cores a default may fill; anything but a positive integer is ignored', () => {
  assert.equal(coresForThreads({ MAEC_THREAD_CORES: '3' }), 3);
  for (const bad of ['0', '-1', 'two', '1.5', ''])
    assert.equal(coresForThreads({ MAEC_THREAD_CORES: bad }), coresForThreads({}), bad);
});

test('stages run side by side share the cores: each gets its floor share, at least one, and a user setting stands', () => {
  const env: NodeJS.ProcessEnv = { MAEC_THREAD_CORES: undefined };
  delete env['MAEC_THREAD_CORES'];
  const all = coresForThreads(env);
  assert.equal(shareCores(2, env), Math.max(1, Math.floor(all / 2)));
  assert.equal(env['MAEC_THREAD_CORES'], String(Math.max(1, Math.floor(all / 2))));
  assert.equal(shareCores(4, { MAEC_THREAD_CORES: '6' }), 6);
  assert.equal(shareCores(1000, {}), 1);
});
