/** Polling a real cloud in tests (the OpenStack stack): gently, every 300 ms. */
import { ApiError } from '../../../src/core/index';

/** Reads until `done` or the time runs out (Cinder moves through `creating`, `attaching`…). */
export async function until<T>(read: () => Promise<T>, done: (x: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const x = await read();
    if (done(x)) return x;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Whether a read now answers 404 (the resource is gone). */
export const gone = async (read: () => Promise<unknown>): Promise<boolean> => read().then(() => false, (err) => err instanceof ApiError && err.isNotFound);
