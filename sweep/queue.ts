/**
 * What a sweep on several machines shares with its workers through Redis: the queue's name,
 * the Redis address, the jobs' ids and data, and the flow of an entry's stages.
 *
 * Every stage of a run (an entry with one seed) is one BullMQ job; a run's stages form a flow,
 * a chain in which a job waits for its child: finetune <- probe <- pretrain (a control:
 * finetune <- probe), and with label protocols each protocol's probe and fine-tuning after
 * the one before (finetune-labels10 <- probe-labels10 <- finetune <- probe <- pretrain). The job
 * ids are made from the sweep folder and the run's folder, so the same sweep enqueues the same ids
 * again and BullMQ keeps one job per stage. A job's data holds everything a worker needs: the
 * sweep folder (an absolute path every worker reaches), the entry with its spec, the stage and
 * the budget; the worker runs the same `maec` command a local sweep runs (sweep/run-variant.ts).
 */
import { createHash } from 'node:crypto';
import type { FlowJob } from 'bullmq';
import type { Stage } from './run-variant.ts';
import { stagesOf } from './run-variant.ts';
import type { StageOptions } from './stages.ts';
import type { SweepEntry } from './variant.ts';

/** The BullMQ queue every sweep enqueues into and every worker takes jobs from. */
export const QUEUE_NAME = 'maec-stages';
/** The version of StageJobData; a worker refuses a job of another. */
export const JOB_FORMAT = 2;

/** One stage job's data. */
export interface StageJobData {
  readonly format: typeof JOB_FORMAT;
  /** The sweep folder, absolute: the same path on every machine (a shared filesystem). */
  readonly sweepDir: string;
  /** The folder the sweep ran in: relative --data paths resolve from it. */
  readonly cwd: string;
  /** The run's entry, its folder the seed's (sweep/variant.ts sweepRuns). */
  readonly entry: SweepEntry;
  readonly stage: Stage;
  /** The run's options: its seed and the sweep's label protocols. */
  readonly options: StageOptions;
  /** The entry's last stage: the job that writes result.json. */
  readonly last: boolean;
}

/** What a stage job returns to the queue. */
export interface StageJobResult {
  /** The stage had finished before (its files were there): nothing ran. */
  readonly skipped: boolean;
  readonly seconds: number;
  /** Where it ran: `host:pid`. */
  readonly worker: string;
}

/** What a running stage job reports through job.updateProgress. */
export interface StageProgress {
  readonly stage: Stage;
  readonly worker: string;
  /** The stage's last `step N/M` or `epoch N/M`, if it printed one. */
  readonly step?: string;
}

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  /** The address as the user wrote it, without a password. */
  readonly shown: string;
}

/**
 * `redis://HOST:PORT[/DB]` (also `rediss://` for TLS, and `redis://:PASSWORD@HOST` or
 * `redis://USER:PASSWORD@HOST`) as connection settings, or a message saying what is wrong.
 * Example: `parseRedisUrl('redis://10.0.0.5:6379/2')` gives host 10.0.0.5, port 6379, db 2.
 */
export function parseRedisUrl(text: string, flag = '--queue'): RedisAddress | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${flag} must be a Redis address redis://HOST:PORT[/DB], found ${text}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `${flag} must start with redis:// (or rediss:// for TLS), found ${text}`;
  if (url.hostname === '') return `${flag} has no host: ${text}`;
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) return `${flag}: the database after the port must be a number (redis://HOST:PORT/DB), found /${path}`;
  if (url.search !== '' || url.hash !== '') return `${flag} takes no query or fragment: ${text}`;
  const db = path === '' ? 0 : Number(path);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const shown = `${url.protocol}//${url.hostname}:${port}/${db}`;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, db, tls: url.protocol === 'rediss:', ...(user ? { username: user } : {}), ...(password ? { password } : {}), shown };
}

/** BullMQ's connection settings for an address; `worker` lets commands wait through a Redis restart. */
export function connectionOf(a: RedisAddress, worker: boolean) {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...(a.username !== undefined ? { username: a.username } : {}),
    ...(a.password !== undefined ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
    // A worker's blocking reads must not give up while Redis is away (BullMQ requires null there).
    maxRetriesPerRequest: worker ? null : 20,
  };
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * The job id of a stage: the sweep folder's hash, the entry's folder (characters other than
 * letters, digits, `.`, `_`, `=`, `-` replaced, plus a hash so that two folders never collide)
 * and the stage. BullMQ ids may not contain `:`.
 * Example: `s3f2a9c0d1e7b.mask=0.5-9c1d2e3f4a5b.pretrain`.
 */
export function stageJobId(sweepDir: string, entry: SweepEntry, stage: Stage): string {
  return `s${hash(sweepDir)}.${entry.dir.replace(/[^A-Za-z0-9._=-]/g, '_')}-${hash(entry.dir)}.${stage}`;
}

/** The ids of a run's stage jobs, first stage first. */
export function entryJobIds(sweepDir: string, entry: SweepEntry, labels: readonly number[]): string[] {
  return stagesOf(entry, labels).map((s) => stageJobId(sweepDir, entry, s));
}

export interface Retry {
  /** Tries per stage, the first included. */
  readonly attempts: number;
  /** Milliseconds before the first retry; each further retry waits twice as long. */
  readonly backoffMs: number;
}

/**
 * A run's stages as one BullMQ flow (its jobs named `<label>: <stage>`): the last stage is the root, each job's child is the
 * stage before it, so a stage starts only when the one before it completed. A stage that fails
 * for good fails its parent too (failParentOnFailure), so the root tells the entry's fate.
 */
export function entryFlow(sweepDir: string, cwd: string, entry: SweepEntry, options: StageOptions, retry: Retry, label: string = entry.name): FlowJob {
  const stages = stagesOf(entry, options.labels);
  let flow: FlowJob | undefined;
  stages.forEach((stage, i) => {
    const data: StageJobData = { format: JOB_FORMAT, sweepDir, cwd, entry, stage, options, last: i === stages.length - 1 };
    flow = {
      name: `${label}: ${stage}`,
      queueName: QUEUE_NAME,
      data,
      opts: {
        jobId: stageJobId(sweepDir, entry, stage),
        attempts: retry.attempts,
        backoff: { type: 'exponential', delay: retry.backoffMs },
        failParentOnFailure: true,
        // Kept: a re-run of the sweep finds them; a failed one keeps its reason.
        removeOnComplete: false,
        removeOnFail: false,
      },
      ...(flow ? { children: [flow] } : {}),
    };
  });
  return flow!;
}
