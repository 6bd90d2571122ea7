import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpError } from '../../src/core/errors';
import { allowedVolumeActions, volumeActionBlocker } from '../../src/core/index';
import { OPENSTACK_CAPABILITIES } from '../../src/backends/openstack/backend';
import { OPENSTACK_RULES } from '../../src/backends/openstack/rules';
import { atLeast, parseMicroversion } from '../../src/backends/openstack/api';
import { parseOpenStackError } from '../../src/backends/openstack/errors';
import { toSnapshot, toVolume } from '../../src/backends/openstack/records';

test("Cinder, Nova and Keystone error bodies give the server's own message", () => {
  const cases: Array<[unknown, string]> = [
    [{ badRequest: { message: 'New size for extend must be greater than current size.', code: 400 } }, 'New size for extend must be greater than current size.'],
    [{ itemNotFound: { message: 'Volume x could not be found.', code: 404 } }, 'Volume x could not be found.'],
    [{ overLimit: { message: 'VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded', code: 413, retryAfter: '0' } }, 'VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded'],
    [{ conflictingRequest: { message: "Cannot 'attach_volume' instance while it is in vm_state building", code: 409 } }, "Cannot 'attach_volume' instance while it is in vm_state building"],
    [{ error: { message: 'The request you have made requires authentication.', code: 401, title: 'Unauthorized' } }, 'The request you have made requires authentication.'],
  ];
  for (const [body, message] of cases) {
    assert.equal(parseOpenStackError(body).detail, message);
    assert.equal(httpError(400, body, 'POST', '/v3/p/volumes', parseOpenStackError).message, message);
  }
  assert.equal(parseOpenStackError(undefined).detail, undefined);
  assert.match(httpError(503, undefined, 'GET', '/', parseOpenStackError).message, /Service unavailable \(HTTP 503\)/);
});

test('microversions: parsed from version documents, compared by major then minor', () => {
  assert.deepEqual(parseMicroversion('3.70'), [3, 70]);
  assert.deepEqual(parseMicroversion(' 2.93 '), [2, 93]);
  assert.equal(parseMicroversion('v3.0'), undefined);
  assert.equal(parseMicroversion(undefined), undefined);
  assert.equal(atLeast([3, 42], 3, 42), true);
  assert.equal(atLeast([3, 9], 3, 42), false, '3.9 is older than 3.42');
  assert.equal(atLeast([4, 0], 3, 42), true);
  assert.equal(atLeast(undefined, 3, 0), false);
});

test('Cinder records: GiB → MiB, status as runtime state and neutral status, attachment → instance', () => {
  const v = toVolume({
    id: 'v1', name: null, size: 10, status: 'in-use', bootable: 'true', volume_type: 'fast',
    attachments: [{ server_id: 's1', device: '/dev/vdb' }], 'os-vol-tenant-attr:tenant_id': 'p1',
  }, 'p0', 'demo', new Map([['s1', 'web-01']]));
  assert.equal(v.name, '');
  assert.equal(v.sizeMiB, 10 * 1024);
  assert.deepEqual(v.status, { category: 'stable', label: 'in-use' });
  assert.equal(v.bootable, true);
  assert.equal(v.instanceName, 'web-01');
  assert.equal(v.device, '/dev/vdb');
  assert.equal(v.projectId, 'p1', "the volume's own project wins");
  assert.deepEqual(toVolume({ id: 'v2', status: 'error_extending' }, 'p0', undefined, new Map()).status, { category: 'error', label: 'error_extending' });
  assert.deepEqual(toVolume({ id: 'v3', status: 'attaching' }, 'p0', undefined, new Map()).status, { category: 'busy', label: 'attaching' });
  const s = toSnapshot({ id: 's1', size: 1, status: 'creating', volume_id: 'v1' }, 'p0', 'demo', new Map([['v1', 'data']]));
  assert.deepEqual([s.sizeMiB, s.status.category, s.sourceVolumeName], [1024, 'busy', 'data']);
});

test('OpenStack rules: extend in-use only from microversion 3.42; delete only available or erred; Waldur-only actions absent', () => {
  const os = { capabilities: OPENSTACK_CAPABILITIES, rules: OPENSTACK_RULES };
  const viewer = { isStaff: true };
  const attached = (version: [number, number]) => toVolume({ id: 'v', name: 'data', status: 'in-use', attachments: [{ server_id: 's' }] }, 'p', 'demo', new Map(), version);
  assert.equal(volumeActionBlocker(os, 'extend', attached([3, 42]), viewer), undefined);
  assert.match(volumeActionBlocker(os, 'extend', attached([3, 30]), viewer)!, /needs block-storage microversion 3\.42; this cloud speaks 3\.30/);
  assert.deepEqual(allowedVolumeActions(os, attached([3, 66]), viewer), ['detach', 'extend', 'retype', 'snapshot', 'edit']);
  const available = toVolume({ id: 'v', name: 'data', status: 'available' }, 'p', 'demo', new Map(), [3, 66]);
  assert.deepEqual(allowedVolumeActions(os, available, viewer), ['attach', 'extend', 'retype', 'snapshot', 'edit', 'delete']);
  assert.match(volumeActionBlocker(os, 'pull', available, viewer)!, /OpenStack has no "pull"/);
  const erred = toVolume({ id: 'v', name: 'data', status: 'error' }, 'p', 'demo', new Map(), [3, 66]);
  assert.deepEqual(allowedVolumeActions(os, erred, viewer), ['edit', 'delete']);
});
