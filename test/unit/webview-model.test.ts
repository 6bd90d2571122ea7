import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepUntilValue, relativeTime, timeValue } from '../../src/core/index';
import { actionCommand } from '../../src/webview/header';
import { isFromWebview, isPanelRef, type DetailsModel, type Section } from '../../src/shared/protocol';
import { member, staff } from './builders/models';
import { snapshotDetails, volumeDetails } from './builders/panels';
import { aRestoration, aSnapshotRecord, aVolumeRecord } from './builders/waldur-records';

const NOW = new Date('2026-03-04T10:00:00Z');

function section(model: DetailsModel, id: string): Section {
  const found = model.sections.find((s) => s.id === id);
  assert.ok(found, `section ${id} exists`);
  return found;
}

function fields(model: DetailsModel, id: string): Record<string, string> {
  const s = section(model, id);
  assert.equal(s.type, 'fields');
  return Object.fromEntries(s.type === 'fields' ? s.fields.map((f) => [f.label, f.value.text]) : []);
}

test('relative times: past and future, singular and plural, exact time kept for the hover', () => {
  assert.equal(relativeTime('2026-03-01T10:00:00Z', NOW), '3 days ago');
  assert.equal(relativeTime('2026-03-03T10:00:00Z', NOW), '1 day ago');
  assert.equal(relativeTime('2026-03-04T09:59:30Z', NOW), 'just now');
  assert.equal(relativeTime('2026-03-04T09:59:00Z', NOW), '1 minute ago');
  assert.equal(relativeTime('2026-03-04T07:00:00Z', NOW), '3 hours ago');
  assert.equal(relativeTime('2026-05-04T10:00:00Z', NOW), 'in 2 months');
  assert.equal(relativeTime('2024-03-04T10:00:00Z', NOW), '2 years ago');
  assert.equal(relativeTime('not a date', NOW), '');
  assert.equal(relativeTime(undefined, NOW), '');
  assert.deepEqual(timeValue('2026-03-01T10:00:00Z', NOW), { text: '3 days ago', title: '2026-03-01 10:00 UTC', datetime: '2026-03-01T10:00:00Z' });
  assert.deepEqual(timeValue(undefined, NOW), { text: 'Unknown', muted: true });
});

test('keep until: empty means keep forever, a date is relative with the exact time on hover', () => {
  assert.deepEqual(keepUntilValue(null, NOW), { text: 'Keep forever' });
  assert.deepEqual(keepUntilValue('', NOW), { text: 'Keep forever' });
  assert.deepEqual(keepUntilValue('2026-03-11T10:00:00Z', NOW), { text: 'in 7 days', title: '2026-03-11 10:00 UTC', datetime: '2026-03-11T10:00:00Z' });
});

test('volume panel: header, overview, attachment, origin, marketplace and timestamps', () => {
  const m = volumeDetails({ volume: aVolumeRecord({ size: 1536 }), snapshots: [] }, member, NOW);
  assert.deepEqual(m.ref, { connectionId: 'c1', kind: 'volume', id: 'vol1' });
  assert.equal(m.name, 'data-01');
  assert.equal(m.kindLabel, 'Volume');
  assert.equal(m.size, '1.5 GiB');
  assert.deepEqual(m.badges, [{ label: 'State', text: 'OK', tone: 'ok' }, { label: 'Runtime state', text: 'available', tone: 'ok' }]);
  assert.equal(m.busy, false);
  assert.equal(m.busyText, undefined);
  assert.deepEqual(m.sections.map((s) => s.id), ['overview', 'attachment', 'origin', 'snapshots', 'marketplace', 'timestamps']);
  assert.deepEqual(fields(m, 'overview'), {
    Description: 'Scratch space', Type: 'ssd', Bootable: 'No', 'Availability zone': 'nova', 'Backend ID': 'cinder-1',
    Tenant: 'tenant-a', Project: 'Genomics', Organization: 'Acme Research',
  });
  assert.deepEqual(fields(m, 'attachment'), { Instance: 'Not attached' });
  assert.deepEqual(fields(m, 'origin'), { 'Source snapshot': 'Not created from a snapshot' });
  assert.deepEqual(fields(m, 'marketplace'), { Offering: 'OpenStack volumes', Plan: 'plan1', 'Resource state': 'OK', Category: 'None' });
  assert.deepEqual(fields(m, 'timestamps'), { Created: '3 days ago', Modified: '1 hour ago' });
  assert.equal(volumeDetails({ volume: aVolumeRecord({ size: 40 * 1024 }), snapshots: [] }, member, NOW).size, '40 GiB');
});

test('volume panel: attachment, source snapshot link, snapshots table newest first, each opening its panel', () => {
  const m = volumeDetails({
    volume: aVolumeRecord({
      runtime_state: 'in-use', instance: 'https://w.example/api/openstack-instances/i1/', instance_name: 'web-01', device: '/dev/vdb',
      source_snapshot: 'https://w.example/api/openstack-snapshots/src1/', image_name: 'ubuntu-24.04',
    }),
    snapshots: [
      aSnapshotRecord({ uuid: 'old', name: 'old', created: '2026-02-01T10:00:00Z', kept_until: '2026-04-04T10:00:00Z' }),
      aSnapshotRecord({ uuid: 'new', name: 'new', created: '2026-03-02T10:00:00Z', kept_until: null }),
    ],
    sourceSnapshotName: 'golden',
  }, member, NOW);
  assert.deepEqual(fields(m, 'attachment'), { Instance: 'web-01', Device: '/dev/vdb' });
  const attachment = section(m, 'attachment');
  assert.ok(attachment.type === 'fields');
  assert.deepEqual(attachment.fields[0]!.value.open, { kind: 'instance', id: 'i1' }, 'the instance is a link (it opens as JSON)');
  const origin = section(m, 'origin');
  assert.ok(origin.type === 'fields');
  assert.deepEqual(origin.fields[0], { label: 'Source snapshot', value: { text: 'golden', open: { kind: 'snapshot', id: 'src1' } } });
  assert.equal(origin.fields[1]?.value.text, 'ubuntu-24.04');

  const table = section(m, 'snapshots');
  assert.ok(table.type === 'table');
  assert.equal(table.heading, 'Snapshots (2)');
  assert.deepEqual(table.columns, ['Name', 'Size', 'Created', 'Keep until']);
  assert.deepEqual(table.rows.map((r) => r.cells.map((c) => c.text)), [
    ['new', '10 GiB', '2 days ago', 'Keep forever'],
    ['old', '10 GiB', '1 month ago', 'in 1 month'],
  ]);
  assert.deepEqual(table.rows.map((r) => r.open), [{ kind: 'snapshot', id: 'new' }, { kind: 'snapshot', id: 'old' }]);
  assert.equal(table.rows[1]?.cells[3]?.title, '2026-04-04 10:00 UTC');

  const unnamedSource = volumeDetails({ volume: aVolumeRecord({ source_snapshot: 'https://w.example/api/openstack-snapshots/abcdef123456/' }), snapshots: [] }, member, NOW);
  assert.equal(fields(unnamedSource, 'origin')['Source snapshot'], 'Snapshot abcdef12');
  const empty = section(volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, member, NOW), 'snapshots');
  assert.ok(empty.type === 'table' && empty.rows.length === 0 && empty.empty === 'This volume has no snapshots.');
});

test('volume actions are exactly what the rules allow (core/rules.ts), unlink only for staff, none when read-only', () => {
  const actions = (m: DetailsModel): string[] => m.actions.map((a) => a.action);
  const available = volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, member, NOW);
  assert.deepEqual(actions(available), ['attach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'delete']);
  assert.deepEqual(actions(volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, staff, NOW)), ['attach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'unlink', 'delete']);

  const attached = volumeDetails({ volume: aVolumeRecord({ runtime_state: 'in-use', instance: 'https://w.example/api/openstack-instances/i1/', instance_name: 'web-01' }), snapshots: [] }, member, NOW);
  assert.deepEqual(actions(attached), ['detach', 'extend', 'snapshot', 'edit', 'pull']);

  const busy = volumeDetails({ volume: aVolumeRecord({ state: 'Update Scheduled', runtime_state: 'extending' }), snapshots: [] }, member, NOW);
  assert.deepEqual(actions(busy), []);
  assert.equal(busy.busy, true);
  assert.equal(busy.busyText, 'data-01 is extending…');
  assert.deepEqual(busy.badges.map((b) => [b.text, b.tone]), [['Update scheduled', 'busy'], ['extending', 'busy']]);
  assert.equal(volumeDetails({ volume: aVolumeRecord({ state: 'CREATING', runtime_state: '' }), snapshots: [] }, member, NOW).busyText, 'data-01 is creating…');

  const readOnly = volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, { isStaff: true, readOnly: true }, NOW);
  assert.deepEqual(actions(readOnly), []);
  assert.match(readOnly.actionsNote ?? '', /read-only/);

  const delete_ = available.actions.find((a) => a.action === 'delete');
  assert.deepEqual(delete_, { action: 'delete', label: 'Delete…', icon: 'trash', destructive: true });
  assert.equal(actionCommand('volume', 'extend'), 'volumeExplorer.extendVolume');
  assert.equal(actionCommand('snapshot', 'restore'), 'volumeExplorer.restoreSnapshot');
});

test('an erred volume leads with its error message; the traceback comes along to be folded away', () => {
  const m = volumeDetails({ volume: aVolumeRecord({ state: 'Erred', runtime_state: 'error', error_message: 'Quota exceeded', error_traceback: 'Traceback (most recent call last):\n  …' }), snapshots: [] }, member, NOW);
  assert.deepEqual(m.sections[0], { type: 'error', id: 'error', heading: 'Error', message: 'Quota exceeded', traceback: 'Traceback (most recent call last):\n  …' });
  assert.deepEqual(m.badges.map((b) => b.tone), ['error', 'error']);
  assert.deepEqual(m.actions.map((a) => a.action), ['pull', 'delete']);
  const noMessage = volumeDetails({ volume: aVolumeRecord({ state: 'ERRED', error_message: '' }), snapshots: [] }, member, NOW);
  assert.deepEqual(noMessage.sections[0], { type: 'error', id: 'error', heading: 'Error', message: 'The server reports an error but gave no message.' });
  assert.equal(volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, member, NOW).sections.some((s) => s.type === 'error'), false);
});

test('snapshot panel: source volume link, keep forever, restorations each opening the new volume', () => {
  const m = snapshotDetails({
    snapshot: aSnapshotRecord(),
    restorations: [
      aRestoration(),
      aRestoration({ uuid: 'res2', volume: 'https://w.example/api/openstack-volumes/vol3/', volume_name: 'restored-02', volume_state: 'Creation Scheduled', volume_runtime_state: 'creating', volume_device: '/dev/vdc', created: '2026-03-04T09:00:00Z' }),
    ],
  }, member, NOW);
  assert.deepEqual(m.ref, { connectionId: 'c1', kind: 'snapshot', id: 'snap1' });
  assert.equal(m.kindLabel, 'Snapshot');
  assert.equal(m.size, '10 GiB');
  const overview = section(m, 'overview');
  assert.ok(overview.type === 'fields');
  assert.deepEqual(overview.fields.find((f) => f.label === 'Source volume')?.value, { text: 'data-01', open: { kind: 'volume', id: 'vol1' } });
  assert.equal(fields(m, 'overview')['Keep until'], 'Keep forever');
  const table = section(m, 'restorations');
  assert.ok(table.type === 'table');
  assert.deepEqual(table.columns, ['New volume', 'State', 'Size', 'Device', 'Created']);
  assert.deepEqual(table.rows.map((r) => r.cells.map((c) => c.text)), [
    ['restored-02', 'Creation scheduled · creating', '10 GiB', '/dev/vdc', '1 hour ago'],
    ['restored-01', 'OK · available', '10 GiB', 'Not attached', '1 day ago'],
  ]);
  assert.deepEqual(table.rows.map((r) => r.open), [{ kind: 'volume', id: 'vol3' }, { kind: 'volume', id: 'vol2' }]);
  assert.deepEqual(m.actions.map((a) => a.action), ['restore', 'edit', 'pull', 'delete']);

  const kept = snapshotDetails({ snapshot: aSnapshotRecord({ kept_until: '2026-03-11T10:00:00Z', source_volume: null }), restorations: [] }, staff, NOW);
  assert.equal(fields(kept, 'overview')['Keep until'], 'in 7 days');
  assert.equal(fields(kept, 'overview')['Source volume'], 'The source volume no longer exists');
  assert.deepEqual(kept.actions.map((a) => a.action), ['restore', 'edit', 'pull', 'unlink', 'delete']);
  const busy = snapshotDetails({ snapshot: aSnapshotRecord({ state: 'Deletion Scheduled' }), restorations: [] }, member, NOW);
  assert.deepEqual(busy.actions, []);
  assert.equal(busy.busyText, 'data-01-snapshot is deletion scheduled…');
});

test('API text is carried as text, single-line fields show control characters neutralised, names never empty', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const m = volumeDetails({ volume: aVolumeRecord({ name: hostile, description: '[x](command:workbench.action.quit)\nsecond line' }), snapshots: [] }, member, NOW);
  assert.equal(m.name, hostile);
  assert.equal(fields(m, 'overview')['Description'], '[x](command:workbench.action.quit)\nsecond line');
  assert.equal(volumeDetails({ volume: aVolumeRecord({ name: 'a\u0000b\nc\u202ed' }), snapshots: [] }, member, NOW).name, 'a\ufffdb c\ufffdd');
  assert.equal(volumeDetails({ volume: aVolumeRecord({ name: '' }), snapshots: [] }, member, NOW).name, '(unnamed volume)');
  assert.equal(snapshotDetails({ snapshot: aSnapshotRecord({ name: undefined }), restorations: [] }, member, NOW).name, '(unnamed snapshot)');
});

test('messages from the webview are checked before use', () => {
  assert.equal(isFromWebview({ type: 'ready' }), true);
  assert.equal(isFromWebview({ type: 'refresh' }), true);
  assert.equal(isFromWebview({ type: 'action', action: 'extend' }), true);
  assert.equal(isFromWebview({ type: 'action', action: 'workbench.action.quit' }), false);
  assert.equal(isFromWebview({ type: 'open', kind: 'volume', id: '0b9f2c1e-aa' }), true);
  assert.equal(isFromWebview({ type: 'open', kind: 'instance', id: '0b9f2c1e-aa' }), true, 'an attached instance opens as JSON');
  assert.equal(isFromWebview({ type: 'open', kind: 'project', id: '0b9f2c1e-aa' }), false);
  assert.equal(isFromWebview({ type: 'open', kind: 'volume', id: '../../users/me' }), false);
  assert.equal(isFromWebview({ type: 'eval' }), false);
  assert.equal(isFromWebview(null), false);
  assert.equal(isPanelRef({ connectionId: 'demo', kind: 'snapshot', id: 'abc' }), true);
  assert.equal(isPanelRef({ kind: 'snapshot', id: 'abc' }), false, 'a saved panel names its connection');
  assert.equal(isPanelRef({ connectionId: 'demo', kind: 'project', id: 'abc' }), true, 'a project has its panel (quota, contents, findings)');
  assert.equal(isPanelRef({ connectionId: 'demo', kind: 'organization', id: 'abc' }), false);
  assert.equal(isPanelRef({ connectionId: 'demo', kind: 'snapshot' }), false);
});
