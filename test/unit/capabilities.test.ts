import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowedSnapshotActions, allowedVolumeActions, childLevel, holdsVolumes, snapshotActionBlocker, volumeActionBlocker,
  type BackendRules, type Capabilities, type RuledBackend, type Snapshot, type Volume,
} from '../../src/core/index';
import { aSnapshot, aVolume, member, staff, waldur } from './builders/models';

/**
 * A second backend with another capability set: one scope level (just projects), no pull, no
 * unlink, no retype, delete accepted (no order), snapshots without keep-until — and rules of its
 * own that only refuse a volume named "frozen". What a backend doesn't have is never allowed.
 */
const PLAIN: Capabilities = {
  displayName: 'Plain cloud',
  volumeActions: ['attach', 'detach', 'extend', 'snapshot', 'edit', 'delete'],
  snapshotActions: ['restore', 'edit', 'delete'],
  scopeLevels: [{ kind: 'project', singular: 'project', plural: 'projects', icon: 'project' }],
  deleteVolume: 'accepted',
  editable: { volume: ['name', 'description'], snapshot: ['name', 'description'] },
  anyStatusActions: [],
  createVolume: false,
};
const plainRules: BackendRules = {
  volumeBlocker: (_a, v) => (v.name === 'frozen' ? 'frozen volumes are left alone' : undefined),
  snapshotBlocker: () => undefined,
};
const plain: RuledBackend = { capabilities: PLAIN, rules: plainRules };

/** A neutral volume (no Waldur fields): status and runtime state only. */
const neutral = (o: Partial<Volume> = {}): Volume => ({
  id: 'v1', name: 'data', description: '', sizeMiB: 10 * 1024, runtimeState: 'available', bootable: false,
  status: { category: 'stable', label: 'available' }, ...o,
});

test('an action the backend does not have is never allowed, with a reason naming the backend', () => {
  const v = neutral();
  assert.deepEqual(allowedVolumeActions(plain, v, staff), ['attach', 'extend', 'snapshot', 'edit', 'delete']);
  assert.match(volumeActionBlocker(plain, 'pull', v, staff)!, /Plain cloud has no "pull" for volumes/);
  assert.match(volumeActionBlocker(plain, 'unlink', v, staff)!, /no "unlink"/);
  assert.match(volumeActionBlocker(plain, 'retype', v, staff)!, /no "retype"/);
  const s: Snapshot = { id: 's1', name: 's', description: '', sizeMiB: 1024, runtimeState: 'available', status: { category: 'stable', label: 'available' } };
  assert.deepEqual(allowedSnapshotActions(plain, s, staff), ['restore', 'edit', 'delete']);
  assert.match(snapshotActionBlocker(plain, 'pull', s, staff)!, /no "pull" for snapshots/);
});

test('neutral rules apply to every backend: busy, attached, read-only', () => {
  assert.deepEqual(allowedVolumeActions(plain, neutral({ status: { category: 'busy', label: 'extending' }, runtimeState: 'extending' }), staff), []);
  assert.match(volumeActionBlocker(plain, 'snapshot', neutral({ status: { category: 'busy', label: 'extending' } }), staff)!, /busy \(extending\)/);
  const attached = neutral({ runtimeState: 'in-use', instanceId: 'i1', instanceName: 'web', status: { category: 'stable', label: 'in-use' } });
  assert.match(volumeActionBlocker(plain, 'attach', attached, staff)!, /already attached to web/);
  assert.match(volumeActionBlocker(plain, 'delete', attached, staff)!, /detach it first/);
  assert.match(volumeActionBlocker(plain, 'detach', neutral(), staff)!, /is not attached/);
  assert.deepEqual(allowedVolumeActions(plain, neutral(), { isStaff: true, readOnly: true, connectionLabel: 'Production' }), []);
  assert.match(volumeActionBlocker(plain, 'extend', neutral(), { isStaff: true, readOnly: true, connectionLabel: 'Production' })!, /Production is read-only/);
});

test("the backend's own rules run after the neutral ones", () => {
  assert.equal(volumeActionBlocker(plain, 'extend', neutral({ name: 'frozen' }), staff), 'frozen volumes are left alone');
  // Waldur needs state OK where the plain cloud does not care.
  const erredWaldur = aVolume({ state: 'ERRED', runtimeState: 'available' });
  assert.match(volumeActionBlocker(waldur, 'extend', erredWaldur, member)!, /needs state OK/);
  // Waldur's unlink is allowed whatever the status, for staff only.
  assert.equal(volumeActionBlocker(waldur, 'unlink', aVolume({ state: 'UPDATING' }), staff), undefined);
  assert.match(volumeActionBlocker(waldur, 'unlink', aVolume(), member)!, /Only staff/);
  assert.equal(snapshotActionBlocker(waldur, 'unlink', aSnapshot({ state: 'CREATING' }), staff), undefined);
});

test('scope levels: Waldur organization → project, the plain cloud just project', () => {
  assert.equal(childLevel(waldur.capabilities, undefined)?.kind, 'organization');
  assert.equal(childLevel(waldur.capabilities, 'organization')?.kind, 'project');
  assert.equal(childLevel(waldur.capabilities, 'project'), undefined);
  assert.equal(holdsVolumes(waldur.capabilities, 'project'), true);
  assert.equal(holdsVolumes(waldur.capabilities, 'organization'), false);
  assert.equal(childLevel(PLAIN, undefined)?.kind, 'project');
  assert.equal(holdsVolumes(PLAIN, 'project'), true);
});
