import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './waldur.gen';
import { DEFAULT_TIMEOUT_MS, timedFetch, type FetchOptions } from '../../core/http';

export type WaldurClient = Client<paths>;

export interface ClientConfig extends FetchOptions {
  /** Base URL of the Waldur deployment, with or without a trailing `/api/`. */
  baseUrl: string;
  token: string;
  userAgent?: string;
}

export { DEFAULT_TIMEOUT_MS };

/** Strips a trailing `/api` or `/api/` and slashes: the generated paths already start with `/api/`. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/api$/, '');
}

/**
 * Creates the one typed client: token auth, User-Agent, a timeout combined with the caller's
 * AbortSignal, and failures turned into {@link ApiError} (see {@link unwrap}).
 */
export function createWaldurClient(config: ClientConfig): WaldurClient {
  const client = createClient<paths>({ baseUrl: normalizeBaseUrl(config.baseUrl), fetch: timedFetch(config) });

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

export { unwrap } from '../../core/http';
