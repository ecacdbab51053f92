/**
 * Sweeps on a BullMQ queue: a redis-server of the tests' own (random port, temp dir), `maec
 * worker` processes and `maec sweep --queue`, all as child processes on tiny budgets.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../../sweep/queue.ts';
import { sweepCommand } from '../../cli/commands/sweep.ts';
import { bufferIo } from '../../cli/io.ts';
import { csvCells, ROOT, runCli, tempDir, TINY_DATA } from './helpers.ts';
import { redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './redis.ts';

const TINY = ['--data', TINY_DATA, '--epochs', '1', '--probe-epochs', '1', '--finetune-epochs', '1', '--limit', '64', '--test-limit', '32'];
const fixture = (name: string) => join(ROOT, 'tests/sweep/fixtures', `${name}.ts`);
/** Short stall detection: a killed worker's job is taken over within seconds. */
const WORKER_FLAGS = ['--stall-seconds', '2'];

const missing = redisMissing();
let redis: RedisServer;
let queue: Queue;
const workers: WorkerProcess[] = [];

/** `n` workers, ready; stopped when the test ends. */
async function workersUp(t: { after(fn: () => Promise<void>): void }, n: number): Promise<WorkerProcess[]> {
  const started = Array.from({ length: n }, () => startWorker(redis.url, WORKER_FLAGS));
  workers.push(...started);
  t.after(async () => {
    await Promise.all(started.map((w) => w.stop()));
  });
  await Promise.all(started.map((w) => w.waitFor(/worker \S+ on queue maec-stages/)));
  return started;
}

/** The `$ maec ...` lines of a stage log. */
function invocations(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('$ maec '));
}

/** results.csv (or runs.csv) without the wall-clock columns, which no two runs share. */
function csvWithoutTimes(path: string): string[][] {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map(csvCells);
  const times = lines[0]!.flatMap((h, i) => (/seconds/.test(h) ? [i] : []));
  assert.ok(times.length > 0);
  return lines.map((cells) => cells.filter((_, i) => !times.includes(i)));
}

describe('sweeps on a queue', { skip: missing }, () => {
  before(async () => {
    redis = await startRedis();
    queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await queue?.close();
    await redis?.stop();
  });

  test('two workers run a tiny sweep of two seeds to the same results.csv, runs.csv and pretrained weights as the local mode; a re-run skips it all; other settings into the same folder are refused', async (t) => {
    const [a, b] = await workersUp(t, 2);
    const local = join(tempDir(), 'local');
    const queued = join(tempDir(), 'queued');
    const argv = (out: string, ...more: string[]) => ['sweep', fixture('two-ratios'), ...TINY, '--no-control', '--seeds', '2', '--out', out, ...more];
    const [l, q] = await Promise.all([runCli(argv(local, '--workers', '2')), runCli(argv(queued, '--queue', redis.url))]);
    t.diagnostic(`local sweep ${l.seconds.toFixed(1)}s, queued sweep ${q.seconds.toFixed(1)}s (run side by side)`);
    assert.equal(l.code, 0, l.stderr + l.stdout);
    assert.equal(q.code, 0, q.stderr + q.stdout + a!.output() + b!.output());
    assert.match(q.stdout, /4 runs enqueued, 0 already queued, 0 finished/);
    assert.match(q.stdout, /4\/4 runs finished \(0 skipped as already done\), 0 failed/);
    for (const f of ['results.csv', 'runs.csv']) assert.deepEqual(csvWithoutTimes(join(queued, f)), csvWithoutTimes(join(local, f)));
    for (const v of ['mask=0.5', 'mask=0.75', 'mask=0.5,seed=1', 'mask=0.75,seed=1']) assert.ok(readFileSync(join(queued, v, 'run', 'checkpoint.safetensors')).equals(readFileSync(join(local, v, 'run', 'checkpoint.safetensors'))), `${v}: pretrained weights differ`);
    assert.ok(existsSync(join(queued, 'accuracy-vs-mask-ratio.png')));
    // Both workers took stages (each had one pretraining while the other was busy).
    for (const w of [a!, b!]) assert.match(w.output(), /finished mask=0\.\d+( seed \d)?: pretrain in/);

    // In-process from here: the same command line, without a process start.
    const again = bufferIo(ROOT);
    assert.equal(await sweepCommand.run(argv(queued, '--queue', redis.url).slice(1), again), 0, again.stderr.join(''));
    assert.match(again.stdout.join(''), /4\/4 runs finished \(4 skipped as already done\)/);
    for (const v of ['mask=0.5', 'mask=0.75', 'mask=0.5,seed=1', 'mask=0.75,seed=1'])
      for (const log of readdirSync(join(queued, v)).filter((f) => f.endsWith('.log'))) assert.equal(invocations(join(queued, v, log)).length, 1, `${v}/${log} ran twice`);

    const counts = await queue.getJobCounts();
    const other = bufferIo(ROOT);
    assert.equal(await sweepCommand.run(argv(queued, '--queue', redis.url, '--seed', '1').slice(1), other), 2);
    assert.match(other.stderr.join(''), /holds a sweep with other settings \(seed 0\); use the same flags to continue it, or another --out/);
    assert.deepEqual(await queue.getJobCounts(), counts, 'the refused sweep enqueued something');
  });

  test('a worker stopped (SIGTERM) mid-pretraining hands its job back; a worker then killed (SIGKILL) mid-resume: its job stalls, the other worker takes it; each resumes from the checkpoint saved', async (t) => {
    const out = join(tempDir(), 'killed');
    const log = join(out, 'only', 'pretrain.log');
    /** Resolves once the pretraining log, after its `n`-th invocation line, shows a step. */
    const stepOf = (n: number) =>
      new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (!existsSync(log)) return;
          const parts = readFileSync(log, 'utf8').split(/^\$ maec /m);
          if (!(parts.length > n && / step \d+\//.test(parts[n]!))) return;
          clearInterval(poll);
          resolve();
        }, 100);
      });
    // 12 epochs of 2 steps: long enough to be stopped twice, short to finish after.
    const argv = ['sweep', fixture('one-variant'), '--data', 'synthetic:train=128,test=32,size=28,channels=1', '--limit', '128', '--epochs', '12', '--probe-epochs', '1', '--finetune-epochs', '1', '--test-limit', '32', '--no-control', '--queue', redis.url, '--out', out];
    const [first] = await workersUp(t, 1);
    const sweep = runCli(argv);
    await stepOf(1);
    await first!.stop();
    assert.equal(first!.child.exitCode, 130, first!.output());
    assert.match(first!.output(), /maec worker: interrupted; the running stages save a checkpoint and stop, their jobs go back to the queue/);
    assert.doesNotMatch(first!.output(), /failed only: pretrain/);

    const [a, b] = await workersUp(t, 2);
    await stepOf(2);
    const killed = [a!, b!].find((w) => /running only: pretrain/.test(w.output()));
    assert.ok(killed, 'no worker said it runs the pretraining');
    killed.child.kill('SIGKILL');
    const killedAt = Date.now();
    const r = await sweep;
    const survivor = killed === a ? b! : a!;
    assert.equal(r.code, 0, r.stderr + r.stdout + survivor.output());
    assert.match(r.stdout, /1\/1 finished \(0 skipped as already done\), 0 failed/);
    assert.match(survivor.output(), /job \S+\.pretrain stalled/);
    const text = readFileSync(log, 'utf8');
    assert.match(text, /maec pretrain: interrupted; saving a checkpoint/);
    assert.match(text, /the sweep or worker that started this stage \(process \d+\) is gone; saving a checkpoint and stopping/);
    assert.equal(text.match(/checkpoint saved/g)?.length, 2);
    assert.deepEqual(
      invocations(log).map((l) => l.startsWith('$ maec pretrain --resume')),
      [false, true, true],
    );
    // Neither stop used up an attempt.
    assert.match(survivor.output(), /running only: pretrain \(attempt 1 of 3\)/);
    for (const stage of ['probe', 'finetune']) assert.equal(invocations(join(out, 'only', `${stage}.log`)).length, 1);
    assert.ok(existsSync(join(out, 'only', 'result.json')));
    const stalledAt = survivor.output().match(/(\S+) job \S+\.pretrain stalled/)?.[1];
    t.diagnostic(`the other worker took the stalled job ${((Date.parse(stalledAt ?? '') - killedAt) / 1000).toFixed(1)}s after the kill; the sweep finished ${((Date.now() - killedAt) / 1000).toFixed(1)}s after it`);
  });

  test('Ctrl-C of the sweep leaves its flow whole in the queue; the same command follows it; a failing stage is retried --attempts times, then reported failed with its log tail', async (t) => {
    const out = join(tempDir(), 'broken');
    const argv = ['sweep', fixture('one-broken'), ...TINY, '--no-control', '--attempts', '2', '--retry-delay', '0', '--queue', redis.url, '--out', out];
    // No worker yet: the jobs wait. Ctrl-C once the entry is being enqueued.
    const first = await runCli(argv, ROOT, { until: () => existsSync(join(out, 'broken', 'spec.json')), signal: 'SIGINT' });
    assert.equal(first.code, 130, first.stderr + first.stdout);
    assert.match(first.stderr, /nothing more is enqueued; the queued stages stay with the workers/);
    assert.match(first.stdout, /0\/1 finished \(0 skipped as already done\), 0 failed, 1 not run \(interrupted\)/);
    const waiting = (await queue.getJobs(['waiting', 'waiting-children'])).filter((j) => j.data.sweepDir === out);
    assert.deepEqual(waiting.map((j) => j.data.stage).sort(), ['finetune', 'pretrain', 'probe'], 'the flow is in the queue whole');

    // The same command, in-process; the worker starts once it follows the queued flow (else the flow could fail before it looks).
    const io = bufferIo(ROOT);
    const again = sweepCommand.run(argv.slice(1), io);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!/already queued/.test(io.stdout.join(''))) return;
        clearInterval(poll);
        resolve();
      }, 100);
    });
    await workersUp(t, 1);
    const r = { code: await again, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /0 entries enqueued, 1 already queued, 0 finished/);
    assert.match(r.stdout, /FAILED broken: pretrain failed after 2 attempts: stage pretrain of broken failed with exit status 1 after [\d.]+s on worker \S+ \(attempt 2 of 2\)/);
    assert.match(r.stdout, /0\/1 finished \(0 skipped as already done\), 1 failed/);
    assert.equal(invocations(join(out, 'broken', 'pretrain.log')).length, 2);
    assert.ok(!existsSync(join(out, 'broken', 'probe.log')), 'a stage after the failed one ran');
    assert.match(readFileSync(join(out, 'broken', 'error.log'), 'utf8'), /stage pretrain failed with exit status 1 after [\d.]+s on worker \S+ \(attempt 2 of 2\)[\s\S]*channels/);
    const job = (await queue.getFailed()).find((j) => j.data.sweepDir === out && j.data.stage === 'pretrain');
    assert.ok(job, 'the failed job is kept in the queue');
    assert.equal(job.attemptsMade, 2);
    assert.match(job.failedReason, /channels/);
    assert.equal(readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n')[1]!.split(',')[9], 'failed');

    // The same command again: the failed flow is replaced by a fresh one (here of one attempt).
    const retry = bufferIo(ROOT);
    assert.equal(await sweepCommand.run(argv.slice(1).map((a, i, all) => (all[i - 1] === '--attempts' ? '1' : a)), retry), 1, retry.stderr.join(''));
    assert.match(retry.stdout.join(''), /1 entry enqueued, 0 already queued, 0 finished/);
    assert.match(retry.stdout.join(''), /FAILED broken: pretrain failed after 1 attempt: /);
    assert.equal(invocations(join(out, 'broken', 'pretrain.log')).length, 3);
    assert.equal((await queue.getFailed()).filter((j) => j.data.sweepDir === out).length, 3, 'one failed flow of three jobs, the old one removed');
  });
});
