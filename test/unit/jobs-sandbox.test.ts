import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, formatGiB, MIB_PER_GIB, type Backend, type Volume } from '../../src/core/index';
import { failureOf, isStable } from '../../src/jobs/judge';
import { JobTracker, type Job, type JobSpec } from '../../src/jobs/tracker';
import { startSandbox } from '../../src/sandbox/index';

/** Follows a real extend on the local sandbox server with real timers and a short schedule. */

function followSpec(backend: Backend, volume: Volume, seen: string[], overrides: Partial<JobSpec<Volume>> = {}): JobSpec<Volume> {
  return {
    resourceKey: `volume/${volume.id}`,
    action: 'extend',
    title: `Extending ${volume.name}`,
    read: (signal) => backend.getVolume(volume.id, signal),
    isStable,
    isFailed: failureOf,
    successMessage: (v) => `${v?.name} is now ${formatGiB(v?.sizeMiB)}`,
    failureTitle: 'Extend failed',
    onUpdate: (v) => seen.push(v.status.category),
    ...overrides,
  };
}

function ended(tracker: JobTracker, job: Job): Promise<Job> {
  return new Promise((resolve) => {
    if (job.state !== 'running') return resolve(job);
    const sub = tracker.onDidChange((e) => {
      if (e.type === 'ended' && e.job.id === job.id) {
        sub.dispose();
        resolve(e.job);
      }
    });
  });
}

test('follows an extend on the sandbox until the volume is OK with the new size', { timeout: 20_000 }, async () => {
  const sandbox = await startSandbox({ port: 0, transitionMs: 30 });
  const tracker = new JobTracker({ schedule: { initialMs: 20, factor: 1.5, maxMs: 100 }, defaultTimeoutMs: 10_000 });
  try {
    const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
    const record = sandbox.store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.bootable && !v.instance && !/fail/i.test(v.name));
    assert.ok(record, 'the seed has an available non-bootable volume');
    const volume = await backend.getVolume(record.uuid);
    const target = (volume.sizeMiB ?? 0) + MIB_PER_GIB;
    await backend.extendVolume(volume, target);

    const seen: string[] = [];
    const job = tracker.start(followSpec(backend, volume, seen));
    const done = await ended(tracker, job);
    assert.equal(done.state, 'succeeded', done.message);
    assert.equal((done.last as Volume).sizeMiB, target);
    assert.equal(done.message, `${volume.name} is now ${formatGiB(target)}`);
    assert.ok(seen.includes('busy'), `a busy status was seen on the way (${seen.join(' → ')})`);
    assert.equal(seen[seen.length - 1], 'stable');
    assert.equal((await backend.getVolume(volume.id)).sizeMiB, target);
  } finally {
    tracker.dispose();
    await sandbox.close();
  }
});

test('an extend that fails on the sandbox ends with the API error message', { timeout: 20_000 }, async () => {
  const sandbox = await startSandbox({ port: 0, transitionMs: 30 });
  const tracker = new JobTracker({ schedule: { initialMs: 20, factor: 1.5, maxMs: 100 }, defaultTimeoutMs: 10_000 });
  try {
    const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
    const record = sandbox.store.volumes.find((v) => v.state === 'OK' && !v.bootable && !v.instance && /fail/i.test(v.name));
    assert.ok(record, 'the seed has a failing, non-bootable, detached volume');
    const volume = await backend.getVolume(record.uuid);
    await backend.extendVolume(volume, (volume.sizeMiB ?? 0) + MIB_PER_GIB);
    const done = await ended(tracker, tracker.start(followSpec(backend, volume, [])));
    assert.equal(done.state, 'failed');
    assert.match(done.message ?? '', /^Extend failed: .+/);
    assert.equal(done.message, `Extend failed: ${(await backend.getVolume(volume.id)).errorMessage}`);
  } finally {
    tracker.dispose();
    await sandbox.close();
  }
});
