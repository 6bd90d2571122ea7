import type { Backend, BackendDescriptor } from '../core/backend';
import { OpenStackBackend } from './openstack/backend';
import { findCloudsFiles, loadCloud } from './openstack/clouds';
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
  paging?: { concurrency?: number; pageSize?: number; marker?: boolean };
}

/**
 * The one way to get a backend: a descriptor (where, which kind) and its secret (a Waldur token;
 * for OpenStack the password, application-credential secret or token when clouds.yaml and
 * secure.yaml do not hold it). Async because OpenStack authenticates with Keystone first;
 * Waldur checks nothing until used.
 */
export async function createBackend(descriptor: BackendDescriptor, secret?: string, options: BackendOptions = {}): Promise<Backend> {
  switch (descriptor.kind) {
    case 'waldur':
      if (!secret) throw new Error('A Waldur connection needs an API token.');
      return new WaldurBackend({ baseUrl: descriptor.url, token: secret, ...options });
    case 'openstack': {
      // The file the connection was made from; secure.yaml from the standard places beside it.
      const found = await findCloudsFiles();
      const files = descriptor.cloudsYaml ? { clouds: descriptor.cloudsYaml, secure: found.secure } : found;
      if (!files.clouds) throw new Error('No clouds.yaml found (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/, /etc/openstack/).');
      const cloud = await loadCloud(descriptor.cloud, files);
      const backend = new OpenStackBackend(cloud, secret, options);
      // Authenticates now: a wrong password is refused here, before any row.
      await backend.connect();
      return backend;
    }
    default:
      throw new Error(`Unknown kind of backend: ${(descriptor as { kind: string }).kind}`);
  }
}
