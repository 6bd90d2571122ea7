import assert from 'node:assert/strict';
import { ApiError } from '../../../src/core/errors';

/** The ApiError a promise rejects with (fails the test when it resolves or rejects otherwise). */
export async function refused(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}
