/**
 * Request handling for the sandbox: authentication, routing, list/detail views and the volume,
 * snapshot and marketplace actions with their asynchronous state transitions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachVolume, detachVolume, Factory, fakeTraceback, GiB, marketplaceState } from './factory';
import {
  applyFilters,
  applyOrdering,
  conflict,
  type Filter,
  forbidden,
  HttpError,
  icontains,
  invalid,
  methodNotAllowed,
  normaliseUuid,
  notFound,
  paginate,
  publicView,
  readJson,
  type Reply,
  send,
} from './http';
import { tenantOf, usedStorage } from './seed';
import type { InstanceRecord, SnapshotRecord, StateDisplay, Store, UserRecord, VolumeRecord } from './types';
import { parseState } from './types';
import { BodyValidator } from './validate';

interface Ctx {
  req: IncomingMessage;
  method: string;
  url: URL;
  user: UserRecord;
  fields: string[];
}

/** A failure is simulated for any resource whose name contains this word. */
const FAIL_WORD = 'fail';
const fails = (...names: Array<string | undefined>) => names.some((n) => n?.toLowerCase().includes(FAIL_WORD));

const STABLE: StateDisplay[] = ['OK', 'Erred'];
const VOLUME_ACTIONS = ['attach', 'detach', 'extend', 'retype', 'snapshot', 'pull', 'unlink', 'set_erred', 'set_ok'];
const SNAPSHOT_ACTIONS = ['restore', 'pull', 'unlink', 'set_erred', 'set_ok'];

export class SandboxServer {
  requestCount = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly store: Store,
    private readonly factory: Factory,
    private readonly opts: { latencyMs: number; transitionMs: number },
  ) {}

  /** Stops all pending transitions. */
  dispose(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requestCount++;
    if (this.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    let reply: Reply;
    try {
      reply = await this.route(req);
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

    if (collection === 'users' && id === 'me' && action === undefined) {
      allow(ctx, ['GET', 'HEAD']);
      return this.detail(ctx, ctx.user);
    }
    if (collection === 'marketplace-resources' && id && action === 'terminate') {
      allow(ctx, ['POST']);
      return this.terminate(ctx, id);
    }
    if (collection === 'marketplace-orders' && id && action === undefined) {
      allow(ctx, ['GET', 'HEAD']);
      const order = this.store.orders.find((o) => o.uuid === normaliseUuid(id));
      if (!order) throw notFound();
      return this.detail(ctx, order);
    }

    switch (collection) {
      case 'customers':
        return this.simpleCollection(ctx, id, action, this.store.customers, {
          filters: {
            name: (c, v) => icontains(c.name, v),
            name_exact: (c, v) => c.name === v,
            abbreviation: (c, v) => icontains(c.abbreviation, v),
            query: (c, v) => icontains(c.name, v) || icontains(c.abbreviation, v) || c.uuid === v,
            uuid: (c, v) => c.uuid === v,
          },
          ordering: { name: (c) => c.name, created: (c) => c.created, abbreviation: (c) => c.abbreviation },
          defaultOrder: 'name',
        });
      case 'projects':
        return this.simpleCollection(ctx, id, action, this.store.projects, {
          filters: {
            customer_uuid: (p, v) => p.customer_uuid === v,
            customer: (p, v) => p.customer_uuid === normaliseUuid(v),
            name: (p, v) => icontains(p.name, v),
            name_exact: (p, v) => p.name === v,
            query: (p, v) => icontains(p.name, v) || icontains(p.description, v) || p.uuid === normaliseUuid(v),
            uuid: (p, v) => p.uuid === v,
          },
          ordering: { name: (p) => p.name, created: (p) => p.created, customer_name: (p) => p.customer_name },
          defaultOrder: 'name',
        });
      case 'openstack-volume-types':
        return this.simpleCollection(ctx, id, action, this.store.volumeTypes, {
          filters: {
            tenant_uuid: (t, v) => t._tenant_uuid === v,
            tenant: (t, v) => this.store.tenants.some((x) => x.uuid === t._tenant_uuid && x.url === v),
            settings_uuid: (t, v) => t.settings.includes(v),
            name: (t, v) => icontains(t.name, v),
            name_exact: (t, v) => t.name === v,
            uuid: (t, v) => t.uuid === v,
          },
          ordering: { name: (t) => t.name },
          defaultOrder: 'name',
        });
      case 'openstack-instances':
        return this.simpleCollection(ctx, id, action, this.store.instances, {
          filters: {
            ...this.resourceFilters<InstanceRecord>(),
            attach_volume_uuid: (i, v) => {
              const volume = this.store.volumes.find((x) => x.uuid === v);
              return !!volume && this.attachable(volume, i);
            },
            availability_zone_name: (i, v) => i.availability_zone_name === v,
            query: (i, v) => icontains(i.name, v) || icontains(i.description, v),
          },
          ordering: { name: (i) => i.name, created: (i) => i.created, start_time: (i) => i.start_time ?? '' },
          defaultOrder: '-created',
          view: (i) => this.viewInstance(i),
        });
      case 'openstack-volumes':
        return this.volumes(ctx, id, action);
      case 'openstack-snapshots':
        return this.snapshots(ctx, id, action);
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
    const names = ['customers', 'projects', 'openstack-volumes', 'openstack-snapshots', 'openstack-instances', 'openstack-volume-types', 'marketplace-orders', 'marketplace-resources', 'users'];
    return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${this.store.baseUrl}/api/${n}/`])) };
  }

  // --- generic views ------------------------------------------------------------------------

  private list<T extends object>(ctx: Ctx, items: T[], view: (item: T) => object = (x) => x): Reply {
    const { page, headers } = paginate(items, ctx.url, this.store.baseUrl);
    if (ctx.method === 'HEAD') return { status: 200, headers: { 'X-Result-Count': headers['X-Result-Count'] ?? '0' } };
    return { status: 200, body: page.map((item) => publicView(view(item), ctx.fields)), headers };
  }

  private detail(ctx: Ctx, item: object, status = 200): Reply {
    return { status, body: publicView(item, ctx.fields) };
  }

  private simpleCollection<T extends { uuid: string; created?: string }>(
    ctx: Ctx,
    id: string | undefined,
    action: string | undefined,
    items: T[],
    spec: { filters: Record<string, Filter<T>>; ordering: Record<string, (item: T) => string | number>; defaultOrder: string; view?: (item: T) => object },
  ): Reply {
    if (action !== undefined) throw notFound();
    if (id === undefined) {
      allow(ctx, ['GET', 'HEAD']);
      const filtered = applyFilters(items, ctx.url, spec.filters);
      return this.list(ctx, applyOrdering(filtered, ctx.url, spec.ordering, spec.defaultOrder), spec.view);
    }
    allow(ctx, ['GET', 'HEAD']);
    const item = items.find((x) => x.uuid === normaliseUuid(id));
    if (!item) throw notFound();
    return this.detail(ctx, spec.view ? spec.view(item) : item);
  }

  /** Filters shared by OpenStack resources (volumes, snapshots, instances). */
  private resourceFilters<T extends { uuid: string; name?: string; project_uuid?: string; customer_uuid?: string; backend_id?: string | null; description?: string; runtime_state?: string; state: StateDisplay; project_name?: string; customer_name?: string; service_settings_uuid?: string }>(): Record<string, Filter<T>> {
    return {
      project_uuid: (x, v) => x.project_uuid === v,
      project: (x, v) => x.project_uuid === normaliseUuid(v),
      project_name: (x, v) => icontains(x.project_name, v),
      customer_uuid: (x, v) => x.customer_uuid === v,
      customer: (x, v) => x.customer_uuid === normaliseUuid(v),
      customer_name: (x, v) => icontains(x.customer_name, v),
      service_settings_uuid: (x, v) => x.service_settings_uuid === v,
      tenant_uuid: (x, v) => tenantUuidOf(x) === v,
      tenant: (x, v) => this.store.tenants.some((t) => t.uuid === tenantUuidOf(x) && t.url === v),
      name: (x, v) => icontains(x.name, v),
      name_exact: (x, v) => x.name === v,
      description: (x, v) => icontains(x.description, v),
      backend_id: (x, v) => x.backend_id === v,
      runtime_state: (x, v) => (x.runtime_state ?? '').toLowerCase() === v.toLowerCase(),
      uuid: (x, v) => x.uuid === v,
    };
  }

  /** `state` is a multiple-choice filter: repeatable, enum names or display strings. */
  private stateFilter<T extends { state: StateDisplay }>(ctx: Ctx, items: T[]): T[] {
    const raw = ctx.url.searchParams.getAll('state').filter((s) => s !== '');
    if (!raw.length) return items;
    const states = raw.map((s) => {
      const state = parseState(s);
      if (!state) throw invalid({ state: [`Select a valid choice. ${s} is not one of the available choices.`] });
      return state;
    });
    return items.filter((x) => states.includes(x.state));
  }

  // --- volumes ------------------------------------------------------------------------------

  private async volumes(ctx: Ctx, id: string | undefined, action: string | undefined): Promise<Reply> {
    if (id === undefined) {
      allow(ctx, ['GET', 'HEAD']);
      let items = applyFilters(this.store.volumes, ctx.url, {
        ...this.resourceFilters<VolumeRecord>(),
        instance_uuid: (v, x) => v.instance === this.factory.url('openstack-instances', x),
        instance: (v, x) => v.instance === x,
        attach_instance_uuid: (v, x) => {
          const instance = this.store.instances.find((i) => i.uuid === x);
          return !!instance && this.attachable(v, instance);
        },
        snapshot_uuid: (v, x) => v.source_snapshot === this.factory.url('openstack-snapshots', x),
        snapshot: (v, x) => v.source_snapshot === x,
        availability_zone_name: (v, x) => v.availability_zone_name === x,
      });
      items = this.stateFilter(ctx, items);
      items = applyOrdering(items, ctx.url, { name: (v) => v.name, created: (v) => v.created, size: (v) => v.size ?? 0, state: (v) => v.state }, '-created');
      return this.list(ctx, items);
    }
    // DRF rejects a wrong method before it looks the object up.
    if (action === undefined) allow(ctx, ['GET', 'HEAD', 'PUT', 'PATCH']);
    else if (VOLUME_ACTIONS.includes(action)) allow(ctx, ['POST']);
    const volume = this.store.volumes.find((v) => v.uuid === normaliseUuid(id));
    if (!volume) throw notFound();

    if (action === undefined) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return this.detail(ctx, volume);
      return this.updateVolume(ctx, volume);
    }

    const handlers: Record<string, (ctx: Ctx, v: VolumeRecord) => Promise<Reply>> = {
      attach: (c, v) => this.attach(c, v),
      detach: (c, v) => this.detach(c, v),
      extend: (c, v) => this.extend(c, v),
      retype: (c, v) => this.retype(c, v),
      snapshot: (c, v) => this.snapshot(c, v),
      pull: async (_c, v) => this.pull(v, 'volume'),
      unlink: async (c, v) => this.unlink(c, v),
      set_erred: (c, v) => this.setErred(c, v),
      set_ok: async (c, v) => this.setOk(c, v),
    };
    const handler = handlers[action];
    if (!handler) throw notFound();
    return handler(ctx, volume);
  }

  private async updateVolume(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    const v = new BodyValidator(await readJson(ctx.req));
    const name = v.string('name', { required: ctx.method === 'PUT', maxLength: 150 });
    const description = v.string('description', { maxLength: 4096, allowBlank: true });
    const bootable = v.boolean('bootable');
    v.check();
    requireState(volume, ['OK'], 'edit');
    if (name !== undefined) volume.name = name;
    if (description !== undefined) volume.description = description;
    if (bootable !== undefined) volume.bootable = bootable;
    this.renameEverywhere(volume);
    this.transition(volume, 'update', { during: volume.runtime_state, errorRuntime: 'error' });
    return this.detail(ctx, volume);
  }

  private async attach(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    const v = new BodyValidator(await readJson(ctx.req));
    const instance = v.hyperlink('instance', 'openstack-instances', (uuid) => this.store.instances.find((i) => i.uuid === uuid));
    v.check();
    if (!instance) throw new Error('unreachable');
    requireState(volume, ['OK'], 'attach');
    if (volume.runtime_state !== 'available') {
      throw conflict(`Volume "${volume.name}" is ${volume.runtime_state}; only an available volume can be attached.`);
    }
    if (instance.tenant_uuid !== volume.tenant_uuid || instance.project_uuid !== volume.project_uuid) {
      throw invalid({ instance: ['Volume and instance should belong to the same tenant and project.'] });
    }
    if (!zonesCompatible(volume, instance)) {
      throw invalid({ instance: [`Volume is in availability zone "${volume.availability_zone_name}" but the instance is in "${instance.availability_zone_name}".`] });
    }
    if (instance.state !== 'OK' || !['ACTIVE', 'SHUTOFF'].includes(instance.runtime_state)) {
      throw conflict(`Instance "${instance.name}" must be in state OK and ACTIVE or SHUTOFF to attach a volume (it is ${instance.state}, ${instance.runtime_state}).`);
    }
    const used = new Set(this.store.volumes.filter((x) => x.instance === instance.url).map((x) => x.device));
    const letter = [...'bcdefghijklmnopqrstuvwxyz'].find((l) => !used.has(`/dev/vd${l}`)) ?? 'z';
    this.transition(volume, 'attach', {
      during: 'attaching',
      errorRuntime: 'available',
      errorMessage: `Failed to attach volume ${volume.name} to instance ${instance.name}: Nova reported "Invalid input received: Invalid volume: Volume status must be available or downloading".`,
      apply: () => attachVolume(volume, instance, `/dev/vd${letter}`),
    });
    return accepted('attach');
  }

  private async detach(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    await readJson(ctx.req);
    requireState(volume, ['OK'], 'detach');
    if (volume.bootable) throw conflict(`Volume "${volume.name}" is a system (bootable) volume of ${volume.instance_name || 'its instance'}; a system volume can't be detached.`);
    if (volume.runtime_state !== 'in-use' || !volume.instance) throw conflict(`Volume "${volume.name}" is ${volume.runtime_state}; only an in-use volume can be detached.`);
    const instanceName = volume.instance_name;
    this.transition(volume, 'detach', {
      during: 'detaching',
      errorRuntime: 'in-use',
      errorMessage: `Failed to detach volume ${volume.name} from instance ${instanceName}: the guest did not release the device within 120 seconds.`,
      apply: () => detachVolume(volume),
    });
    return accepted('detach');
  }

  private async extend(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    const v = new BodyValidator(await readJson(ctx.req));
    const size = v.integer('disk_size', { required: true });
    const current = volume.size ?? 0;
    if (size !== undefined) {
      if (size < current + GiB) v.error('disk_size', `Disk size should be greater than ${current} MiB; the new size must be at least ${current + GiB} MiB (current size + 1 GiB).`);
      else if (size % GiB !== 0) v.error('disk_size', `Disk size must be a whole number of GiB (a multiple of ${GiB} MiB).`);
    }
    v.check();
    if (size === undefined) throw new Error('unreachable');
    requireState(volume, ['OK'], 'extend');
    if (volume.bootable) throw conflict(`Volume "${volume.name}" is a system (bootable) volume; it can't be extended while it is the instance's boot disk.`);
    if (volume.instance) {
      const instance = this.store.instances.find((i) => i.url === volume.instance);
      if (instance && instance.runtime_state !== 'SHUTOFF') {
        throw conflict(`Volume "${volume.name}" is attached to ${instance.name}, which is ${instance.runtime_state}; stop the instance (SHUTOFF) before extending the volume.`);
      }
    }
    const tenant = tenantOf(this.store, volume.tenant_uuid);
    const used = usedStorage(this.store, tenant.uuid);
    if (used - current + size > tenant.storage_quota) {
      throw invalid({
        disk_size: [`Storage quota of tenant ${tenant.name} exceeded: limit ${gib(tenant.storage_quota)} GiB, in use ${gib(used)} GiB, extending to ${gib(size)} GiB needs ${gib(size - current)} GiB more.`],
      });
    }
    this.transition(volume, 'extend', {
      during: 'extending',
      errorRuntime: 'error_extending',
      errorMessage: `Failed to extend volume ${volume.name} to ${gib(size)} GiB: Cinder reported "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota" on the storage backend.`,
      apply: () => {
        volume.size = size;
      },
    });
    return accepted('extend');
  }

  private async retype(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    const v = new BodyValidator(await readJson(ctx.req));
    const type = v.hyperlink('type', 'openstack-volume-types', (uuid) => this.store.volumeTypes.find((t) => t.uuid === uuid));
    if (type && type._tenant_uuid !== volume.tenant_uuid) v.error('type', 'Volume and type should belong to the same tenant.');
    else if (type && type.url === volume.type) v.error('type', `Volume already has type ${type.name}.`);
    v.check();
    if (!type) throw new Error('unreachable');
    requireState(volume, ['OK'], 'retype');
    if (volume.runtime_state !== 'available') throw conflict(`Volume "${volume.name}" is ${volume.runtime_state}; only an available (detached) volume can be retyped.`);
    this.transition(volume, 'retype', {
      during: 'retyping',
      errorRuntime: 'available',
      errorMessage: `Failed to retype volume ${volume.name} to ${type.name}: Cinder reported "No valid host was found. No weighed backends available".`,
      apply: () => {
        volume.type = type.url;
        volume.type_name = type.name;
      },
    });
    return accepted('retype');
  }

  private async snapshot(ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
    const body = await readJson(ctx.req);
    const v = new BodyValidator(body);
    const name = v.string('name', { required: true, maxLength: 150 });
    const description = v.string('description', { maxLength: 4096, allowBlank: true });
    const keptUntil = v.dateTime('kept_until');
    const metadata = body.metadata;
    v.check();
    if (name === undefined) throw new Error('unreachable');
    requireState(volume, ['OK'], 'snapshot');
    const snapshot = this.factory.snapshot(volume, {
      name,
      description: description ?? '',
      keptUntil: keptUntil ?? null,
      state: 'Creation Scheduled',
      runtime: '',
    });
    if (metadata !== undefined && metadata !== null) snapshot.metadata = metadata;
    this.store.snapshots.push(snapshot);
    const failed = fails(name, volume.name);
    this.schedule(snapshot, [
      () => setState(snapshot, 'Creating', 'creating', this.factory),
      () => {
        if (failed) {
          fail(snapshot, 'error', `Snapshot ${name} of volume ${volume.name} failed: Cinder reported "VolumeBackendAPIException: Bad or unexpected response from the storage volume backend API".`, 'create_snapshot', this.factory);
        } else {
          snapshot.backend_id = this.factory.backendId();
          setState(snapshot, 'OK', 'available', this.factory);
        }
      },
    ]);
    return this.detail(ctx, this.viewSnapshot(snapshot), 201);
  }

  // --- snapshots ----------------------------------------------------------------------------

  private async snapshots(ctx: Ctx, id: string | undefined, action: string | undefined): Promise<Reply> {
    if (id === undefined) {
      allow(ctx, ['GET', 'HEAD']);
      let items = applyFilters(this.store.snapshots, ctx.url, {
        ...this.resourceFilters<SnapshotRecord>(),
        source_volume_uuid: (s, x) => s._source_volume_uuid === x,
        source_volume: (s, x) => s.source_volume === x,
      });
      items = this.stateFilter(ctx, items);
      items = applyOrdering(items, ctx.url, { name: (s) => s.name, created: (s) => s.created, size: (s) => s.size }, '-created');
      return this.list(ctx, items, (s) => this.viewSnapshot(s));
    }
    if (action === undefined) allow(ctx, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
    else if (action === 'restorations') allow(ctx, ['GET', 'HEAD']);
    else if (SNAPSHOT_ACTIONS.includes(action)) allow(ctx, ['POST']);
    const snapshot = this.store.snapshots.find((s) => s.uuid === normaliseUuid(id));
    if (!snapshot) throw notFound();

    if (action === undefined) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return this.detail(ctx, this.viewSnapshot(snapshot));
      if (ctx.method === 'DELETE') return this.deleteSnapshot(snapshot);
      return this.updateSnapshot(ctx, snapshot);
    }
    if (action === 'restorations') {
      const items = this.store.restorations.filter((r) => r._snapshot_uuid === snapshot.uuid);
      return this.list(ctx, items, (r) => this.viewRestoration(r));
    }
    const handlers: Record<string, (ctx: Ctx, s: SnapshotRecord) => Promise<Reply>> = {
      restore: (c, s) => this.restore(c, s),
      pull: async (_c, s) => this.pull(s, 'snapshot'),
      unlink: async (c, s) => this.unlink(c, s),
      set_erred: (c, s) => this.setErred(c, s),
      set_ok: async (c, s) => this.setOk(c, s),
    };
    const handler = handlers[action];
    if (!handler) throw notFound();
    return handler(ctx, snapshot);
  }

  private async updateSnapshot(ctx: Ctx, snapshot: SnapshotRecord): Promise<Reply> {
    const body = await readJson(ctx.req);
    const v = new BodyValidator(body);
    const name = v.string('name', { required: ctx.method === 'PUT', maxLength: 150 });
    const description = v.string('description', { maxLength: 4096, allowBlank: true });
    const keptUntil = v.dateTime('kept_until');
    v.check();
    requireState(snapshot, ['OK'], 'edit');
    if (name !== undefined) snapshot.name = name;
    if (description !== undefined) snapshot.description = description;
    if (keptUntil !== undefined) snapshot.kept_until = keptUntil;
    if (body.metadata !== undefined) snapshot.metadata = body.metadata;
    snapshot.modified = this.factory.now();
    return this.detail(ctx, this.viewSnapshot(snapshot));
  }

  private deleteSnapshot(snapshot: SnapshotRecord): Reply {
    requireState(snapshot, ['OK', 'Erred'], 'delete');
    setState(snapshot, 'Deletion Scheduled', snapshot.runtime_state, this.factory);
    snapshot.action = 'delete';
    this.schedule(snapshot, [
      () => setState(snapshot, 'Deleting', 'deleting', this.factory),
      () => {
        if (fails(snapshot.name)) {
          fail(snapshot, 'error_deleting', `Failed to delete snapshot ${snapshot.name}: Cinder reported "Invalid snapshot: Snapshot status must be available or error".`, 'delete_snapshot', this.factory);
        } else {
          this.removeSnapshot(snapshot);
        }
      },
    ]);
    return { status: 204 };
  }

  private async restore(ctx: Ctx, snapshot: SnapshotRecord): Promise<Reply> {
    const v = new BodyValidator(await readJson(ctx.req));
    const name = v.string('name', { required: true, maxLength: 150 });
    const description = v.string('description', { maxLength: 4096, allowBlank: true });
    v.check();
    if (name === undefined) throw new Error('unreachable');
    requireState(snapshot, ['OK'], 'restore');
    const tenant = tenantOf(this.store, snapshot._tenant_uuid);
    const used = usedStorage(this.store, tenant.uuid);
    if (used + snapshot.size > tenant.storage_quota) {
      throw invalid({ non_field_errors: [`Storage quota of tenant ${tenant.name} exceeded: limit ${gib(tenant.storage_quota)} GiB, in use ${gib(used)} GiB, the restored volume needs ${gib(snapshot.size)} GiB.`] });
    }
    const type = this.store.volumeTypes.find((t) => t.url === snapshot._source_type);
    const fallbackType = this.store.volumeTypes.find((t) => t._tenant_uuid === tenant.uuid);
    const volumeType = type ?? fallbackType;
    if (!volumeType) throw new Error(`tenant ${tenant.name} has no volume types`);
    const volume = this.factory.volume(tenant, {
      name,
      size: snapshot.size,
      type: volumeType,
      zone: snapshot._availability_zone_name,
      description: description ?? `Restored from snapshot ${snapshot.name}`,
      state: 'Creation Scheduled',
      runtime: '',
      sourceSnapshot: snapshot.url,
    });
    this.store.volumes.push(volume);
    this.store.restorations.push(this.factory.restoration(snapshot, volume, volume.description));
    const failed = fails(name, snapshot.name);
    this.schedule(volume, [
      () => setState(volume, 'Creating', 'creating', this.factory),
      () => {
        if (failed) {
          fail(volume, 'error_restoring', `Failed to restore volume ${name} from snapshot ${snapshot.name}: Cinder reported "Invalid snapshot: the snapshot is not in a state that allows creating a volume from it".`, 'create_volume', this.factory);
        } else {
          volume.backend_id = this.factory.backendId();
          setState(volume, 'OK', 'available', this.factory);
        }
      },
    ]);
    return this.detail(ctx, volume, 201);
  }

  // --- actions shared by volumes and snapshots ----------------------------------------------

  private pull(resource: VolumeRecord | SnapshotRecord, kind: 'volume' | 'snapshot'): Reply {
    if (!STABLE.includes(resource.state) || !resource.backend_id) {
      throw conflict(`Pull operation is not possible for ${kind} "${resource.name}" in state ${resource.state}${resource.backend_id ? '' : ' without a backend ID'}.`);
    }
    const runtime = resource.runtime_state;
    this.transition(resource, 'pull', {
      during: runtime,
      errorRuntime: 'error',
      errorMessage: `Failed to pull ${kind} ${resource.name}: the OpenStack API answered 503 Service Unavailable.`,
      scheduled: 'Update Scheduled',
    });
    return { status: 202, body: { detail: 'Pull operation was successfully scheduled.' } };
  }

  private unlink(ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Reply {
    if (!ctx.user.is_staff) throw forbidden();
    if ('resource_type' in resource && resource.resource_type === 'OpenStack.Volume') this.removeVolume(resource as VolumeRecord);
    else this.removeSnapshot(resource as SnapshotRecord);
    return { status: 204 };
  }

  private async setErred(ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Promise<Reply> {
    if (!ctx.user.is_staff) throw forbidden();
    const v = new BodyValidator(await readJson(ctx.req));
    const message = v.string('error_message', { allowBlank: true }) ?? '';
    const traceback = v.string('error_traceback', { allowBlank: true }) ?? '';
    v.check();
    this.cancel(resource);
    setState(resource, 'Erred', resource.runtime_state, this.factory);
    resource.error_message = message;
    resource.error_traceback = traceback;
    resource.action = '';
    return { status: 200, body: { detail: 'State has been changed to Erred.' } };
  }

  private setOk(ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Reply {
    if (!ctx.user.is_staff) throw forbidden();
    this.cancel(resource);
    setState(resource, 'OK', resource.runtime_state, this.factory);
    resource.error_message = '';
    resource.error_traceback = '';
    resource.action = '';
    return { status: 200, body: { detail: 'State has been changed to OK.' } };
  }

  // --- marketplace --------------------------------------------------------------------------

  private async terminate(ctx: Ctx, id: string): Promise<Reply> {
    const body = await readJson(ctx.req);
    if (body.attributes !== undefined && (typeof body.attributes !== 'object' || body.attributes === null)) {
      throw invalid({ attributes: ['Value must be valid JSON object.'] });
    }
    const volume = this.store.volumes.find((v) => v.marketplace_resource_uuid === normaliseUuid(id));
    if (!volume) throw notFound();
    if (!STABLE.includes(volume.state)) throw conflict(`Volume "${volume.name}" is ${volume.state}; it can be deleted only in state OK or Erred.`);
    if (volume.runtime_state === 'in-use' && volume.instance) {
      throw conflict(`Volume "${volume.name}" is attached to ${volume.instance_name}${volume.bootable ? ' as its system volume' : ''}; detach it before deleting.`);
    }
    const order = this.factory.terminateOrder(volume, ctx.user);
    this.store.orders.push(order);
    const failed = fails(volume.name);
    setState(volume, 'Deletion Scheduled', volume.runtime_state, this.factory);
    volume.action = 'delete';
    this.schedule(volume, [
      () => setState(volume, 'Deleting', 'deleting', this.factory),
      () => {
        const now = this.factory.now();
        order.modified = now;
        order.completed_at = now;
        if (failed) {
          const message = `Failed to delete volume ${volume.name}: Cinder reported "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer".`;
          fail(volume, 'error_deleting', message, 'delete_volume', this.factory);
          order.state = 'erred';
          order.error_message = message;
          order.error_traceback = volume.error_traceback;
        } else {
          this.removeVolume(volume);
          order.state = 'done';
        }
      },
    ]);
    return { status: 200, body: { order_uuid: order.uuid } };
  }

  // --- transitions --------------------------------------------------------------------------

  /**
   * The usual Waldur update cycle: "Update Scheduled" now, "Updating" (with a transitional
   * runtime state) after one step, then "OK" with `apply()` done, or "Erred" when the resource
   * name contains "fail".
   */
  private transition(
    resource: VolumeRecord | SnapshotRecord,
    action: string,
    spec: { during: string; errorRuntime: string; errorMessage?: string; apply?: () => void; scheduled?: StateDisplay },
  ): void {
    const failed = fails(resource.name);
    const finalRuntime = resource.runtime_state;
    setState(resource, spec.scheduled ?? 'Update Scheduled', resource.runtime_state, this.factory);
    resource.action = action;
    this.schedule(resource, [
      () => setState(resource, 'Updating', spec.during, this.factory),
      () => {
        if (failed) {
          const message = spec.errorMessage ?? `Failed to ${action} ${resource.name}: the OpenStack API answered 500 Internal Server Error.`;
          fail(resource, spec.errorRuntime, message, `${action}_volume`, this.factory);
          return;
        }
        resource.runtime_state = finalRuntime;
        spec.apply?.();
        resource.error_message = '';
        resource.error_traceback = '';
        setState(resource, 'OK', resource.runtime_state, this.factory);
        resource.action = '';
      },
    ]);
  }

  private readonly pending = new WeakMap<object, NodeJS.Timeout>();

  /** Runs `steps` one per `transitionMs`; stops if the resource is gone or a new cycle replaced it. */
  private schedule(resource: VolumeRecord | SnapshotRecord, steps: Array<() => void>): void {
    this.cancel(resource);
    const run = (i: number) => {
      const step = steps[i];
      if (!step || this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.pending.delete(resource);
        if (!this.exists(resource)) return;
        step();
        run(i + 1);
      }, this.opts.transitionMs);
      timer.unref();
      this.timers.add(timer);
      this.pending.set(resource, timer);
    };
    run(0);
  }

  private cancel(resource: object): void {
    const timer = this.pending.get(resource);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.pending.delete(resource);
    }
  }

  private exists(resource: VolumeRecord | SnapshotRecord): boolean {
    return (this.store.volumes as object[]).includes(resource) || (this.store.snapshots as object[]).includes(resource);
  }

  private removeVolume(volume: VolumeRecord): void {
    this.cancel(volume);
    this.store.volumes = this.store.volumes.filter((v) => v !== volume);
    this.store.restorations = this.store.restorations.filter((r) => r._volume_uuid !== volume.uuid);
    for (const s of this.store.snapshots) {
      if (s._source_volume_uuid === volume.uuid) {
        s.source_volume = null;
        s.source_volume_marketplace_uuid = undefined;
      }
    }
  }

  private removeSnapshot(snapshot: SnapshotRecord): void {
    this.cancel(snapshot);
    this.store.snapshots = this.store.snapshots.filter((s) => s !== snapshot);
    this.store.restorations = this.store.restorations.filter((r) => r._snapshot_uuid !== snapshot.uuid);
  }

  /** Related names shown on other records follow a rename. */
  private renameEverywhere(volume: VolumeRecord): void {
    for (const s of this.store.snapshots) if (s._source_volume_uuid === volume.uuid) s.source_volume_name = volume.name;
  }

  // --- attachability and nested views -------------------------------------------------------

  /** Waldur's rule for `attach_volume_uuid`: same tenant and project, compatible zone, instance OK and ACTIVE/SHUTOFF. */
  private attachable(volume: VolumeRecord, instance: InstanceRecord): boolean {
    return (
      instance.tenant_uuid === volume.tenant_uuid &&
      instance.project_uuid === volume.project_uuid &&
      zonesCompatible(volume, instance) &&
      instance.state === 'OK' &&
      ['ACTIVE', 'SHUTOFF'].includes(instance.runtime_state)
    );
  }

  private viewInstance(instance: InstanceRecord): InstanceRecord {
    const attached = this.store.volumes.filter((v) => v.instance === instance.url);
    return {
      ...instance,
      disk: attached.reduce((sum, v) => sum + (v.size ?? 0), 0) || instance.disk,
      volumes: attached
        .sort((a, b) => a.device.localeCompare(b.device))
        .map((v) => ({
          bootable: v.bootable,
          device: v.device,
          image_name: v.image_name,
          marketplace_resource_uuid: v.marketplace_resource_uuid,
          name: v.name,
          resource_type: v.resource_type,
          size: v.size ?? 0,
          state: v.state,
          type: v.type,
          type_name: v.type_name,
          url: v.url,
          uuid: v.uuid,
        })),
    };
  }

  private viewSnapshot(snapshot: SnapshotRecord): SnapshotRecord {
    const restorations = this.store.restorations.filter((r) => r._snapshot_uuid === snapshot.uuid).map((r) => publicView(this.viewRestoration(r), []));
    return { ...snapshot, restorations: restorations as SnapshotRecord['restorations'] };
  }

  private viewRestoration(r: SnapshotRecord['restorations'][number] & { _volume_uuid: string }): object {
    const volume = this.store.volumes.find((v) => v.uuid === r._volume_uuid);
    if (!volume) return r;
    return {
      ...r,
      volume_device: volume.device,
      volume_name: volume.name,
      volume_runtime_state: volume.runtime_state,
      volume_size: volume.size ?? 0,
      volume_state: volume.state,
    };
  }
}

// --- helpers --------------------------------------------------------------------------------

function unauthenticated(detail: string): HttpError {
  return new HttpError(401, { detail }, { 'WWW-Authenticate': 'Token' });
}

function allow(ctx: Ctx, methods: string[]): void {
  if (!methods.includes(ctx.method)) throw methodNotAllowed(ctx.method, methods);
}

function accepted(action: string): Reply {
  return { status: 202, body: { status: `${action} was scheduled` } };
}

function requireState(resource: { name?: string; state: StateDisplay; resource_type?: string }, states: StateDisplay[], operation: string): void {
  if (!states.includes(resource.state)) {
    const kind = resource.resource_type === 'OpenStack.Snapshot' ? 'Snapshot' : 'Volume';
    throw conflict(`${kind} "${resource.name}" is ${resource.state}; ${operation} is possible only in state ${states.join(' or ')}.`);
  }
}

function setState(resource: VolumeRecord | SnapshotRecord, state: StateDisplay, runtime: string, factory: Factory): void {
  resource.state = state;
  resource.runtime_state = runtime;
  resource.modified = factory.now();
  if (resource.marketplace_resource_uuid) resource.marketplace_resource_state = marketplaceState(state);
}

function fail(resource: VolumeRecord | SnapshotRecord, runtime: string, message: string, method: string, factory: Factory): void {
  setState(resource, 'Erred', runtime, factory);
  resource.error_message = message;
  resource.error_traceback = fakeTraceback(method, message);
  resource.action = '';
}

/** An empty zone on either side means "any zone", as in Waldur. */
function zonesCompatible(volume: VolumeRecord, instance: InstanceRecord): boolean {
  return !volume.availability_zone_name || !instance.availability_zone_name || volume.availability_zone_name === instance.availability_zone_name;
}

function tenantUuidOf(x: object): string | undefined {
  if ('_tenant_uuid' in x) return (x as { _tenant_uuid: string })._tenant_uuid;
  if ('tenant_uuid' in x) return (x as { tenant_uuid: string }).tenant_uuid;
  return undefined;
}

function gib(mib: number): number {
  return Math.round((mib / GiB) * 10) / 10;
}
