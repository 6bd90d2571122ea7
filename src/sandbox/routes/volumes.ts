/**
 * `openstack-volumes/`: list with filters, detail, edit, and the volume actions (attach, detach,
 * extend, retype, snapshot, plus the shared pull/unlink/set_erred/set_ok) with their transitions.
 */
import { conflict, filterBy, invalid, normaliseUuid, notFound, orderingOf, planFilters, readJson, type Reply, sortBy } from '../http';
import { type BucketField, sortedIndex } from '../listing';
import { attachVolume, detachVolume, GiB } from '../records';
import { quotaExceeded } from '../quotas';
import { tenantOf } from '../seed';
import { fail, fails, setState } from '../transitions';
import type { VolumeRecord } from '../types';
import { BodyValidator } from '../validate';
import { accepted, allow, type Ctx, type Deps, detail, gib, list, requireState, resourceFilters, stateChoices } from './context';
import { pull, setErred, setOk, unlink } from './resource-actions';
import { attachable, viewSnapshot, zonesCompatible } from './views';

const VOLUME_ACTIONS = ['attach', 'detach', 'extend', 'retype', 'snapshot', 'pull', 'unlink', 'set_erred', 'set_ok'];

export async function volumes(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Promise<Reply> {
  if (id === undefined) {
    allow(ctx, ['GET', 'HEAD']);
    return list(d.store, ctx, listed(d, ctx));
  }
  // DRF rejects a wrong method before it looks the object up.
  if (action === undefined) allow(ctx, ['GET', 'HEAD', 'PUT', 'PATCH']);
  else if (VOLUME_ACTIONS.includes(action)) allow(ctx, ['POST']);
  const uuid = normaliseUuid(id);
  const volume = d.store.volumes.find((v) => v.uuid === uuid);
  if (!volume) throw notFound();

  if (action === undefined) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return detail(ctx, volume);
    return updateVolume(d, ctx, volume);
  }

  const handlers: Record<string, (ctx: Ctx, v: VolumeRecord) => Promise<Reply>> = {
    attach: (c, v) => attach(d, c, v),
    detach: (c, v) => detach(d, c, v),
    extend: (c, v) => extend(d, c, v),
    retype: (c, v) => retype(d, c, v),
    snapshot: (c, v) => snapshot(d, c, v),
    pull: async (_c, v) => pull(d, v, 'volume'),
    unlink: async (c, v) => unlink(d, c, v),
    set_erred: (c, v) => setErred(d, c, v),
    set_ok: async (c, v) => setOk(d, c, v),
  };
  const handler = handlers[action];
  if (!handler) throw notFound();
  return handler(ctx, volume);
}

/**
 * The volumes a list request selects, in its order: the filters (400 for a malformed uuid, then
 * for an unknown state), then the ordering (default newest first). Answered from the sorted
 * index: the project's or organization's bucket when the request names one, the other filters
 * applied to that (the same rows in the same order as filtering the store, then sorting it).
 */
function listed(d: Deps, ctx: Ctx): VolumeRecord[] {
  const plan = planFilters<VolumeRecord>(ctx.url, {
    ...resourceFilters<VolumeRecord>(d.store),
    instance_uuid: (v, x) => v.instance === d.factory.url('openstack-instances', x),
    instance: (v, x) => v.instance === x,
    attach_instance_uuid: (v, x) => {
      const instance = d.store.instances.find((i) => i.uuid === x);
      return !!instance && attachable(v, instance);
    },
    snapshot_uuid: (v, x) => v.source_snapshot === d.factory.url('openstack-snapshots', x),
    snapshot: (v, x) => v.source_snapshot === x,
    availability_zone_name: (v, x) => v.availability_zone_name === x,
  });
  const states = stateChoices(ctx);
  const ordering = orderingOf<VolumeRecord>(ctx.url, { name: (v) => v.name, created: (v) => v.created, size: (v) => v.size ?? 0, state: (v) => v.state }, '-created');
  const select = (items: VolumeRecord[], filters: typeof plan) => {
    const kept = filterBy(items, filters);
    return states ? kept.filter((v) => states.includes(v.state)) : kept;
  };
  // An inherited name (`?o=constructor`) sorts the filtered rows only, as it always did.
  if (!ordering.own) return sortBy(select(d.store.volumes, plan), ordering);
  const index = sortedIndex(d.store.volumes, ordering);
  const owner = plan.find((f) => f.name === 'project_uuid') ?? plan.find((f) => f.name === 'customer_uuid');
  const base = owner ? index.bucket(owner.name as BucketField, owner.value) : index.sorted;
  const rest = plan.filter((f) => f !== owner);
  if (!rest.length && !states) return base;
  return index.filtered(base, JSON.stringify([owner?.name, owner?.value, rest.map((f) => [f.name, f.value]), states]), () => select(base, rest));
}

async function updateVolume(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
  const v = new BodyValidator(await readJson(ctx.req));
  const name = v.string('name', { required: ctx.method === 'PUT', maxLength: 150 });
  const description = v.string('description', { maxLength: 4096, allowBlank: true });
  const bootable = v.boolean('bootable');
  v.check();
  requireState(volume, ['OK'], 'edit');
  if (name !== undefined) volume.name = name;
  if (description !== undefined) volume.description = description;
  if (bootable !== undefined) volume.bootable = bootable;
  renameEverywhere(d, volume);
  d.transitions.transition(volume, 'update', { during: volume.runtime_state, errorRuntime: 'error' });
  return detail(ctx, volume);
}

async function attach(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
  const v = new BodyValidator(await readJson(ctx.req));
  const instance = v.hyperlink('instance', 'openstack-instances', (uuid) => d.store.instances.find((i) => i.uuid === uuid));
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
  const used = new Set(d.store.volumes.filter((x) => x.instance === instance.url).map((x) => x.device));
  const letter = [...'bcdefghijklmnopqrstuvwxyz'].find((l) => !used.has(`/dev/vd${l}`)) ?? 'z';
  d.transitions.transition(volume, 'attach', {
    during: 'attaching',
    errorRuntime: 'available',
    errorMessage: `Failed to attach volume ${volume.name} to instance ${instance.name}: Nova reported "Invalid input received: Invalid volume: Volume status must be available or downloading".`,
    apply: () => attachVolume(volume, instance, `/dev/vd${letter}`),
  });
  return accepted('attach');
}

async function detach(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
  await readJson(ctx.req);
  requireState(volume, ['OK'], 'detach');
  if (volume.bootable) throw conflict(`Volume "${volume.name}" is a system (bootable) volume of ${volume.instance_name || 'its instance'}; a system volume can't be detached.`);
  if (volume.runtime_state !== 'in-use' || !volume.instance) throw conflict(`Volume "${volume.name}" is ${volume.runtime_state}; only an in-use volume can be detached.`);
  const instanceName = volume.instance_name;
  d.transitions.transition(volume, 'detach', {
    during: 'detaching',
    errorRuntime: 'in-use',
    errorMessage: `Failed to detach volume ${volume.name} from instance ${instanceName}: the guest did not release the device within 120 seconds.`,
    apply: () => detachVolume(volume),
  });
  return accepted('detach');
}

async function extend(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
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
    const instance = d.store.instances.find((i) => i.url === volume.instance);
    if (instance && instance.runtime_state !== 'SHUTOFF') {
      throw conflict(`Volume "${volume.name}" is attached to ${instance.name}, which is ${instance.runtime_state}; stop the instance (SHUTOFF) before extending the volume.`);
    }
  }
  const tenant = tenantOf(d.store, volume.tenant_uuid);
  const over = quotaExceeded(d.store, tenant, { storageMiB: size - current, typeName: volume.type_name }, `extending to ${gib(size)} GiB`);
  if (over) throw invalid({ disk_size: [over] });
  d.transitions.transition(volume, 'extend', {
    during: 'extending',
    errorRuntime: 'error_extending',
    errorMessage: `Failed to extend volume ${volume.name} to ${gib(size)} GiB: Cinder reported "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota" on the storage backend.`,
    apply: () => {
      volume.size = size;
    },
  });
  return accepted('extend');
}

async function retype(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
  const v = new BodyValidator(await readJson(ctx.req));
  const type = v.hyperlink('type', 'openstack-volume-types', (uuid) => d.store.volumeTypes.find((t) => t.uuid === uuid));
  if (type && type._tenant_uuid !== volume.tenant_uuid) v.error('type', 'Volume and type should belong to the same tenant.');
  else if (type && type.url === volume.type) v.error('type', `Volume already has type ${type.name}.`);
  v.check();
  if (!type) throw new Error('unreachable');
  requireState(volume, ['OK'], 'retype');
  if (volume.runtime_state !== 'available') throw conflict(`Volume "${volume.name}" is ${volume.runtime_state}; only an available (detached) volume can be retyped.`);
  d.transitions.transition(volume, 'retype', {
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

async function snapshot(d: Deps, ctx: Ctx, volume: VolumeRecord): Promise<Reply> {
  const body = await readJson(ctx.req);
  const v = new BodyValidator(body);
  const name = v.string('name', { required: true, maxLength: 150 });
  const description = v.string('description', { maxLength: 4096, allowBlank: true });
  const keptUntil = v.dateTime('kept_until');
  const metadata = body.metadata;
  v.check();
  if (name === undefined) throw new Error('unreachable');
  requireState(volume, ['OK'], 'snapshot');
  const over = quotaExceeded(d.store, tenantOf(d.store, volume.tenant_uuid), { snapshots: 1, storageMiB: volume.size ?? 0, typeName: volume.type_name }, 'the snapshot');
  if (over) throw invalid({ non_field_errors: [over] });
  const snapshot = d.factory.snapshot(volume, {
    name,
    description: description ?? '',
    keptUntil: keptUntil ?? null,
    state: 'Creation Scheduled',
    runtime: '',
  });
  if (metadata !== undefined && metadata !== null) snapshot.metadata = metadata;
  d.store.snapshots.push(snapshot);
  const failed = fails(name, volume.name);
  d.transitions.schedule(snapshot, [
    () => setState(snapshot, 'Creating', 'creating', d.factory),
    () => {
      if (failed) {
        fail(snapshot, 'error', `Snapshot ${name} of volume ${volume.name} failed: Cinder reported "VolumeBackendAPIException: Bad or unexpected response from the storage volume backend API".`, 'create_snapshot', d.factory);
      } else {
        snapshot.backend_id = d.factory.backendId();
        setState(snapshot, 'OK', 'available', d.factory);
      }
    },
  ]);
  return detail(ctx, viewSnapshot(d.store, snapshot), 201);
}

/** Related names shown on other records follow a rename. */
function renameEverywhere(d: Deps, volume: VolumeRecord): void {
  for (const s of d.store.snapshots) if (s._source_volume_uuid === volume.uuid) s.source_volume_name = volume.name;
}
