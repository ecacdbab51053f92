import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import { initialParams } from '../../runtime/init.ts';
import { saveSafetensors } from '../../runtime/io/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { tinySpec, tinySpecJson } from './fixtures.ts';

/**
 * A run folder as pretraining leaves it (spec.json + checkpoint.safetensors with every MAE
 * parameter and an optimizer moment that must be skipped), holding randomly initialised weights.
 * `encoderOnly` leaves out the decoder's tensors; `drop` leaves out one tensor.
 */
export async function fakeRun(o: { encoderOnly?: boolean; drop?: string } = {}): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'maec-eval-')), 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(tinySpecJson));
  const graph = buildGraph(tinySpec, o.encoderOnly === true ? 'encoder' : 'pretrain');
  const values = initialParams(graph.params, Rng.fromSeed(1));
  const tensors = new Map(graph.params.map((p) => [p.name, { shape: p.shape, data: values.get(p.name)! }]));
  tensors.set('optimizer.m.cls_token', { shape: [1, 1, 32], data: new Float32Array(32) });
  if (o.drop !== undefined) tensors.delete(o.drop);
  await saveSafetensors(join(dir, 'checkpoint.safetensors'), tensors);
  return dir;
}
