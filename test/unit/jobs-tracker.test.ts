import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/core/errors';
import { JobTracker, type Job, type JobEvent, type JobSpec } from '../../src/jobs/tracker';
import { nextDelay } from '../../src/jobs/schedule';
import { formatGiB, type Volume } from '../../src/core/model';
import { aVolume } from './builders/models';
import { FakeClock, flush } from './helpers/fake-clock';

type Step = Volume | undefined | Error;

/** A resource whose reads return `steps` in order (the last one repeats). */
function scripted(steps: Step[]): { read: (signal: AbortSignal) => Promise<Volume | undefined>; reads: () => number; signals: AbortSignal[] } {
  let i = 0;
  const signals: AbortSignal[] = [];
  return {
    signals,
    reads: () => i,
    read: async (signal) => {
      signals.push(signal);
      const step = steps[Math.min(i, steps.length - 1)];
      i++;
      if (step instanceof Error) throw step;
      return step;
    },
  };
}

const updating = aVolume({ state: 'UPDATING', runtimeState: 'extending' });
const scheduled = aVolume({ state: 'UPDATE_SCHEDULED' });
const extended = aVolume({ sizeMiB: 50 * 1024 });

function extendSpec(read: JobSpec<Volume>['read'], overrides: Partial<JobSpec<Volume>> = {}): JobSpec<Volume> {
  return {
    resourceKey: 'volume/vol1',
    action: 'extend',
    title: 'Extending data-01',
    read,
    isStable: (v) => v.status.category !== 'busy',
    isFailed: (v) => (v.status.category === 'error' ? v.errorMessage ?? 'erred' : undefined),
    successMessage: (v) => `${v?.name} is now ${formatGiB(v?.sizeMiB)}`,
    failureTitle: 'Extend failed',
    ...overrides,
  };
}

function setup(options: { timeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const logs: string[] = [];
  const tracker = new JobTracker({ clock, defaultTimeoutMs: options.timeoutMs, log: (level, m) => logs.push(`${level}: ${m}`) });
  const events: JobEvent[] = [];
  tracker.onDidChange((e) => events.push({ type: e.type, job: { ...e.job } }));
  return { clock, tracker, events, logs, ended: () => events.filter((e) => e.type === 'ended').map((e) => e.job) };
}

test('nothing is scheduled while nothing moves', async () => {
  const { clock, tracker } = setup();
  assert.equal(clock.pending, 0);
  await clock.advance(10 * 60_000);
  assert.equal(clock.pending, 0);
  assert.deepEqual(tracker.runningJobs(), []);
  tracker.pause();
  tracker.resume();
  assert.equal(clock.pending, 0);
});

test('a job reads at 2.5 s, then backs off ×1.5 up to a 30 s cap', async () => {
  const { clock, tracker } = setup();
  const r = scripted([updating]);
  tracker.start(extendSpec(r.read));
  assert.equal(r.reads(), 0, 'no read before the first delay');
  assert.equal(clock.nextIn(), 2500);
  for (let i = 0; i < 10; i++) await clock.runNext();
  assert.equal(r.reads(), 10);
  assert.deepEqual(clock.delays.slice(0, 11), [2500, 3750, 5625, 8438, 12656, 18984, 28477, 30000, 30000, 30000, 30000]);
  assert.deepEqual(clock.delays.slice(0, 11), Array.from({ length: 11 }, (_, i) => nextDelay(i)));
  assert.equal(clock.pending, 1, 'exactly one timer per running job');
});

test('a job stops when the resource is stable again and ends with the success message', async () => {
  const { clock, tracker, events, ended } = setup();
  const r = scripted([scheduled, updating, extended]);
  const updates: Volume[] = [];
  const job = tracker.start(extendSpec(r.read, { onUpdate: (v) => updates.push(v) }));
  assert.equal(job.state, 'running');
  assert.equal(events[0]?.type, 'started');
  await clock.advance(2500);
  assert.equal(r.reads(), 1);
  assert.equal(job.state, 'running');
  await clock.advance(3750);
  await clock.advance(5625);
  assert.equal(r.reads(), 3);
  assert.equal(job.state, 'succeeded');
  assert.equal(job.message, 'data-01 is now 50 GiB');
  assert.equal(job.last, extended);
  assert.equal(job.endedAt, job.startedAt + 2500 + 3750 + 5625);
  assert.deepEqual(updates.map((u) => u.status.label), ['Update scheduled', 'extending', 'available'], 'every read went to onUpdate (the tree)');
  assert.equal(clock.pending, 0, 'nothing polled any more');
  await clock.advance(60 * 60_000);
  assert.equal(r.reads(), 3);
  assert.equal(ended().length, 1);
  assert.deepEqual(tracker.runningJobs(), []);
  assert.equal(tracker.recentJobs()[0]?.id, job.id);
  assert.ok(r.signals[0]?.aborted, 'the read signal is aborted once the job ended');
});

test('a failed resource ends the job as "<failureTitle>: <error message from the API>"', async () => {
  const { clock, tracker, ended } = setup();
  const r = scripted([updating, aVolume({ state: 'ERRED', runtimeState: 'error_extending', errorMessage: 'Quota exceeded for gigabytes' })]);
  const job = tracker.start(extendSpec(r.read));
  await clock.advance(2500 + 3750);
  assert.equal(job.state, 'failed');
  assert.equal(job.message, 'Extend failed: Quota exceeded for gigabytes');
  assert.equal(ended()[0]?.state, 'failed');
  assert.equal(clock.pending, 0);
});

test('a job that runs past its limit stops being followed and says so', async () => {
  const { clock, tracker } = setup({ timeoutMs: 30 * 60_000 });
  const r = scripted([updating]);
  const job = tracker.start(extendSpec(r.read, {
    timeoutMessage: (last, ms) => `Stopped following extend of data-01 after ${Math.round(ms / 60_000)} min; it is still ${last?.status.label === 'extending' ? 'Updating' : '?'} on the server`,
  }));
  await clock.advance(29 * 60_000);
  assert.equal(job.state, 'running');
  await clock.advance(60_000);
  assert.equal(job.state, 'timed-out');
  assert.equal(job.endedAt, job.startedAt + 30 * 60_000, 'ends right at the limit, not at the next 30 s read');
  assert.equal(job.message, 'Stopped following extend of data-01 after 30 min; it is still Updating on the server');
  assert.equal(clock.pending, 0);
  const reads = r.reads();
  await clock.advance(10 * 60_000);
  assert.equal(r.reads(), reads);
});

test('a spec timeout overrides the default, and the default message names the title', async () => {
  const { clock, tracker } = setup();
  const job = tracker.start(extendSpec(scripted([updating]).read, { timeoutMs: 10_000 }));
  await clock.advance(10_000);
  assert.equal(job.state, 'timed-out');
  assert.match(job.message ?? '', /Stopped following Extending data-01 after 10 s/);
});

test('a delete whose resource disappears (undefined or 404) is a success', async () => {
  for (const goneStep of [undefined, new ApiError({ kind: 'http', status: 404, message: 'Not found' })]) {
    const { clock, tracker } = setup();
    const r = scripted([aVolume({ state: 'DELETING' }), goneStep]);
    const job = tracker.start(extendSpec(r.read, {
      action: 'delete', title: 'Deleting data-01-snapshot', goneIsSuccess: true, failureTitle: 'Delete failed', isStable: () => false,
      successMessage: () => 'data-01-snapshot was deleted',
    }));
    await clock.advance(2500 + 3750);
    assert.equal(job.state, 'succeeded');
    assert.equal(job.gone, true);
    assert.equal(job.message, 'data-01-snapshot was deleted');
    assert.equal(clock.pending, 0);
  }
});

test('a resource that disappears during another action fails the job', async () => {
  const { clock, tracker } = setup();
  const job = tracker.start(extendSpec(scripted([undefined]).read, { goneMessage: 'data-01 no longer exists on the server.' }));
  await clock.advance(2500);
  assert.equal(job.state, 'failed');
  assert.equal(job.gone, true);
  assert.equal(job.message, 'Extend failed: data-01 no longer exists on the server.');
});

test('a second identical action is recognised with isRunning; start returns the running job', async () => {
  const { clock, tracker, events } = setup();
  const first = tracker.start(extendSpec(scripted([updating, extended]).read));
  assert.equal(tracker.isRunning('volume/vol1', 'extend'), true);
  assert.equal(tracker.isRunning('volume/vol1'), true);
  assert.equal(tracker.isRunning('volume/vol1', 'attach'), false);
  assert.equal(tracker.isRunning('volume/other', 'extend'), false);
  const again = tracker.start(extendSpec(scripted([updating]).read));
  assert.equal(again.id, first.id);
  assert.equal(events.filter((e) => e.type === 'started').length, 1);
  assert.equal(clock.pending, 1, 'still one timer');
  await clock.advance(2500 + 3750);
  assert.equal(first.state, 'succeeded');
  assert.equal(tracker.isRunning('volume/vol1', 'extend'), false);
  const next = tracker.start(extendSpec(scripted([extended]).read));
  assert.notEqual(next.id, first.id, 'once ended, the same action may run again');
});

test('network errors do not kill a job: it keeps polling with backoff', async () => {
  const { clock, tracker, logs } = setup();
  const blip = new ApiError({ kind: 'network', message: 'connect ECONNREFUSED' });
  const r = scripted([updating, blip, new ApiError({ kind: 'http', status: 502, message: 'Bad gateway' }), extended]);
  const job = tracker.start(extendSpec(r.read));
  await clock.advance(2500 + 3750 + 5625);
  assert.equal(job.state, 'running');
  assert.equal(job.errors, 2);
  assert.equal(job.lastError, 'Bad gateway');
  await clock.advance(8438);
  assert.equal(job.state, 'succeeded');
  assert.equal(job.lastError, undefined);
  assert.deepEqual(clock.delays, [2500, 3750, 5625, 8438]);
  assert.equal(logs.filter((l) => l.startsWith('warn') && l.includes('retrying')).length, 2);
});

test('a 401 stops the job with that message', async () => {
  const { clock, tracker } = setup();
  const job = tracker.start(extendSpec(scripted([new ApiError({ kind: 'http', status: 401, message: 'Invalid token.' })]).read));
  await clock.advance(2500);
  assert.equal(job.state, 'failed');
  assert.equal(job.unauthorized, true);
  assert.equal(job.message, 'Stopped following Extending data-01: Invalid token.');
  assert.equal(clock.pending, 0);
});

test('cancel stops following at once and ignores a read in flight', async () => {
  const { clock, tracker } = setup();
  let release: (v: Volume) => void = () => undefined;
  let signal: AbortSignal | undefined;
  const updates: Volume[] = [];
  const job = tracker.start(extendSpec((s) => {
    signal = s;
    return new Promise<Volume>((resolve) => { release = resolve; });
  }, { onUpdate: (v) => updates.push(v) }));
  await clock.advance(2500);
  tracker.cancel(job.id);
  assert.equal(job.state, 'cancelled');
  assert.equal(signal?.aborted, true);
  release(extended);
  await flush();
  assert.equal(job.state, 'cancelled');
  assert.deepEqual(updates, []);
  assert.equal(clock.pending, 0);
});

test('jobs keep polling while the view is hidden (pause affects watchers only)', async () => {
  const { clock, tracker } = setup();
  const r = scripted([updating, updating, extended]);
  const job = tracker.start(extendSpec(r.read));
  tracker.pause();
  await clock.advance(2500 + 3750 + 5625);
  assert.equal(job.state, 'succeeded');
});

test('a throwing listener or callback does not break the tracker', async () => {
  const { clock, tracker, logs } = setup();
  tracker.onDidChange(() => { throw new Error('listener boom'); });
  const job = tracker.start(extendSpec(scripted([updating, extended]).read, { onUpdate: () => { throw new Error('update boom'); } }));
  await clock.advance(2500 + 3750);
  assert.equal(job.state, 'succeeded');
  assert.ok(logs.some((l) => l.includes('listener boom')));
  assert.ok(logs.some((l) => l.includes('update boom')));
});

test('recent jobs are kept newest first, up to the limit', async () => {
  const clock = new FakeClock();
  const tracker = new JobTracker({ clock, keepRecent: 2 });
  const jobs: Job[] = [];
  for (const id of ['a', 'b', 'c']) jobs.push(tracker.start(extendSpec(scripted([extended]).read, { resourceKey: `volume/${id}` })));
  await clock.advance(2500);
  assert.deepEqual(tracker.recentJobs().map((j) => j.resourceKey).sort(), ['volume/b', 'volume/c']);
  assert.equal(tracker.get(jobs[0]!.id), undefined);
});

// --- watchers -------------------------------------------------------------------------------

test('a watcher follows a job-less transitional row on the same schedule until stable', async () => {
  const { clock, tracker } = setup();
  const r = scripted([aVolume({ state: 'CREATING' }), aVolume({ state: 'CREATING' }), aVolume()]);
  const updates: string[] = [];
  assert.equal(tracker.watch('volume/vol1', { read: r.read, isStable: (v) => v.status.category !== 'busy', onUpdate: (v) => updates.push(v.status.label) }), true);
  assert.equal(clock.nextIn(), 2500);
  await clock.advance(2500 + 3750 + 5625);
  assert.deepEqual(updates, ['Creating', 'Creating', 'available'], 'the final stable read reaches the row too');
  assert.equal(tracker.isWatching('volume/vol1'), false);
  assert.equal(clock.pending, 0);
  assert.deepEqual(clock.delays, [2500, 3750, 5625]);
});

test('watchers pause while the view is hidden and restart from 2.5 s when it shows again', async () => {
  const { clock, tracker } = setup();
  const r = scripted([aVolume({ state: 'CREATING' })]);
  tracker.watch('volume/vol1', { read: r.read, isStable: (v) => v.status.category !== 'busy', onUpdate: () => undefined });
  await clock.advance(2500 + 3750);
  assert.equal(r.reads(), 2);
  tracker.pause();
  assert.equal(clock.pending, 0, 'nothing polled while hidden');
  await clock.advance(10 * 60_000);
  assert.equal(r.reads(), 2);
  tracker.watch('volume/vol2', { read: r.read, isStable: () => false, onUpdate: () => undefined });
  assert.equal(clock.pending, 0, 'new watchers wait for the view too');
  tracker.resume();
  assert.equal(clock.pending, 2);
  assert.equal(clock.nextIn(), 2500);
  await clock.advance(2500);
  assert.equal(r.reads(), 4);
});

test('a watcher read in flight when the view hides does not reschedule until resume', async () => {
  const { clock, tracker } = setup();
  let release: (v: Volume) => void = () => undefined;
  let reads = 0;
  tracker.watch('volume/vol1', {
    read: () => { reads++; return new Promise<Volume>((resolve) => { release = resolve; }); },
    isStable: () => false, onUpdate: () => undefined,
  });
  await clock.advance(2500);
  tracker.pause();
  release(aVolume({ state: 'CREATING' }));
  await flush();
  assert.equal(clock.pending, 0);
  tracker.resume();
  assert.equal(clock.pending, 1);
  assert.equal(reads, 1);
});

test('a job replaces the watcher on its resource, and no watcher is added while a job runs', async () => {
  const { clock, tracker } = setup();
  const watched = scripted([aVolume({ state: 'UPDATING' })]);
  tracker.watch('volume/vol1', { read: watched.read, isStable: () => false, onUpdate: () => undefined });
  const job = tracker.start(extendSpec(scripted([updating]).read));
  assert.equal(tracker.isWatching('volume/vol1'), false);
  assert.equal(tracker.watch('volume/vol1', { read: watched.read, isStable: () => false, onUpdate: () => undefined }), false);
  assert.equal(clock.pending, 1, 'only the job polls');
  await clock.advance(60_000);
  assert.equal(watched.reads(), 0);
  tracker.cancel(job.id);
});

test('a watched resource that disappears calls onGone; one stuck too long is given up', async () => {
  const { clock, tracker } = setup({ timeoutMs: 5 * 60_000 });
  let gone = 0;
  let timedOut = 0;
  tracker.watch('snapshot/s1', { read: scripted([undefined]).read, isStable: () => false, onUpdate: () => undefined, onGone: () => gone++ });
  tracker.watch('volume/stuck', { read: scripted([aVolume({ state: 'CREATING' })]).read, isStable: () => false, onUpdate: () => undefined, onTimeout: () => timedOut++ });
  await clock.advance(2500);
  assert.equal(gone, 1);
  assert.equal(tracker.isWatching('snapshot/s1'), false);
  await clock.advance(5 * 60_000);
  assert.equal(timedOut, 1);
  assert.deepEqual(tracker.watchedKeys(), []);
  assert.equal(clock.pending, 0);
});

test('watcher network errors keep polling; a 401 stops the watcher', async () => {
  const { clock, tracker } = setup();
  const r = scripted([new ApiError({ kind: 'timeout', message: 'timed out' }), aVolume({ state: 'CREATING' }), new ApiError({ kind: 'http', status: 401, message: 'Invalid token.' })]);
  tracker.watch('volume/vol1', { read: r.read, isStable: () => false, onUpdate: () => undefined });
  await clock.advance(2500 + 3750);
  assert.equal(tracker.isWatching('volume/vol1'), true);
  await clock.advance(5625);
  assert.equal(tracker.isWatching('volume/vol1'), false);
  assert.equal(clock.pending, 0);
});

test('dispose cancels jobs and watchers and leaves no timers', async () => {
  const { clock, tracker, ended } = setup();
  tracker.start(extendSpec(scripted([updating]).read));
  tracker.watch('volume/vol2', { read: scripted([updating]).read, isStable: () => false, onUpdate: () => undefined });
  tracker.dispose();
  assert.equal(clock.pending, 0);
  assert.equal(ended()[0]?.state, 'cancelled');
  assert.throws(() => tracker.start(extendSpec(scripted([updating]).read)));
});

test('a watcher a panel asked for (keepWhenPaused) goes on while the tree is hidden', async () => {
  const { clock, tracker } = setup();
  const tree = scripted([aVolume({ state: 'CREATING' })]);
  const panel = scripted([aVolume({ state: 'CREATING' }), aVolume()]);
  tracker.watch('c1/volume/row', { read: tree.read, isStable: (v) => v.status.category !== 'busy', onUpdate: () => undefined });
  tracker.watch('c1/volume/panel', { read: panel.read, isStable: (v) => v.status.category !== 'busy', onUpdate: () => undefined, keepWhenPaused: true });
  tracker.pause();
  await clock.advance(2500 + 3750);
  assert.equal(tree.reads(), 0, 'the tree row waits for the view');
  assert.equal(panel.reads(), 2, "the panel's resource is read until stable");
  assert.equal(tracker.isWatching('c1/volume/panel'), false);
});

test('cancelWhere stops only the matching jobs (a removed connection)', async () => {
  const { clock, tracker } = setup();
  const a = tracker.start(extendSpec(scripted([updating]).read, { resourceKey: 'a/volume/vol1' }));
  const b = tracker.start(extendSpec(scripted([updating]).read, { resourceKey: 'b/volume/vol1' }));
  assert.equal(tracker.cancelWhere((k) => k.startsWith('a/'), 'Stopped following: its connection was removed.'), 1);
  assert.equal(a.state, 'cancelled');
  assert.equal(a.message, 'Stopped following: its connection was removed.');
  assert.equal(b.state, 'running');
  tracker.unwatchWhere(() => true);
  tracker.cancelAll();
  await clock.advance(60_000);
});
