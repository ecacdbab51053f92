import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { openWebGpu, type WebGpuOpening } from '../../runtime/tfjs/webgpu.ts';

/**
 * How the webgpu tests find a driver: the environment's VK_DRIVER_FILES (or VK_ICD_FILENAMES)
 * when set (CI evals scripts/install-lavapipe.sh; a GPU machine has its vendor's driver
 * installed); else, when scripts/install-lavapipe.sh has run on this machine, its env.sh.
 * The Vulkan loader reads VK_DRIVER_FILES when Dawn creates its instance, so setting it here,
 * before the first request, is enough; an LD_LIBRARY_PATH cannot be applied to a running
 * process, so an install that needs one must be sourced before the tests.
 */
export const LAVAPIPE_ENV = join(homedir(), '.cache', 'maec', 'lavapipe', 'env.sh');

/** `export NAME=VALUE` lines of env.sh (values as bash's printf %q writes plain paths). */
function exportsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.replace(/\\(.)/g, '$1'));
  }
  return out;
}

let note: string | undefined;

function useLavapipeIfUnset(): void {
  if (process.env['VK_DRIVER_FILES'] !== undefined || process.env['VK_ICD_FILENAMES'] !== undefined) return;
  if (!existsSync(LAVAPIPE_ENV)) return;
  const vars = exportsOf(readFileSync(LAVAPIPE_ENV, 'utf8'));
  const files = vars.get('VK_DRIVER_FILES');
  if (files !== undefined) process.env['VK_DRIVER_FILES'] = files;
  if (vars.has('LD_LIBRARY_PATH')) note = `${LAVAPIPE_ENV} also sets LD_LIBRARY_PATH, which only a new process picks up: source it before the tests`;
}

/**
 * The WebGPU adapter of this test process, or why there is none, for `test(..., { skip })`.
 * Opens Dawn once (runtime/tfjs/webgpu.ts), after pointing Vulkan at lavapipe if need be.
 */
export async function findWebGpu(): Promise<WebGpuOpening> {
  useLavapipeIfUnset();
  const opened = await openWebGpu();
  if (opened.ok || note === undefined) return opened;
  return { ok: false, reason: `${opened.reason}; ${note}` };
}

/** The skip option of a webgpu test: false when an adapter is there, else the reason. */
export async function webgpuSkip(): Promise<false | string> {
  const opened = await findWebGpu();
  return opened.ok ? false : `no WebGPU adapter: ${opened.reason}`;
}

/**
 * tfjs-webgpu runs an op on the CPU (tfjs-cpu's kernel) when all its inputs are still on the
 * CPU and each has fewer than 1000 elements (flag WEBGPU_CPU_FORWARD, on by default). The
 * small tensors of the tests would then test the cpu kernels again; with `true` every op runs
 * a WebGPU shader. Flags are global to tfjs, and this one is read by webgpu alone.
 */
export function gpuKernelsOnly(on: boolean): void {
  tf.env().set('WEBGPU_CPU_FORWARD', !on);
}
