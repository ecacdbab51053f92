/**
 * A sweep scheduled on a BullMQ queue instead of local child processes: every run's stages
 * (an entry with one seed) are enqueued as a flow (sweep/queue.ts), workers on any machine run
 * them (sweep/worker.ts), and this follows their progress and writes the same results files a
 * local sweep writes.
 *
 * Re-running the same sweep continues it: runs with result.json are skipped; a run whose
 * jobs are still in the queue (waiting, running, delayed) is followed, not enqueued again; one
 * whose flow failed (or completed without its files) is removed and enqueued afresh, and its
 * stages skip whatever already finished. Ctrl-C stops enqueueing and following: what is in the
 * queue stays there, whole flows only, and the workers go on with it.
 */
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { FlowProducer, Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { variantPaths, type VariantPaths } from './layout.ts';
import type { SweepView } from './progress.ts';
import { connectionOf, entryFlow, entryJobIds, QUEUE_NAME, type RedisAddress, type Retry, type StageJobData, type StageJobResult, type StageProgress } from './queue.ts';
import { prepareEntry, readFinished, stagesOf, type VariantResult } from './run-variant.ts';
import { accuracies, rowsOf, writeResults, type ResultsContext, type SweepSummary } from './sweep.ts';
import type { StageOptions } from './stages.ts';
import type { RunStatus } from './table.ts';
import { sweepRuns, type SweepEntry } from './variant.ts';

export interface QueuedSweepOptions extends ResultsContext {
  readonly redis: RedisAddress;
  readonly retry: Retry;
  readonly cwd: string;
  readonly view: SweepView;
  /** How often the jobs' states are read, in ms. */
  readonly pollMs?: number;
  /** Aborted on Ctrl-C: nothing more is enqueued, following stops, the table is written. */
  readonly signal?: AbortSignal;
  /** Called once Redis answered, before anything is enqueued (the command records the sweep's settings). */
  readonly onConnected?: () => Promise<void>;
}

/** Redis did not answer. */
export class QueueUnreachable extends Error {
  override readonly name = 'QueueUnreachable';
}

/** How long the sweep waits for Redis to answer at the start. */
const CONNECT_MS = 10_000;
/** Job states in which BullMQ will still run the job. */
const PENDING = new Set(['waiting', 'waiting-children', 'delayed', 'active', 'prioritized']);

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface Connection {
  readonly queue: Queue<StageJobData, StageJobResult>;
  readonly flows: FlowProducer;
  /** Closes the queue's handles, and the Redis connection even when Redis is gone. */
  close(): Promise<void>;
}

/**
 * A Queue and a FlowProducer sharing one Redis connection, once Redis answered; QueueUnreachable
 * when it does not (refused, unknown host, no answer within CONNECT_MS): the sweep has nothing
 * to do without it. Once connected, a lost connection is retried (a Redis restart).
 */
async function connect(redis: RedisAddress): Promise<Connection> {
  let connected = false;
  const client = new Redis({ ...connectionOf(redis, false), lazyConnect: true, connectTimeout: CONNECT_MS, retryStrategy: (n) => (connected ? Math.min(200 * n, 2000) : null) });
  let lastError: Error | undefined;
  client.on('error', (e: Error) => (lastError = e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new QueueUnreachable(`cannot reach Redis at ${redis.shown}: ${(lastError ?? (e as Error)).message || 'connection failed'}`);
  }
  connected = true;
  const queue = new Queue<StageJobData, StageJobResult>(QUEUE_NAME, { connection: client });
  const flows = new FlowProducer({ connection: client });
  // Errors while connected (a Redis restart) are retried by the client; the states are read again.
  queue.on('error', () => {});
  flows.on('error', () => {});
  return {
    queue,
    flows,
    async close() {
      await Promise.race([Promise.allSettled([queue.close(), flows.close()]), sleep(2000)]);
      client.disconnect();
    },
  };
}

type Fate = { readonly kind: 'pending'; readonly running?: string } | { readonly kind: 'done'; readonly result: VariantResult; readonly seconds: number } | { readonly kind: 'failed'; readonly message: string };

/** Where an entry's flow stands, from its jobs' states. */
async function fateOf(queue: Queue<StageJobData, StageJobResult>, ids: readonly string[], entry: SweepEntry, paths: VariantPaths, labels: readonly number[]): Promise<Fate> {
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  const last = jobs.at(-1);
  if (!last) return { kind: 'failed', message: 'its jobs are gone from the queue (removed by hand?); a re-run enqueues them again' };
  const states = await Promise.all(jobs.map((j) => (j ? j.getState() : Promise.resolve('unknown'))));
  if (states.at(-1) === 'completed') {
    const result = readFinished(paths, labels);
    if (!result) return { kind: 'failed', message: `its last stage completed but ${paths.result} is missing or unreadable` };
    const started = Math.min(...jobs.map((j) => j?.processedOn ?? Infinity));
    const seconds = Number.isFinite(started) && last.finishedOn ? (last.finishedOn - started) / 1000 : 0;
    return { kind: 'done', result, seconds };
  }
  const stages = stagesOf(entry, labels);
  const failedAt = states.findIndex((s) => s === 'failed');
  if (failedAt >= 0) {
    const job = jobs[failedAt]!;
    const reason = (job.failedReason ?? '').split('\n')[0] ?? '';
    return { kind: 'failed', message: `${stages[failedAt]} failed after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${reason}` };
  }
  const active = states.findIndex((s) => s === 'active');
  if (active >= 0) {
    const progress = jobs[active]!.progress as Partial<StageProgress> | number;
    const detail = typeof progress === 'object' && progress !== null ? [progress.step, progress.worker && `on ${progress.worker}`].filter(Boolean).join(' ') : '';
    return { kind: 'pending', running: `${stages[active]}${detail ? ` ${detail}` : ''}` };
  }
  return { kind: 'pending' };
}

/** Removes an entry's jobs, last stage first (a parent takes its finished children with it). */
async function removeJobs(queue: Queue<StageJobData, StageJobResult>, ids: readonly string[]): Promise<void> {
  for (const id of [...ids].reverse()) {
    const job: Job | undefined = await queue.getJob(id);
    if (job) await job.remove();
  }
}

function sameOptions(a: StageOptions, b: StageOptions): boolean {
  const plain = (o: StageOptions) => JSON.stringify({ data: o.data, budget: o.budget, seed: o.seed, backend: o.backend ?? null, labels: o.labels ?? [100] });
  return plain(a) === plain(b);
}

/**
 * Enqueues what the sweep lacks, follows it to the end (or Ctrl-C), then writes results.csv,
 * results.md and the plots from the files the workers wrote. Throws QueueUnreachable when Redis
 * does not answer, and an Error when the queue holds this sweep's jobs with other settings.
 */
export async function runQueuedSweep(o: QueuedSweepOptions): Promise<SweepSummary> {
  const c = await connect(o.redis);
  try {
    await o.onConnected?.();
    return await followSweep(o, c.queue, c.flows);
  } finally {
    await c.close();
  }
}

async function followSweep(o: QueuedSweepOptions, queue: Queue<StageJobData, StageJobResult>, flows: FlowProducer): Promise<SweepSummary> {
  const shown = (path: string) => relative(o.cwd, path) || '.';
  const stopped = () => o.signal?.aborted === true;
  const labels = o.stages.labels;
  const runs = sweepRuns(o.entries, o.seeds, o.stages.seed);
  const options = runs.map((r): StageOptions => ({ ...o.stages, seed: r.seed }));
  const fates = new Map<number, Fate>();
  const paths = runs.map((r) => variantPaths(o.dir, r.job.dir, r.job.kind));
  const ids = runs.map((r) => entryJobIds(o.dir, r.job, labels));
  let skipped = 0;
  let enqueued = 0;
  let continued = 0;
  const count = (n: number) => `${n} ${o.seeds > 1 ? `run${n === 1 ? '' : 's'}` : `entr${n === 1 ? 'y' : 'ies'}`}`;

  for (const [i, run] of runs.entries()) {
    if (stopped()) break;
    const p = paths[i]!;
    const finished = readFinished(p, labels);
    if (finished) {
      skipped++;
      fates.set(i, { kind: 'done', result: finished, seconds: 0 });
      o.view.note(`skipped ${run.label}: already finished (${shown(p.result)})`);
      continue;
    }
    const root = await queue.getJob(ids[i]!.at(-1)!);
    if (root && !sameOptions(root.data.options, options[i]!)) {
      throw new Error(`queue ${QUEUE_NAME} at ${o.redis.shown} holds ${run.label}'s jobs of a sweep into ${shown(o.dir)} with other settings (${JSON.stringify(root.data.options.budget)}, seed ${root.data.options.seed}); use the same flags, or another --out`);
    }
    const state = root ? await root.getState() : 'unknown';
    if (PENDING.has(state)) {
      continued++;
      fates.set(i, { kind: 'pending' });
      continue;
    }
    // Failed, completed without its files, or absent: enqueue afresh (finished stages are skipped by the workers).
    await removeJobs(queue, ids[i]!);
    rmSync(p.errorLog, { force: true });
    await prepareEntry(run.job, p);
    await flows.add(entryFlow(o.dir, o.cwd, run.job, options[i]!, o.retry, run.label));
    enqueued++;
    fates.set(i, { kind: 'pending' });
  }
  if (!stopped() && enqueued + continued > 0) o.view.note(`queue ${QUEUE_NAME} at ${o.redis.shown}: ${count(enqueued)} enqueued, ${continued} already queued, ${skipped} finished; waiting for workers (maec worker --queue ${o.redis.shown})`);

  const running = new Map<string, string>();
  const durations: number[] = [];
  let done = skipped;
  let failed = 0;
  const show = () => o.view.show({ total: runs.length, done, failed, running, durations, workers: Math.max(1, running.size) });
  show();
  while (!stopped() && [...fates.values()].some((f) => f.kind === 'pending')) {
    for (const [i, fate] of fates) {
      if (fate.kind !== 'pending') continue;
      const run = runs[i]!;
      const now = await fateOf(queue, ids[i]!, run.job, paths[i]!, labels);
      fates.set(i, now);
      if (now.kind === 'pending') {
        if (now.running) running.set(run.label, now.running);
        else running.delete(run.label);
        continue;
      }
      running.delete(run.label);
      if (now.kind === 'done') {
        done++;
        durations.push(now.seconds);
        o.view.note(`finished ${run.label} in ${now.seconds.toFixed(0)}s: ${accuracies(now.result)}`);
      } else {
        failed++;
        o.view.note(`FAILED ${run.label}: ${now.message}; see ${shown(paths[i]!.errorLog)}`);
      }
    }
    show();
    await sleep(o.pollMs ?? 500, o.signal);
  }

  const statuses = runs.map((_, i): { status: RunStatus; result: VariantResult | undefined } => {
    const fate = fates.get(i);
    if (fate?.kind === 'done') return { status: 'done', result: fate.result };
    if (fate?.kind === 'failed') return { status: 'failed', result: undefined };
    return { status: 'not run', result: undefined };
  });
  const interrupted = statuses.filter((r) => r.status === 'not run').length;
  if (interrupted > 0) o.view.note(`${count(interrupted)} not finished: ${enqueued + continued > 0 ? 'their jobs stay in the queue and the workers go on with them; ' : ''}re-run the same command to follow them`);
  const rows = rowsOf(o.entries, runs, statuses);
  const plots = await writeResults(o, rows);
  return { rows, runs: runs.length, failed: statuses.filter((r) => r.status === 'failed').length, interrupted, skipped, plots };
}
