/**
 * The one fetch every API client uses: a timeout combined with the caller's AbortSignal, and
 * failures before a response turned into {@link ApiError} (timeout, cancelled, network). Never
 * sees or logs secrets: `onRequestDone` gets method, path and status only.
 */
import { ApiError, httpError, parseErrorBody, type ErrorBodyParser } from './errors';

export interface FetchOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /**
   * Injected fetch (tests, latency wrappers, a connection's TLS transport); default
   * globalThis.fetch. An {@link ApiError} it throws reaches the caller unchanged.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Called for each finished request (for logging). */
  onRequestDone?: (info: { method: string; url: string; status: number; ms: number }) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function timedFetch(options: FetchOptions): (request: Request) => Promise<Response> {
  const baseFetch = options.fetch ?? ((req: Request) => globalThis.fetch(req));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (request: Request) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    const started = Date.now();
    const url = new URL(request.url);
    const where = { method: request.method, path: url.pathname };
    try {
      const response = await baseFetch(new Request(request, { signal }));
      options.onRequestDone?.({ method: request.method, url: url.pathname + url.search, status: response.status, ms: Date.now() - started });
      return response;
    } catch (cause) {
      // Already a domain error (e.g. a connection's CA bundle that cannot be read): said as it is.
      if (cause instanceof ApiError) throw cause;
      if (timeout.aborted) {
        // A POST that timed out may still have been applied: say so rather than invite a retry.
        const maybeApplied = request.method === 'GET' || request.method === 'HEAD' ? '' : '; it may still have been applied, so refresh before trying again';
        throw new ApiError({ kind: 'timeout', message: `The server did not answer within ${Math.round(timeoutMs / 1000)} s${maybeApplied}`, cause, ...where });
      }
      if (request.signal.aborted) throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause, ...where });
      const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
      throw new ApiError({ kind: 'network', message: `Could not reach ${url.host}: ${reason}`, cause, ...where });
    }
  };
}

/** What openapi-fetch resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws one {@link ApiError} (HTTP status
 * with the server's own reason, network, timeout, cancelled, bad JSON). `parseBody` reads the
 * API's error body shape (Waldur's by default).
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>, parseBody: ErrorBodyParser = parseErrorBody): Promise<{ data: T; response: Response }> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof SyntaxError) {
      throw new ApiError({ kind: 'bad-response', message: `The server sent a response that is not valid JSON (${err.message})`, cause: err });
    }
    if (err instanceof Error && err.name === 'AbortError') throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause: err });
    throw new ApiError({ kind: 'network', message: err instanceof Error ? err.message : String(err), cause: err });
  }
  const { response } = result;
  const path = new URL(response.url || 'http://x/').pathname;
  if (!response.ok) throw httpError(response.status, result.error, undefined, path, parseBody);
  return { data: result.data as T, response };
}
