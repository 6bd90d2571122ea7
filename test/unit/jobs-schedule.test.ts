import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCHEDULE, formatDuration, nextDelay } from '../../src/jobs/schedule';

test('nextDelay starts at 2.5 s and grows ×1.5', () => {
  assert.equal(nextDelay(0), 2500);
  assert.equal(nextDelay(1), 3750);
  assert.equal(nextDelay(2), 5625);
  assert.equal(nextDelay(3), 8438);
  assert.equal(nextDelay(4), 12656);
  assert.equal(nextDelay(5), 18984);
  assert.equal(nextDelay(6), 28477);
});

test('nextDelay is capped at 30 s, however long it runs', () => {
  assert.equal(nextDelay(7), 30_000);
  assert.equal(nextDelay(100), 30_000);
  assert.equal(nextDelay(10_000), 30_000);
  assert.equal(nextDelay(Number.POSITIVE_INFINITY), 2500, 'nonsense attempts fall back to the first delay');
});

test('nextDelay treats negative or fractional attempts sanely', () => {
  assert.equal(nextDelay(-3), 2500);
  assert.equal(nextDelay(1.9), 3750);
});

test('nextDelay never decreases and stays within [initial, max]', () => {
  let previous = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const d = nextDelay(attempt);
    assert.ok(d >= previous, `attempt ${attempt}`);
    assert.ok(d >= DEFAULT_SCHEDULE.initialMs && d <= DEFAULT_SCHEDULE.maxMs);
    previous = d;
  }
});

test('a custom schedule (tests, demo) is honoured', () => {
  const fast = { initialMs: 10, factor: 2, maxMs: 50 };
  assert.deepEqual([0, 1, 2, 3, 4].map((a) => nextDelay(a, fast)), [10, 20, 40, 50, 50]);
  assert.deepEqual([0, 1, 2].map((a) => nextDelay(a, { initialMs: 100, factor: 1, maxMs: 1000 })), [100, 100, 100]);
});

test('formatDuration reads like a person', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(30 * 60_000), '30 min');
  assert.equal(formatDuration(65 * 60_000), '1 h 5 min');
  assert.equal(formatDuration(120 * 60_000), '2 h');
  assert.equal(formatDuration(-5), '0 s');
});
