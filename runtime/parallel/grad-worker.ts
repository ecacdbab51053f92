/**
 * One training thread of a GradientPool: its own tfjs backend (wasm with maec's kernels, as on
 * the main thread) and the same lowered program. For each request it computes the loss and the
 * gradients of its shard with the parameters the pool last published, writes the gradients into
 * its shared buffer and replies with the loss.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { lower, type ProgramInputs } from '../tfjs/program.ts';
import { copyInto } from '../tfjs/read.ts';
import { describeTarget, openTarget } from '../tfjs/target.ts';
import { layoutOf, viewOf, type RunRequest, type WorkerInit, type WorkerReply, type WorkerRequest } from './protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);

try {
  const target = await openTarget(init.backend, { kernels: init.kernels });
  const program = lower(init.graph, target);
  const paramLayout = layoutOf(init.graph.params.map((p) => [p.name, p.shape]));
  const gradLayout = layoutOf(init.wrt.map((name) => [name, init.graph.params.find((p) => p.name === name)!.shape]));
  let params = new Map<string, tf.Tensor>();
  let version = -1;

  // The pool overwrites the shared buffer for the next step. tfjs-wasm copies a tensor's values
  // into its heap when it makes the tensor; cpu keeps the array it is given, so it gets a copy.
  const own = init.backend === 'wasm' ? (v: Float32Array) => v : (v: Float32Array) => v.slice();
  const loadParams = () => {
    tf.dispose([...params.values()]);
    params = new Map(init.graph.params.map((p) => [p.name, tf.tensor(own(viewOf(init.params, paramLayout, p.name)), [...p.shape])]));
  };

  const run = async (m: RunRequest, inputs: ProgramInputs) => {
    const out = program.run(params, inputs, m.outputs);
    const values = await Promise.all(m.outputs.map(async (name) => [name, { data: (await out[name]!.data()) as Float32Array, shape: out[name]!.shape }] as const));
    tf.dispose([...Object.values(out), ...Object.values(inputs)]);
    port.postMessage({ kind: 'outputs', values } satisfies WorkerReply, values.map(([, t]) => t.data.buffer as ArrayBuffer));
  };

  port.on('message', async (m: WorkerRequest) => {
    try {
      if (m.paramsVersion !== version) {
        loadParams();
        version = m.paramsVersion;
      }
      const inputs: ProgramInputs = Object.fromEntries(Object.entries(m.inputs).map(([name, t]) => [name, tf.tensor(t!.data, [...t!.shape])]));
      if (m.kind === 'run') return await run(m, inputs);
      const keep = m.dropPathKeep ? new Map(m.dropPathKeep.map(([id, k]) => [id, tf.tensor1d(k)])) : undefined;
      const { loss, grads } = program.lossAndGrads(params, inputs, [], { wrt: init.wrt, ...(keep ? { dropPathKeep: keep } : {}) });
      const value = (await loss.data())[0]!;
      for (const name of init.wrt) await copyInto(viewOf(init.grads, gradLayout, name), grads.get(name)!);
      tf.dispose([loss, ...grads.values(), ...Object.values(inputs), ...(keep ? keep.values() : [])] as tf.Tensor[]);
      reply({ kind: 'done', loss: value });
    } catch (e) {
      reply({ kind: 'failed', message: (e as Error).stack ?? String(e) });
    }
  });
  reply({ kind: 'ready', target: describeTarget(target) });
} catch (e) {
  reply({ kind: 'failed', message: (e as Error).stack ?? String(e) });
}
