import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowedVolumeActions as allowed, createBackend, defaultRestoreDescription, defaultRestoreName, defaultSnapshotName, gibToMiB,
  minimumExtendGiB, parseKeptUntil, snapshotActionBlocker as snapshotBlocker, validateDescription, validateExtendGiB, validateName, validateNewSizeGiB,
  volumeActionBlocker as blocker, type Backend, type Snapshot, type Volume,
} from '../../src/core/index';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { aSnapshot, aVolume, member as user, staff, waldur } from './builders/models';

const allowedVolumeActions = (v: Volume, viewer: typeof user) => allowed(waldur, v, viewer);
const volumeActionBlocker = (a: Parameters<typeof blocker>[1], v: Volume, viewer: typeof user) => blocker(waldur, a, v, viewer);
const snapshotActionBlocker = (a: Parameters<typeof snapshotBlocker>[1], s: Snapshot, viewer: typeof user) => snapshotBlocker(waldur, a, s, viewer);

test('extend: whole GiB, at least current + 1, sent as MiB', () => {
  assert.equal(minimumExtendGiB(40 * 1024), 41);
  assert.equal(minimumExtendGiB(1536), 3, '1.5 GiB + 1 GiB → at least 3 whole GiB');
  assert.match(validateExtendGiB('2', 1536)!, /at least 3 GiB \(the volume is 1\.5 GiB now\)/);
  assert.equal(validateExtendGiB('41', 40 * 1024), undefined);
  assert.match(validateExtendGiB('40', 40 * 1024)!, /at least 41 GiB \(the volume is 40 GiB now\)/);
  assert.match(validateExtendGiB('41.5', 40 * 1024)!, /whole number/);
  assert.match(validateExtendGiB('-5', 40 * 1024)!, /whole number/);
  assert.match(validateExtendGiB(' ', 40 * 1024)!, /Enter the new size/);
  assert.match(validateExtendGiB('99999999', 40 * 1024)!, /largest possible volume/);
  assert.equal(gibToMiB(41), 41 * 1024);
});

test('a new volume: a whole number of GiB, at least 1', () => {
  assert.equal(validateNewSizeGiB('1'), undefined);
  assert.equal(validateNewSizeGiB(' 40 '), undefined);
  for (const bad of ['0', '', '1.5', '-1', 'ten']) assert.match(validateNewSizeGiB(bad)!, /whole number of GiB, at least 1/, bad);
  assert.match(validateNewSizeGiB('99999999')!, /largest possible volume/);
});

test('names: required, at most 150 characters; descriptions at most 4096', () => {
  assert.equal(validateName('data'), undefined);
  assert.match(validateName('   ', 'snapshot name')!, /snapshot name can't be empty/);
  assert.match(validateName('x'.repeat(151))!, /at most 150 characters \(this one has 151\)/);
  assert.equal(validateName('x'.repeat(150)), undefined);
  assert.equal(validateDescription('x'.repeat(4096)), undefined);
  assert.match(validateDescription('x'.repeat(4097))!, /at most 4096/);
});

test('keep-until: empty keeps forever, a real future date, UTC', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  assert.deepEqual(parseKeptUntil('', now), { value: null });
  assert.deepEqual(parseKeptUntil('2027-01-31', now), { value: '2027-01-31T00:00:00.000Z' });
  assert.deepEqual(parseKeptUntil('2027-01-31 08:30', now), { value: '2027-01-31T08:30:00.000Z' });
  assert.match(parseKeptUntil('2026-11-21', now).error!, /in the future/);
  assert.match(parseKeptUntil('2027-02-30', now).error!, /not a real date/);
  assert.match(parseKeptUntil('2027-01-31 25:00', now).error!, /not a real date/);
  assert.match(parseKeptUntil('31.01.2027', now).error!, /YYYY-MM-DD/);
});

test('defaults: <volume>-snapshot, restored names and descriptions stay within limits', () => {
  assert.equal(defaultSnapshotName('data-01'), 'data-01-snapshot');
  assert.equal(defaultSnapshotName('x'.repeat(150)).length, 150);
  assert.equal(defaultRestoreName('snap'), 'snap-restored');
  assert.equal(defaultRestoreName('y'.repeat(150)).length, 150);
  assert.equal(defaultRestoreDescription('snap'), 'Restored from snapshot snap');
});

test('volume rules follow what HomePort allows and the server enforces', () => {
  const available = aVolume({ backendId: 'b', marketplaceResourceId: 'm' });
  const inUse = aVolume({ runtimeState: 'in-use', instanceId: 'i', instanceName: 'web-01', backendId: 'b', marketplaceResourceId: 'm' });
  const system = aVolume({ runtimeState: 'in-use', instanceId: 'i', bootable: true });
  assert.deepEqual(allowedVolumeActions(available, user), ['attach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'delete']);
  assert.deepEqual(allowedVolumeActions(inUse, user), ['detach', 'extend', 'snapshot', 'edit', 'pull']);
  assert.equal(volumeActionBlocker('detach', system, user), "A system volume can't be detached.");
  assert.match(volumeActionBlocker('extend', system, user)!, /system \(bootable\) volume can't be extended/);
  assert.match(volumeActionBlocker('attach', inUse, user)!, /already attached to web-01/);
  assert.match(volumeActionBlocker('retype', inUse, user)!, /only an available \(detached\) volume can be retyped/);
  assert.match(volumeActionBlocker('delete', inUse, user)!, /detach it first/);
  assert.match(volumeActionBlocker('pull', aVolume(), user)!, /no backend ID/);
  assert.equal(volumeActionBlocker('unlink', available, staff), undefined);
  assert.match(volumeActionBlocker('unlink', available, user)!, /Only staff/);
  const erred = aVolume({ state: 'ERRED', runtimeState: 'error', backendId: 'b', marketplaceResourceId: 'm' });
  assert.deepEqual(allowedVolumeActions(erred, user), ['pull', 'delete']);
  const busy = aVolume({ state: 'UPDATE_SCHEDULED', backendId: 'b' });
  assert.deepEqual(allowedVolumeActions(busy, user), []);
  assert.match(volumeActionBlocker('snapshot', aVolume({ runtimeState: 'extending' }), user)!, /busy \(extending\)/);
});

test('snapshot rules', () => {
  assert.equal(snapshotActionBlocker('restore', aSnapshot(), user), undefined);
  assert.match(snapshotActionBlocker('restore', aSnapshot({ state: 'ERRED' }), user)!, /needs state OK/);
  assert.equal(snapshotActionBlocker('delete', aSnapshot({ state: 'ERRED' }), user), undefined);
  assert.match(snapshotActionBlocker('delete', aSnapshot({ state: 'CREATING' }), user)!, /busy/);
  assert.match(snapshotActionBlocker('unlink', aSnapshot(), user)!, /Only staff/);
});

// ---- the request each action sends, recorded on the way to the real local server ----------

let sandbox: Sandbox;
let backend: Backend;
const sent: Array<{ method: string; path: string; body: unknown }> = [];
before(async () => {
  sandbox = await startSandbox({ transitionMs: 10 });
  backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token, {
    fetch: async (req) => {
      const text = req.method === 'GET' ? '' : await req.clone().text();
      sent.push({ method: req.method, path: new URL(req.url).pathname, body: text ? JSON.parse(text) : undefined });
      return fetch(req);
    },
  });
});
after(() => sandbox.close());

/** The last non-GET request. */
const lastWrite = () => [...sent].reverse().find((r) => r.method !== 'GET');
const pick = (pred: (v: Sandbox['store']['volumes'][number]) => boolean) => sandbox.store.volumes.find((v) => v.state === 'OK' && !/fail/.test(v.name) && pred(v))!;

test('extend sends disk_size in MiB', async () => {
  const v = await backend.getVolume(pick((x) => !x.bootable && x.runtime_state === 'available').uuid);
  await backend.extendVolume(v, gibToMiB(minimumExtendGiB(v.sizeMiB)));
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-volumes/${v.id}/extend/`, body: { disk_size: minimumExtendGiB(v.sizeMiB) * 1024 } });
});

test('attach sends the instance URL; retype the type URL', async () => {
  const v = await backend.getVolume(pick((x) => !x.bootable && x.runtime_state === 'available' && x.uuid !== lastWrite()?.path.split('/')[3]).uuid);
  const [instance] = await backend.listAttachableInstances(v);
  assert.ok(instance, `the seed has an instance that ${v.name} can be attached to`);
  await backend.attachVolume(v, instance);
  const instanceRecord = sandbox.store.instances.find((i) => i.uuid === instance.id)!;
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-volumes/${v.id}/attach/`, body: { instance: instanceRecord.url } });
  const w = await backend.getVolume(pick((x) => x.runtime_state === 'available' && x.uuid !== v.id).uuid);
  const type = (await backend.listVolumeTypes(w)).find((t) => t.name !== w.typeName)!;
  assert.ok(type, 'the seed has a second volume type');
  await backend.retypeVolume(w, type);
  const typeRecord = sandbox.store.volumeTypes.find((t) => t.uuid === type.id)!;
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-volumes/${w.id}/retype/`, body: { type: typeRecord.url } });
});

test('snapshot sends name, description and kept_until (null = forever); restore sends name and description', async () => {
  const v = await backend.getVolume(pick(() => true).uuid);
  const snap = await backend.snapshotVolume(v, { name: 'n1', keptUntil: '2030-01-01T00:00:00.000Z' });
  assert.deepEqual(lastWrite()?.body, { name: 'n1', description: '', kept_until: '2030-01-01T00:00:00.000Z' });
  assert.equal(snap.name, 'n1');
  await backend.snapshotVolume(v, { name: 'n2', description: 'd' });
  assert.deepEqual(lastWrite()?.body, { name: 'n2', description: 'd', kept_until: null });

  const ready = sandbox.store.snapshots.find((s) => s.state === 'OK')!;
  const restored = await backend.restoreSnapshot(await backend.getSnapshot(ready.uuid), { name: 'r1', description: 'Restored from snapshot x' });
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-snapshots/${ready.uuid}/restore/`, body: { name: 'r1', description: 'Restored from snapshot x' } });
  assert.equal(restored.name, 'r1');
});

test('edit sends a PATCH with only the changed field; keep-until null keeps forever', async () => {
  const v = await backend.getVolume(pick(() => true).uuid);
  await backend.updateVolume(v, { bootable: !v.bootable });
  assert.deepEqual(lastWrite(), { method: 'PATCH', path: `/api/openstack-volumes/${v.id}/`, body: { bootable: !v.bootable } });
  const s = sandbox.store.snapshots.find((x) => x.state === 'OK')!;
  await backend.updateSnapshot(await backend.getSnapshot(s.uuid), { keptUntil: null });
  assert.deepEqual(lastWrite(), { method: 'PATCH', path: `/api/openstack-snapshots/${s.uuid}/`, body: { kept_until: null } });
});

test('delete volume is a marketplace terminate order; delete snapshot a DELETE; unlink and pull are POSTs', async () => {
  const v = await backend.getVolume(pick((x) => x.runtime_state === 'available' && Boolean(x.marketplace_resource_uuid)).uuid);
  const outcome = await backend.deleteVolume(v);
  const record = sandbox.store.volumes.find((x) => x.uuid === v.id)!;
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/marketplace-resources/${record.marketplace_resource_uuid}/terminate/`, body: {} });
  assert.equal(outcome.kind, 'order');
  assert.match(outcome.kind === 'order' ? outcome.orderId : '', /^[0-9a-f]{32}$/);

  const s = sandbox.store.snapshots.find((x) => x.state === 'OK')!;
  await backend.pullSnapshot!(await backend.getSnapshot(s.uuid));
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-snapshots/${s.uuid}/pull/`, body: undefined });
  const t = sandbox.store.snapshots.find((x) => x.state === 'OK' && x !== s)!;
  await backend.deleteSnapshot(await backend.getSnapshot(t.uuid));
  assert.deepEqual(lastWrite(), { method: 'DELETE', path: `/api/openstack-snapshots/${t.uuid}/`, body: undefined });

  const u = sandbox.store.volumes.find((x) => x.state === 'OK' && x.uuid !== v.id)!;
  await backend.unlinkVolume!(await backend.getVolume(u.uuid));
  assert.deepEqual(lastWrite(), { method: 'POST', path: `/api/openstack-volumes/${u.uuid}/unlink/`, body: undefined });
  assert.ok(!sandbox.store.volumes.includes(u), 'the record is gone');
});
