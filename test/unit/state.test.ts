import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayState, isTransitional, normalizeState, stateCategory } from '../../src/model/state';

test('normalizeState accepts display strings and enum values alike', () => {
  assert.equal(normalizeState('Creation Scheduled'), 'CREATION_SCHEDULED');
  assert.equal(normalizeState('CREATION_SCHEDULED'), 'CREATION_SCHEDULED');
  assert.equal(normalizeState('Erred'), 'ERRED');
  assert.equal(normalizeState('OK'), 'OK');
  assert.equal(normalizeState(' update scheduled '), 'UPDATE_SCHEDULED');
  assert.equal(normalizeState(undefined), 'UNKNOWN');
});

test('transitional: *_SCHEDULED, CREATING, UPDATING, DELETING or a runtime state ending in -ing', () => {
  for (const s of ['Creation Scheduled', 'Update Scheduled', 'Deletion Scheduled', 'Creating', 'Updating', 'Deleting']) {
    assert.equal(isTransitional(s, 'available'), true, s);
  }
  assert.equal(isTransitional('OK', 'extending'), true);
  assert.equal(isTransitional('OK', 'attaching'), true);
  assert.equal(isTransitional('OK', 'available'), false);
  assert.equal(isTransitional('OK', 'in-use'), false);
  assert.equal(isTransitional('Erred', 'error_extending'), false);
});

test('stateCategory picks the icon bucket, errors first', () => {
  assert.equal(stateCategory('Erred', 'error'), 'error');
  assert.equal(stateCategory('OK', 'error_restoring'), 'error');
  assert.equal(stateCategory('Update Scheduled', 'in-use'), 'busy');
  assert.equal(stateCategory('OK', 'in-use'), 'in-use');
  assert.equal(stateCategory('OK', 'available'), 'available');
  assert.equal(stateCategory('OK', 'maintenance'), 'other');
});

test('displayState reads like a person wrote it', () => {
  assert.equal(displayState('UPDATE_SCHEDULED'), 'Update scheduled');
  assert.equal(displayState('Erred'), 'Erred');
  assert.equal(displayState('OK'), 'OK');
});
