/**
 * `openstack-snapshots/`: list with filters, detail, edit, delete, restorations, and the snapshot
 * actions (restore, plus the shared pull/unlink/set_erred/set_ok) with their transitions.
 */
import { applyFilters, applyOrdering, invalid, normaliseUuid, notFound, readJson, type Reply } from '../http';
import { quotaExceeded } from '../quotas';
import { tenantOf } from '../seed';
import { fail, fails, setState } from '../transitions';
import type { SnapshotRecord } from '../types';
import { BodyValidator } from '../validate';
import { allow, type Ctx, type Deps, detail, list, requireState, resourceFilters, stateFilter } from './context';
import { pull, setErred, setOk, unlink } from './resource-actions';
import { viewRestoration, viewSnapshot } from './views';

const SNAPSHOT_ACTIONS = ['restore', 'pull', 'unlink', 'set_erred', 'set_ok'];

export async function snapshots(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Promise<Reply> {
  if (id === undefined) {
    allow(ctx, ['GET', 'HEAD']);
    let items = applyFilters(d.store.snapshots, ctx.url, {
      ...resourceFilters<SnapshotRecord>(d.store),
      source_volume_uuid: (s, x) => s._source_volume_uuid === x,
      source_volume: (s, x) => s.source_volume === x,
    });
    items = stateFilter(ctx, items);
    items = applyOrdering(items, ctx.url, { name: (s) => s.name, created: (s) => s.created, size: (s) => s.size }, '-created');
    return list(d.store, ctx, items, (s) => viewSnapshot(d.store, s));
  }
  if (action === undefined) allow(ctx, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
  else if (action === 'restorations') allow(ctx, ['GET', 'HEAD']);
  else if (SNAPSHOT_ACTIONS.includes(action)) allow(ctx, ['POST']);
  const uuid = normaliseUuid(id);
  const snapshot = d.store.snapshots.find((s) => s.uuid === uuid);
  if (!snapshot) throw notFound();

  if (action === undefined) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return detail(ctx, viewSnapshot(d.store, snapshot));
    if (ctx.method === 'DELETE') return deleteSnapshot(d, snapshot);
    return updateSnapshot(d, ctx, snapshot);
  }
  if (action === 'restorations') {
    const items = d.store.restorations.filter((r) => r._snapshot_uuid === snapshot.uuid);
    return list(d.store, ctx, items, (r) => viewRestoration(d.store, r));
  }
  const handlers: Record<string, (ctx: Ctx, s: SnapshotRecord) => Promise<Reply>> = {
    restore: (c, s) => restore(d, c, s),
    pull: async (_c, s) => pull(d, s, 'snapshot'),
    unlink: async (c, s) => unlink(d, c, s),
    set_erred: (c, s) => setErred(d, c, s),
    set_ok: async (c, s) => setOk(d, c, s),
  };
  const handler = handlers[action];
  if (!handler) throw notFound();
  return handler(ctx, snapshot);
}

async function updateSnapshot(d: Deps, ctx: Ctx, snapshot: SnapshotRecord): Promise<Reply> {
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
  snapshot.modified = d.factory.now();
  return detail(ctx, viewSnapshot(d.store, snapshot));
}

function deleteSnapshot(d: Deps, snapshot: SnapshotRecord): Reply {
  requireState(snapshot, ['OK', 'Erred'], 'delete');
  setState(snapshot, 'Deletion Scheduled', snapshot.runtime_state, d.factory);
  snapshot.action = 'delete';
  d.transitions.schedule(snapshot, [
    () => setState(snapshot, 'Deleting', 'deleting', d.factory),
    () => {
      if (fails(snapshot.name)) {
        fail(snapshot, 'error_deleting', `Failed to delete snapshot ${snapshot.name}: Cinder reported "Invalid snapshot: Snapshot status must be available or error".`, 'delete_snapshot', d.factory);
      } else {
        d.transitions.removeSnapshot(snapshot);
      }
    },
  ]);
  return { status: 204 };
}

async function restore(d: Deps, ctx: Ctx, snapshot: SnapshotRecord): Promise<Reply> {
  const v = new BodyValidator(await readJson(ctx.req));
  const name = v.string('name', { required: true, maxLength: 150 });
  const description = v.string('description', { maxLength: 4096, allowBlank: true });
  v.check();
  if (name === undefined) throw new Error('unreachable');
  requireState(snapshot, ['OK'], 'restore');
  const tenant = tenantOf(d.store, snapshot._tenant_uuid);
  const type = d.store.volumeTypes.find((t) => t.url === snapshot._source_type);
  const fallbackType = d.store.volumeTypes.find((t) => t._tenant_uuid === tenant.uuid);
  const volumeType = type ?? fallbackType;
  if (!volumeType) throw new Error(`tenant ${tenant.name} has no volume types`);
  const over = quotaExceeded(d.store, tenant, { volumes: 1, storageMiB: snapshot.size, typeName: volumeType.name }, 'the restored volume');
  if (over) throw invalid({ non_field_errors: [over] });
  const volume = d.factory.volume(tenant, {
    name,
    size: snapshot.size,
    type: volumeType,
    zone: snapshot._availability_zone_name,
    description: description ?? `Restored from snapshot ${snapshot.name}`,
    state: 'Creation Scheduled',
    runtime: '',
    sourceSnapshot: snapshot.url,
  });
  d.store.volumes.push(volume);
  d.store.restorations.push(d.factory.restoration(snapshot, volume, volume.description));
  const failed = fails(name, snapshot.name);
  d.transitions.schedule(volume, [
    () => setState(volume, 'Creating', 'creating', d.factory),
    () => {
      if (failed) {
        fail(volume, 'error_restoring', `Failed to restore volume ${name} from snapshot ${snapshot.name}: Cinder reported "Invalid snapshot: the snapshot is not in a state that allows creating a volume from it".`, 'create_volume', d.factory);
      } else {
        volume.backend_id = d.factory.backendId();
        setState(volume, 'OK', 'available', d.factory);
      }
    },
  ]);
  return detail(ctx, volume, 201);
}
