import type { Backend, BackendDescriptor } from '../core/backend';
import { WaldurBackend } from './waldur/backend';
import type { ClientConfig } from './waldur/client';

/** Options every backend takes (no secrets; the secret is its own argument). */
export interface BackendOptions {
  userAgent?: string;
  timeoutMs?: number;
  /** Injected fetch (tests, latency wrappers). */
  fetch?: ClientConfig['fetch'];
  /** Called for each finished request, for logging; never receives the secret. */
  onRequestDone?: ClientConfig['onRequestDone'];
  /** Listing: pages fetched at once after the first, and the page size. */
  paging?: { concurrency?: number; pageSize?: number };
}

/**
 * The one way to get a backend: a descriptor (where, which kind) and its secret. Async because
 * some backends authenticate first (OpenStack's Keystone); Waldur checks nothing until used.
 */
export async function createBackend(descriptor: BackendDescriptor, secret?: string, options: BackendOptions = {}): Promise<Backend> {
  switch (descriptor.kind) {
    case 'waldur':
      if (!secret) throw new Error('A Waldur connection needs an API token.');
      return new WaldurBackend({ baseUrl: descriptor.url, token: secret, ...options });
    default:
      throw new Error(`Unknown kind of backend: ${(descriptor as { kind: string }).kind}`);
  }
}
