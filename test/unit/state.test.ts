import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayState, isTransitionalState, normalizeState, waldurStatus } from '../../src/backends/waldur/states';
import { actionGerund, blockStorageStatus } from '../../src/core/index';

test('normalizeState accepts display strings and enum values alike', () => {
  assert.equal(normalizeState('Creation Scheduled'), 'CREATION_SCHEDULED');
  assert.equal(normalizeState('CREATION_SCHEDULED'), 'CREATION_SCHEDULED');
  assert.equal(normalizeState('Erred'), 'ERRED');
  assert.equal(normalizeState('OK'), 'OK');
  assert.equal(normalizeState(' update scheduled '), 'UPDATE_SCHEDULED');
  assert.equal(normalizeState(undefined), 'UNKNOWN');
});

test('Waldur status: *_SCHEDULED, CREATING, UPDATING, DELETING or a runtime -ing is busy, with the moving word as label', () => {
  for (const s of ['Creation Scheduled', 'Update Scheduled', 'Deletion Scheduled', 'Creating', 'Updating', 'Deleting']) {
    assert.equal(isTransitionalState(s), true, s);
    assert.equal(waldurStatus(s, 'available').category, 'busy', s);
  }
  assert.deepEqual(waldurStatus('Update Scheduled', 'available'), { category: 'busy', label: 'Update scheduled' });
  assert.deepEqual(waldurStatus('OK', 'extending'), { category: 'busy', label: 'extending' });
  assert.deepEqual(waldurStatus('OK', 'attaching'), { category: 'busy', label: 'attaching' });
  assert.deepEqual(waldurStatus('OK', 'available'), { category: 'stable', label: 'available' });
  assert.deepEqual(waldurStatus('OK', 'in-use'), { category: 'stable', label: 'in-use' });
  assert.deepEqual(waldurStatus('OK', ''), { category: 'stable', label: 'OK' });
});

test('errors first: Erred, or a Cinder error_* status, even while "moving"', () => {
  assert.deepEqual(waldurStatus('Erred', 'error'), { category: 'error', label: 'Erred' });
  assert.deepEqual(waldurStatus('OK', 'error_restoring'), { category: 'error', label: 'error_restoring' });
  assert.deepEqual(waldurStatus('Erred', 'error_extending'), { category: 'error', label: 'Erred' });
  assert.equal(waldurStatus('Update Scheduled', 'error_extending').category, 'error');
});

test('block-storage status (Cinder): -ing, reserved and maintenance busy, error* error, anything else stable', () => {
  assert.deepEqual(blockStorageStatus('In-Use'), { category: 'stable', label: 'in-use' });
  assert.deepEqual(blockStorageStatus('reserved'), { category: 'busy', label: 'reserved' });
  assert.deepEqual(blockStorageStatus('awaiting-transfer'), { category: 'stable', label: 'awaiting-transfer' });
  assert.deepEqual(blockStorageStatus('extending'), { category: 'busy', label: 'extending' });
  assert.deepEqual(blockStorageStatus('error_deleting'), { category: 'error', label: 'error_deleting' });
  assert.deepEqual(blockStorageStatus('maintenance'), { category: 'busy', label: 'maintenance' });
  assert.equal(actionGerund('extend'), 'extending');
  assert.equal(actionGerund('attach'), 'attaching');
  assert.equal(actionGerund('retype'), 'retyping');
  assert.equal(actionGerund('delete'), 'deleting');
});

test('displayState reads like a person wrote it', () => {
  assert.equal(displayState('UPDATE_SCHEDULED'), 'Update scheduled');
  assert.equal(displayState('Erred'), 'Erred');
  assert.equal(displayState('OK'), 'OK');
});
