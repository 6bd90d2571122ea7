import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupPlan, describeTotal, findInsights, formatSize, type Finding } from '../../src/core/insights';
import { aSnapshot, aVolume } from './builders/models';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const minutesAgo = (m: number): string => new Date(NOW.getTime() - m * 60_000).toISOString();
const kinds = (f: Finding[]): string[] => f.map((x) => `${x.kind}:${x.resource.id}`);

test('volumes: unattached past N days (by the last change), in error, stuck past N minutes; attached and fresh ones are not findings', () => {
  const volumes = [
    aVolume({ id: 'old-free', modified: daysAgo(41), sizeMiB: 100 * 1024 }),
    aVolume({ id: 'new-free', modified: daysAgo(3) }),
    aVolume({ id: 'old-attached', modified: daysAgo(400), runtimeState: 'in-use', instanceId: 'i1' }),
    aVolume({ id: 'erred', state: 'ERRED', runtimeState: 'error', modified: daysAgo(1) }),
    aVolume({ id: 'stuck', state: 'UPDATING', runtimeState: 'extending', modified: minutesAgo(90) }),
    aVolume({ id: 'moving', state: 'UPDATING', runtimeState: 'extending', modified: minutesAgo(5) }),
    aVolume({ id: 'no-date' }),
  ];
  const found = findInsights(volumes, [], NOW, { unattachedDays: 30, snapshotAgeDays: 0, stuckMinutes: 60 });
  assert.deepEqual(kinds(found), ['unattached:old-free', 'error:erred', 'stuck:stuck']);
  assert.equal(found[0]!.reason, 'unattached for 41 days');
  assert.equal(found[0]!.deletable, true);
  assert.equal(found[2]!.reason, 'extending for 90 min');
  assert.equal(found[2]!.deletable, false, 'a busy resource is never offered for deletion');
  const hours = findInsights([aVolume({ id: 'h', state: 'DELETING', runtimeState: 'deleting', modified: minutesAgo(9 * 60 + 5) })], [], NOW);
  assert.equal(hours[0]!.reason, 'deleting for 9 h');
  assert.deepEqual(kinds(findInsights(volumes, [], new Date(NOW.getTime() - 20 * 86_400_000))), ['error:erred'], 'the clock decides: 20 days earlier, nothing was old yet');
});

test('snapshots: volume gone, past keep-until, older than N days; error and stuck; a snapshot counts once', () => {
  const volumes = [aVolume({ id: 'v1', modified: daysAgo(1) })];
  const snapshots = [
    aSnapshot({ id: 'orphan', sourceVolumeId: 'gone' }),
    aSnapshot({ id: 'expired', sourceVolumeId: 'v1', keptUntil: daysAgo(31), created: daysAgo(400) }),
    aSnapshot({ id: 'old', sourceVolumeId: 'v1', created: daysAgo(200) }),
    aSnapshot({ id: 'fresh', sourceVolumeId: 'v1', created: daysAgo(2), keptUntil: daysAgo(-5) }),
    aSnapshot({ id: 'erred', sourceVolumeId: 'v1', state: 'ERRED', runtimeState: 'error' }),
    aSnapshot({ id: 'stuck', sourceVolumeId: 'v1', state: 'CREATING', runtimeState: 'creating', created: daysAgo(2) }),
  ];
  const found = findInsights(volumes, snapshots, NOW, { unattachedDays: 30, snapshotAgeDays: 180, stuckMinutes: 60 });
  assert.deepEqual(kinds(found), ['orphan-snapshot:orphan', 'expired-snapshot:expired', 'old-snapshot:old', 'error:erred', 'stuck:stuck']);
  assert.equal(found[1]!.reason, `kept until ${daysAgo(31).slice(0, 10)} (31 days ago)`);
  assert.equal(found[4]!.reason, 'creating for 2 days');
});

test('totals: "12 unattached volumes, 3.4 TiB"', () => {
  const volumes = Array.from({ length: 12 }, (_, i) => aVolume({ id: `v${i}`, modified: daysAgo(60), sizeMiB: Math.round(3.4 * 1024 * 1024 / 12) }));
  const found = findInsights(volumes, [], NOW);
  assert.equal(describeTotal(found, 'unattached'), '12 unattached volumes, 3.4 TiB');
  assert.equal(describeTotal(found.slice(0, 1), 'unattached'), '1 unattached volume, 290.1 GiB');
  assert.equal(formatSize(512 * 1024), '512 GiB');
});

test('clean-up plan: never attached or busy, each resource once, never more than chosen', () => {
  const free = findInsights([aVolume({ id: 'free', modified: daysAgo(60), sizeMiB: 10 * 1024 })], [], NOW)[0]!;
  const orphan = findInsights([], [aSnapshot({ id: 'o', sourceVolumeId: 'gone', sizeMiB: 5 * 1024 })], NOW)[0]!;
  // The same finding whose volume was attached meanwhile (a fresh read), and a busy one.
  const nowAttached: Finding = { ...free, resource: aVolume({ id: 'free2', runtimeState: 'in-use', instanceId: 'i9' }) };
  const nowBusy: Finding = { ...orphan, resource: aSnapshot({ id: 'o2', state: 'DELETING', runtimeState: 'deleting' }) };
  const plan = cleanupPlan([free, orphan, free, nowAttached, nowBusy]);
  assert.deepEqual(plan.delete.map((f) => f.resource.id), ['free', 'o']);
  assert.deepEqual(plan.skipped.map((s) => [s.finding.resource.id, s.why]), [['free2', 'it is attached'], ['o2', 'it is deleting']]);
  assert.equal(plan.totalMiB, 15 * 1024);
  assert.ok(plan.delete.length <= 5);
  assert.deepEqual(cleanupPlan([]).delete, []);
});
