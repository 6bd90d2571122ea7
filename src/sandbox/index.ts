/**
 * A local Waldur-compatible HTTP server for development, tests and benchmarks. Plain Node `http`,
 * in-memory data, no VS Code dependency. See WALDUR-API.md for the behaviour it imitates.
 *
 *   const sandbox = await startSandbox({ transitionMs: 30 });
 *   fetch(`${sandbox.url}/api/openstack-volumes/`, { headers: { Authorization: `Token ${sandbox.token}` } });
 *   await sandbox.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Factory } from './factory';
import { storeMayChange } from './listing';
import { seedStore, REGULAR_USER, STAFF_USER, type SandboxUserInfo } from './seed';
import { SandboxServer } from './server';
import type { Store } from './types';

export { REGULAR_USER, STAFF_USER, type SandboxUserInfo } from './seed';
export type { Store } from './types';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay added to every response, ms. Concurrent requests overlap. Default 0. */
  latencyMs?: number;
  /** Extra generated volumes on top of the seed, spread over the projects. Default 0. */
  volumes?: number;
  /** Duration of each step of an asynchronous transition, ms. Default 1500. */
  transitionMs?: number;
  /** Token of the staff user; default random hex. */
  token?: string;
  /** Token of the non-staff user; default random hex. */
  userToken?: string;
  /** Seed for the generated data (uuids, dates, sizes). Default 1. */
  seed?: number;
}

export interface Sandbox {
  /** Base url without trailing slash, e.g. http://127.0.0.1:41234; the API is under /api/. */
  readonly url: string;
  /** Token of the staff user {@link STAFF_USER}. */
  readonly token: string;
  /** Token of the non-staff user {@link REGULAR_USER}. */
  readonly userToken: string;
  readonly users: { staff: SandboxUserInfo & { token: string }; regular: SandboxUserInfo & { token: string } };
  /** Every HTTP request served so far, including rejected ones. */
  readonly requestCount: number;
  /** The live in-memory data, for tests. Records carry sandbox-only `_` fields. */
  readonly store: Store;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(20).toString('hex');
  const userToken = opts.userToken ?? randomBytes(20).toString('hex');
  const store: Store = {
    baseUrl: '',
    users: [],
    customers: [],
    projects: [],
    tenants: [],
    instances: [],
    volumeTypes: [],
    volumes: [],
    snapshots: [],
    restorations: [],
    orders: [],
  };
  const factory = new Factory(store, opts.seed ?? 1);
  // Requests that arrive before the store is seeded get 503; `app` is set once it is.
  let app: SandboxServer | undefined = undefined;
  const server = createServer((req, res) => {
    if (!app) {
      res.writeHead(503).end();
      return;
    }
    void app.handle(req, res);
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Absolute urls in records need a host clients can reach; wildcard binds are served as loopback.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  store.baseUrl = `http://${urlHost}:${port}`;
  seedStore(store, factory, { staffToken: token, userToken }, Math.max(0, Math.floor(opts.volumes ?? 0)));
  // Keep records in creation order, as a database returns them; new ones are appended with a
  // later `created`. Lists are sorted by -created on every request, and ordered input makes that
  // sort linear (TimSort): with 5,000 volumes the sort was most of a page's server time.
  for (const list of [store.volumes, store.snapshots, store.instances]) {
    list.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  }
  const handler = new SandboxServer(store, factory, { latencyMs: Math.max(0, opts.latencyMs ?? 0), transitionMs: Math.max(0, opts.transitionMs ?? 1500) });
  app = handler;

  let closing: Promise<void> | undefined;
  return {
    url: store.baseUrl,
    token,
    userToken,
    users: { staff: { ...STAFF_USER, token }, regular: { ...REGULAR_USER, token: userToken } },
    get requestCount() {
      return handler.requestCount;
    },
    get store() {
      // Whoever takes the store may change it: the list caches check themselves on the next request.
      storeMayChange();
      return store;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        handler.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
