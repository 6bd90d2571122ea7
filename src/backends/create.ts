import type { Backend, BackendDescriptor } from '../core/backend';
import { ApiError } from '../core/errors';
import { OpenStackBackend } from './openstack/backend';
import { findCloudsFiles, loadCloud, type CloudConfig } from './openstack/clouds';
import { BLOCK_STORAGE_TYPES, COMPUTE_TYPES, Keystone, type Token } from './openstack/keystone';
import { NovaVolumesBackend } from './openstack/legacy';
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
  /** Called before a read is retried after a transient failure (for the log and a "retrying…" line). */
  onRetry?: ClientConfig['onRetry'];
  /** Retry policy of reads (tests make it fast); see DEFAULT_RETRY in src/core/http.ts. */
  retry?: ClientConfig['retry'];
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
      return openStackBackend(await loadCloud(descriptor.cloud, files), secret, options);
    }
    default:
      throw new Error(`Unknown kind of backend: ${(descriptor as { kind: string }).kind}`);
  }
}

/**
 * The backend of an OpenStack cloud, from one sign-in: Cinder's API when the token's catalog has
 * a block-storage endpoint for the cloud's region and interface (the usual case); else, with
 * compute, Nova's deprecated os-volumes proxy (legacy mode, fewer actions); else a clear error.
 * A wrong password is refused here, before any row.
 */
async function openStackBackend(cloud: CloudConfig, secret: string | undefined, options: BackendOptions): Promise<Backend> {
  const keystone = new Keystone(cloud, secret, options);
  const token = await keystone.token();
  if (hasEndpoint(keystone, token, BLOCK_STORAGE_TYPES)) return new OpenStackBackend(cloud, secret, options, keystone);
  if (hasEndpoint(keystone, token, COMPUTE_TYPES)) return new NovaVolumesBackend(cloud, secret, options, keystone);
  const where = `${cloud.regionName ? `region ${cloud.regionName}, ` : ''}interface ${cloud.interface}`;
  throw new ApiError({ kind: 'bad-response', message: `The catalog of ${cloud.name} has neither a block-storage nor a compute endpoint for ${where}, so it has no volumes to show.` });
}

function hasEndpoint(keystone: Keystone, token: Token, types: readonly string[]): boolean {
  try {
    keystone.endpoint(token, types);
    return true;
  } catch {
    return false;
  }
}
