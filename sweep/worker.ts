/**
 * A queue worker: takes stage jobs from Redis and runs each as the same `maec` child process a
 * local sweep runs, in the sweep folder the job names (on a filesystem every worker reaches).
 *
 * - A stage already finished (its files are there) is not run again; the job completes.
 * - A stage whose folder is locked by a live process (the stage of a worker that lost the
 *   job, still saving its checkpoint) is waited for, then checked again.
 * - Pretraining resumes from the checkpoint a previous attempt left (runStage).
 * - A failed stage writes error.log and fails the job with its exit status and log tail; BullMQ
 *   retries it up to the job's attempts, then fails the entry's flow.
 * - A worker killed outright stops renewing its job's lock: another worker finds the job
 *   stalled and takes it (stalledSeconds). Its child stage notices it lost its parent
 *   (MAEC_PARENT_PID) and saves a checkpoint.
 * - Stopping the worker (Ctrl-C, SIGTERM) asks running stages to save and stop and puts their
 *   jobs back in the queue without using up an attempt.
 */
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import { lockHolder, describeHolder } from '../runtime/io/lock.ts';
import { variantPaths } from './layout.ts';
import { connectionOf, JOB_FORMAT, QUEUE_NAME, type RedisAddress, type StageJobData, type StageJobResult, type StageProgress } from './queue.ts';
import { finishEntry, prepareEntry, readFinished, runStage, stageFinished, stageFolder, writeErrorLog } from './run-variant.ts';

export interface WorkerOptions {
  readonly redis: RedisAddress;
  /** Stage jobs run at once by this worker. */
  readonly concurrency: number;
  /** A job whose worker has not renewed its lock for this long is taken as stalled and retried. */
  readonly stalledSeconds: number;
  /** Progress lines: a job taken, finished, failed. */
  readonly note: (text: string) => void;
  /** Aborted to stop: running stages save and stop, their jobs go back to the queue. */
  readonly signal: AbortSignal;
}

/** How many characters of a failed stage's output go into the job's failure reason. */
const REASON_TAIL = 2000;
/** How often a running stage's progress is sent to Redis, at most. */
const PROGRESS_MS = 1000;
/** How often a locked stage folder is looked at again. */
const LOCK_POLL_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last `step N/M` or `epoch N/M` a stage printed. */
export function lastStep(text: string): string | undefined {
  const all = [...text.matchAll(/\b(step|epoch) (\d+)\/(\d+)/g)];
  const m = all.at(-1);
  return m ? `${m[1]} ${m[2]}/${m[3]}` : undefined;
}

/** Runs a worker until `signal` aborts; resolves once its running jobs have been handed back or finished. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const me = `${hostname()}:${process.pid}`;
  const worker = new Worker<StageJobData, StageJobResult>(QUEUE_NAME, (job, token) => processStage(job, token, me, o), {
    connection: connectionOf(o.redis, true),
    concurrency: o.concurrency,
    lockDuration: o.stalledSeconds * 1000,
    stalledInterval: o.stalledSeconds * 1000,
    // A job may lose its worker a few times (machines going away) before it counts as failed.
    maxStalledCount: 3,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message === lastError) return;
    lastError = e.message;
    o.note(`queue error: ${e.message}`);
  });
  worker.on('failed', (job, e) => {
    if (!job || e instanceof DelayedError || e.name === 'DelayedError') return;
    const attempts = job.opts.attempts ?? 1;
    o.note(`failed ${job.name} (attempt ${job.attemptsMade} of ${attempts})${job.attemptsMade < attempts ? ', to be retried' : ''}: ${e.message.split('\n')[0]}`);
  });
  worker.on('stalled', (id) => o.note(`job ${id} stalled (its worker stopped renewing it): back in the queue`));
  const running = worker.run();
  await worker.waitUntilReady();
  o.note(`worker ${me} on queue ${QUEUE_NAME} at ${o.redis.shown}, concurrency ${o.concurrency}`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // close() waits for the running processors, which the same signal asked to stop.
  await worker.close();
  await running;
}

async function processStage(job: Job<StageJobData, StageJobResult>, token: string | undefined, me: string, o: WorkerOptions): Promise<StageJobResult> {
  const d = job.data;
  if (d.format !== JOB_FORMAT) throw new Error(`job ${job.id} has data format ${String(d.format)}, this worker reads ${JOB_FORMAT}: run the same maec version on every machine`);
  if (!existsSync(d.sweepDir)) throw new Error(`sweep folder ${d.sweepDir} is not reachable on ${hostname()}: every worker must see the shared folder at the same path`);
  const p = variantPaths(d.sweepDir, d.entry.dir, d.entry.kind);
  const cwd = existsSync(d.cwd) ? d.cwd : d.sweepDir;
  const skipped: StageJobResult = { skipped: true, seconds: 0, worker: me };
  if (readFinished(p, d.options.labels)) return skipped;

  // A stage that lost its job (its worker gone) may still be saving: wait for its lock.
  const folder = stageFolder(p, d.stage);
  for (let told = false; ; ) {
    const holder = lockHolder(folder);
    if (!holder || o.signal.aborted) break;
    if (!told) o.note(`${job.name}: waiting for ${describeHolder(folder, holder).replace(/; wait.*$/, '')}`);
    told = true;
    await sleep(LOCK_POLL_MS);
  }
  if (o.signal.aborted) return handBack(job, token);
  if (stageFinished(p, d.stage)) {
    if (d.last) await finishEntry(d.entry, p, d.options);
    return skipped;
  }

  await prepareEntry(d.entry, p);
  const attempts = job.opts.attempts ?? 1;
  o.note(`running ${job.name} (attempt ${job.attemptsMade + 1} of ${attempts}) in ${p.dir}`);
  let text = '';
  let sent = 0;
  const report = () => {
    sent = Date.now();
    const step = lastStep(text);
    const progress: StageProgress = { stage: d.stage, worker: me, ...(step ? { step } : {}) };
    job.updateProgress({ ...progress }).catch(() => {
      // Progress is advisory; a lost update is shown by the next.
    });
  };
  report();
  const r = await runStage(
    {
      entry: d.entry,
      paths: p,
      options: d.options,
      cwd,
      signal: o.signal,
      onOutput: (chunk) => {
        text = (text + chunk).slice(-4000);
        if (Date.now() - sent >= PROGRESS_MS) report();
      },
    },
    d.stage,
  );
  if (!r.ok) {
    // Stopped by this worker's Ctrl-C: the stage saved a checkpoint; another worker continues it.
    if (o.signal.aborted) return handBack(job, token);
    const where = ` on worker ${me} (attempt ${job.attemptsMade + 1} of ${attempts})`;
    await writeErrorLog(d.entry, p, d.stage, r.child, where);
    const tail = r.child.tail.trimEnd().slice(-REASON_TAIL);
    throw new Error(`stage ${d.stage} of ${d.entry.name} failed with exit status ${r.child.code} after ${r.child.seconds.toFixed(1)}s${where}; full output in ${p.log(d.stage)}\n${tail}`);
  }
  rmSync(p.errorLog, { force: true });
  if (d.last) await finishEntry(d.entry, p, d.options);
  o.note(`finished ${job.name} in ${r.child.seconds.toFixed(1)}s`);
  return { skipped: false, seconds: r.child.seconds, worker: me };
}

/** Puts a job this worker is giving up back in the queue at once, its attempt not counted. */
async function handBack(job: Job<StageJobData, StageJobResult>, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now(), token);
  throw new DelayedError(`${job.name} handed back: this worker is stopping`);
}
