/**
 * OpenStack's error bodies: Cinder and Nova wrap the reason as `{"badRequest": {"message",
 * "code"}}`, `{"itemNotFound": …}`, `{"overLimit": …}`, `{"conflictingRequest": …}`,
 * `{"forbidden": …}`, `{"computeFault": …}`; Keystone as `{"error": {"message", "code",
 * "title"}}`. The server's own message becomes the error's detail; everything is kept as text.
 */
import type { ErrorBodyParser } from '../../core/errors';

export const parseOpenStackError: ErrorBodyParser = (body) => {
  const fieldErrors: Record<string, string[]> = {};
  if (typeof body === 'string') return body.trim() ? { detail: body.trim().slice(0, 500), fieldErrors } : { fieldErrors };
  if (!body || typeof body !== 'object') return { fieldErrors };
  const values = Object.values(body as Record<string, unknown>);
  for (const v of values) {
    if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
      return { detail: ((v as { message: string }).message).trim().slice(0, 2000), fieldErrors };
    }
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? { detail: message, fieldErrors } : { fieldErrors };
};
