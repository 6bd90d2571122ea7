import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './waldur.gen';
import { ApiError, httpError } from '../../core/errors';

export type WaldurClient = Client<paths>;

export interface ClientConfig {
  /** Base URL of the Waldur deployment, with or without a trailing `/api/`. */
  baseUrl: string;
  token: string;
  userAgent?: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Injected fetch (tests, latency wrappers); default globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Called for each finished request (for logging); never receives the token. */
  onRequestDone?: (info: { method: string; url: string; status: number; ms: number }) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Strips a trailing `/api` or `/api/` and slashes: the generated paths already start with `/api/`. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/api$/, '');
}

/**
 * Creates the one typed client: token auth, User-Agent, a timeout combined with the caller's
 * AbortSignal, and failures turned into {@link ApiError} (see {@link unwrap}).
 */
export function createWaldurClient(config: ClientConfig): WaldurClient {
  const baseFetch = config.fetch ?? ((req: Request) => globalThis.fetch(req));
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const client = createClient<paths>({
    baseUrl: normalizeBaseUrl(config.baseUrl),
    fetch: async (request: Request) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([request.signal, timeout]);
      const started = Date.now();
      const url = new URL(request.url);
      const where = { method: request.method, path: url.pathname };
      try {
        const response = await baseFetch(new Request(request, { signal }));
        config.onRequestDone?.({ method: request.method, url: url.pathname + url.search, status: response.status, ms: Date.now() - started });
        return response;
      } catch (cause) {
        if (timeout.aborted) {
          // A POST that timed out may still have been applied: say so rather than invite a retry.
          const maybeApplied = request.method === 'GET' || request.method === 'HEAD' ? '' : '; it may still have been applied, so refresh before trying again';
          throw new ApiError({ kind: 'timeout', message: `The server did not answer within ${Math.round(timeoutMs / 1000)} s${maybeApplied}`, cause, ...where });
        }
        if (request.signal.aborted) throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause, ...where });
        const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
        throw new ApiError({ kind: 'network', message: `Could not reach ${url.host}: ${reason}`, cause, ...where });
      }
    },
  });

  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', authorizationHeader(config.token));
      request.headers.set('Accept', 'application/json');
      request.headers.set('User-Agent', config.userAgent ?? 'volume-explorer');
      return request;
    },
  });
  return client;
}

/**
 * `Token <key>` for classic Waldur tokens; personal access tokens of Waldur 8.1+ (`w_<ts>_<random>`)
 * go as `Bearer`.
 */
export function authorizationHeader(token: string): string {
  return /^w_\d+_/.test(token) ? `Bearer ${token}` : `Token ${token}`;
}

/** What openapi-fetch resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws one {@link ApiError}
 * (HTTP status with Waldur's reason and field errors, network, timeout, cancelled, bad JSON).
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<{ data: T; response: Response }> {
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
  if (!response.ok) throw httpError(response.status, result.error, undefined, path);
  return { data: result.data as T, response };
}
