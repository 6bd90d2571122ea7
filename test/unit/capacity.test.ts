import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cinderQuotaLines } from '../../src/backends/openstack/backend';
import { describeLine, fillOf, preflight, quotaRefusal, usageText, type Capacity } from '../../src/core/capacity';
import { capacitySections, contentSections, projectSize } from '../../src/core/project';
import { findInsights } from '../../src/core/insights';
import { aSnapshot, aVolume } from './builders/models';

const GiB = 1024;

/** A Waldur tenant as the backend maps it: storage in MiB (volumes and snapshots), per-type GiB → MiB, counts. */
const tenant: Capacity = {
  id: 't1', owner: 'tenant dl-tenant', snapshotsUseStorage: true,
  lines: [
    { key: 'storage', label: 'Storage', unit: 'MiB', used: 900 * GiB, limit: 1000 * GiB },
    { key: 'storage:ssd', label: 'Storage of type ssd', unit: 'MiB', used: 90 * GiB, limit: 100 * GiB, typeName: 'ssd' },
    { key: 'volumes', label: 'Volumes', unit: 'count', used: 9, limit: 10 },
    { key: 'snapshots', label: 'Snapshots', unit: 'count', used: 3, limit: undefined },
  ],
};

test('quota lines read as people say them; no limit has no bar', () => {
  assert.equal(describeLine(tenant.lines[0]!), 'Storage 900 of 1000 GiB (90%)');
  assert.equal(describeLine(tenant.lines[2]!), 'Volumes 9 of 10 (90%)');
  assert.equal(describeLine(tenant.lines[3]!), 'Snapshots 3 (no limit)');
  assert.equal(usageText(tenant), 'Storage 900 of 1000 GiB (90%) · Storage of type ssd 90 of 100 GiB (90%) · Volumes 9 of 10 (90%) · Snapshots 3 (no limit)');
  assert.equal(fillOf(tenant.lines[0]!), 0.9);
  assert.equal(fillOf(tenant.lines[3]!), undefined);
  assert.equal(fillOf({ key: 'x', label: 'X', unit: 'count', used: 12, limit: 10 }), 1, 'over the limit: a full bar, not 120%');
  assert.equal(describeLine({ key: 'volumes', label: 'Volumes', unit: 'count', used: 1, limit: 0 }), 'Volumes 1 of 0 (over)');
});

test('pre-flight: the worst quota an action takes, and the first it would exceed (named, with what is left)', () => {
  const extend = preflight(tenant, { storageMiB: 50 * GiB, typeName: 'hdd' });
  assert.equal(extend.exceeded, undefined);
  assert.equal(extend.text, 'This takes storage to 95% of the quota of tenant dl-tenant (950 of 1000 GiB).');
  assert.deepEqual(extend.checks.map((c) => c.line.key), ['storage'], 'a per-type line counts only its own type');

  const ssd = preflight(tenant, { storageMiB: 20 * GiB, typeName: 'ssd' });
  assert.equal(ssd.exceeded?.line.key, 'storage:ssd');
  assert.equal(ssd.text, 'This would exceed the storage of type ssd quota of tenant dl-tenant: 110 of 100 GiB (10 GiB left).');
  assert.equal(quotaRefusal('Extending data-01 to 60 GiB', ssd),
    'Extending data-01 to 60 GiB refused before sending: it would exceed the storage of type ssd quota of tenant dl-tenant: 110 of 100 GiB (10 GiB left). Free some up or ask for a bigger quota; nothing was sent.');

  const twoVolumes = preflight(tenant, { volumes: 2, storageMiB: 10 * GiB });
  assert.equal(twoVolumes.exceeded?.line.key, 'volumes');
  assert.match(twoVolumes.text, /exceed the volumes quota of tenant dl-tenant: 11 of 10 \(1 left\)/);

  // A snapshot: one more snapshot (no limit) and its size against storage where snapshots count.
  assert.equal(preflight(tenant, { snapshots: 1, snapshotMiB: 200 * GiB }).exceeded?.line.key, 'storage');
  assert.equal(preflight({ ...tenant, snapshotsUseStorage: false }, { snapshots: 1, snapshotMiB: 200 * GiB }).text, '', 'no limited quota touched: nothing to say');
  assert.equal(quotaRefusal('x', preflight(tenant, { volumes: 1, storageMiB: GiB })), undefined);
});

test('Cinder limits: GiB to MiB, -1 is no limit, odd values drop their line', () => {
  const lines = cinderQuotaLines({
    totalGigabytesUsed: 12, maxTotalVolumeGigabytes: 1000, totalVolumesUsed: 3, maxTotalVolumes: 10, totalSnapshotsUsed: 1, maxTotalSnapshots: -1, maxTotalBackups: 10,
  });
  assert.deepEqual(lines, [
    { key: 'storage', label: 'Storage', unit: 'MiB', used: 12 * GiB, limit: 1000 * GiB },
    { key: 'volumes', label: 'Volumes', unit: 'count', used: 3, limit: 10 },
    { key: 'snapshots', label: 'Snapshots', unit: 'count', used: 1, limit: undefined },
  ]);
  assert.deepEqual(cinderQuotaLines({ totalGigabytesUsed: '12', maxTotalVolumeGigabytes: 1000, totalVolumesUsed: -1, maxTotalVolumes: 10, totalSnapshotsUsed: null }), [],
    'a string, a negative usage or a missing limit: no line rather than NaN');
  const cap: Capacity = { id: 'p', owner: 'project demo', snapshotsUseStorage: true, lines };
  assert.equal(preflight(cap, { volumes: 1, storageMiB: 989 * GiB }).exceeded?.line.key, 'storage', '12 + 989 > 1000 GiB');
  assert.equal(preflight(cap, { volumes: 1, storageMiB: 988 * GiB }).exceeded, undefined, 'exactly the limit is allowed');
});

test('project panel: quota bars with tones, contents, findings rows that open their resource', () => {
  const [quota] = capacitySections([tenant]);
  assert.ok(quota && quota.type === 'meters');
  assert.equal(quota.heading, 'Quota of tenant dl-tenant');
  assert.deepEqual(quota.meters.map((m) => [m.label, m.text, m.fill, m.tone]), [
    ['Storage', '900 of 1000 GiB (90%)', 0.9, 'warn'],
    ['Storage of type ssd', '90 of 100 GiB (90%)', 0.9, 'warn'],
    ['Volumes', '9 of 10 (90%)', 0.9, 'warn'],
    ['Snapshots', '3 (no limit)', undefined, 'ok'],
  ]);
  const [failed] = capacitySections(undefined, 'host answered 503');
  assert.ok(failed?.type === 'meters' && failed.note === "Couldn't read the quota: host answered 503");

  const now = new Date('2026-12-01T00:00:00Z');
  const volumes = [aVolume({ id: 'v1', sizeMiB: 100 * GiB, modified: '2026-01-01T00:00:00Z' }), aVolume({ id: 'v2', sizeMiB: 20 * GiB, runtimeState: 'in-use', instanceId: 'i' })];
  const snapshots = [aSnapshot({ id: 's1', sourceVolumeId: 'gone', sizeMiB: 5 * GiB })];
  const findings = findInsights(volumes, snapshots, now);
  assert.equal(projectSize(volumes), '2 volumes · 120 GiB');
  const [contents, table] = contentSections(volumes, snapshots, findings);
  assert.ok(contents?.type === 'fields' && table?.type === 'table');
  assert.deepEqual(contents.fields.map((f) => `${f.label}: ${f.value.text}`), ['Volumes: 2 (120 GiB)', 'Attached: 1 (20 GiB)', 'Snapshots: 1 (5 GiB)']);
  assert.equal(table.heading, 'Findings (2)');
  assert.deepEqual(table.rows.map((r) => r.open), [{ kind: 'volume', id: 'v1' }, { kind: 'snapshot', id: 's1' }]);
});
