/**
 * Lists that must be complete or fail: what every backend's pager throws when its pages do not
 * add up, and the one retry of the whole listing that follows.
 */
import { ApiError } from './errors';

/** A listing whose pages contradicted each other (short, repeated, counted differently). */
export class PagesDidNotAddUp extends ApiError {
  constructor(readonly why: string) {
    super({ kind: 'bad-response', message: `The server's pages did not add up: ${why}.` });
  }
}

/**
 * Runs a listing; when its pages did not add up (the list changed while it was read, or a proxy
 * answered wrongly) runs it once more from the start, and when that fails the same way, fails
 * with a clear error — never a partial list shown as complete.
 */
export async function checkedListing<T>(list: () => Promise<T[]>, what: string): Promise<T[]> {
  try {
    return await list();
  } catch (err) {
    if (!(err instanceof PagesDidNotAddUp)) throw err;
  }
  try {
    return await list();
  } catch (err) {
    if (!(err instanceof PagesDidNotAddUp)) throw err;
    throw new ApiError({
      kind: 'bad-response',
      message: `The server's pages of ${what} did not add up twice in a row (${err.why}), so no list is shown rather than a partial one; try Refresh.`,
    });
  }
}
