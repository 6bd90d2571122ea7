/**
 * Request handling for the sandbox: authentication and routing. The routes themselves live in
 * ./routes (one file per group), the asynchronous state transitions in ./transitions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Factory } from './factory';
import { HttpError, notFound, type Reply, send } from './http';
import { whileWriting } from './listing';
import { allow, type Ctx, type Deps } from './routes/context';
import { customers, projects } from './routes/customers-projects';
import { instances } from './routes/instances';
import { orderDetail, orders, resourceDetail, terminate } from './routes/marketplace';
import { snapshots } from './routes/snapshots';
import { publicOfferings, tenants, volumeAvailabilityZones } from './routes/tenants';
import { usersMe } from './routes/users';
import { volumeTypes } from './routes/volume-types';
import { volumes } from './routes/volumes';
import { Transitions } from './transitions';
import type { Store, UserRecord } from './types';

export class SandboxServer {
  requestCount = 0;
  private readonly deps: Deps;

  constructor(
    readonly store: Store,
    factory: Factory,
    private readonly opts: { latencyMs: number; transitionMs: number },
  ) {
    this.deps = { store, factory, transitions: new Transitions(store, factory, opts) };
  }

  /** Stops all pending transitions. */
  dispose(): void {
    this.deps.transitions.dispose();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requestCount++;
    if (this.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    let reply: Reply;
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      reply = method === 'GET' || method === 'HEAD' ? await this.route(req) : await whileWriting(() => this.route(req));
    } catch (e) {
      if (e instanceof HttpError) reply = { status: e.status, body: e.body, headers: e.headers };
      else {
        reply = { status: 500, body: { detail: `Sandbox error: ${(e as Error).message}` } };
        console.error(e);
      }
    }
    if (!res.destroyed) send(req, res, reply);
  }

  // --- routing ------------------------------------------------------------------------------

  private async route(req: IncomingMessage): Promise<Reply> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.store.baseUrl);
    const path = url.pathname;
    if (path === '/' || path === '') {
      return { status: 200, body: { name: 'Waldur sandbox', api: `${this.store.baseUrl}/api/` } };
    }
    if (!path.startsWith('/api/')) throw notFound();
    const user = this.authenticate(req);
    const ctx: Ctx = { req, method, url, user, fields: url.searchParams.getAll('field') };
    const parts = path.slice('/api/'.length).split('/');
    // Django routes need the trailing slash; without it the URL does not resolve.
    if (parts.pop() !== '') throw notFound();
    const [collection, id, action, ...rest] = parts;
    if (rest.length) throw notFound();
    if (collection === undefined) return this.apiRoot(ctx);

    if (collection === 'users' && id === 'me' && action === undefined) return usersMe(ctx);
    if (collection === 'marketplace-resources' && id && action === 'terminate') return terminate(this.deps, ctx, id);
    if (collection === 'marketplace-resources' && id && action === undefined) return resourceDetail(this.deps, ctx, id);
    if (collection === 'marketplace-orders' && id && action === undefined) return orderDetail(this.deps, ctx, id);
    if (collection === 'marketplace-orders' && id === undefined) return orders(this.deps, ctx);

    switch (collection) {
      case 'customers':
        return customers(this.deps, ctx, id, action);
      case 'projects':
        return projects(this.deps, ctx, id, action);
      case 'openstack-volume-types':
        return volumeTypes(this.deps, ctx, id, action);
      case 'openstack-instances':
        return instances(this.deps, ctx, id, action);
      case 'openstack-volumes':
        return volumes(this.deps, ctx, id, action);
      case 'openstack-snapshots':
        return snapshots(this.deps, ctx, id, action);
      case 'openstack-tenants':
        return tenants(this.deps, ctx, id, action);
      case 'openstack-volume-availability-zones':
        return volumeAvailabilityZones(this.deps, ctx, id, action);
      case 'marketplace-public-offerings':
        return publicOfferings(this.deps, ctx, id, action);
      default:
        throw notFound();
    }
  }

  private authenticate(req: IncomingMessage): UserRecord {
    const header = req.headers.authorization;
    if (!header) throw unauthenticated('Authentication credentials were not provided.');
    const [scheme, token, extra] = header.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'token') throw unauthenticated('Authentication credentials were not provided.');
    if (!token) throw unauthenticated('Invalid token header. No credentials provided.');
    if (extra !== undefined) throw unauthenticated('Invalid token header. Token string should not contain spaces.');
    const user = this.store.users.find((u) => u._token === token);
    if (!user) throw unauthenticated('Invalid token.');
    return user;
  }

  private apiRoot(ctx: Ctx): Reply {
    allow(ctx, ['GET', 'HEAD']);
    const names = ['customers', 'projects', 'openstack-volumes', 'openstack-snapshots', 'openstack-instances', 'openstack-volume-types', 'openstack-tenants', 'openstack-volume-availability-zones', 'marketplace-public-offerings', 'marketplace-orders', 'marketplace-resources', 'users'];
    return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${this.store.baseUrl}/api/${n}/`])) };
  }
}

function unauthenticated(detail: string): HttpError {
  return new HttpError(401, { detail }, { 'WWW-Authenticate': 'Token' });
}
