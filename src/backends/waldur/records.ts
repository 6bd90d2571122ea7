/**
 * Waldur records (the generated schema types, possibly sparse with `field=`) → neutral models.
 * The one place that names Waldur's record types.
 */
import { ApiError } from '../../core/errors';
import type { Capacity, QuotaLine } from '../../core/capacity';
import { MIB_PER_GIB, type Snapshot, type Volume } from '../../core/model';
import { expectRecord } from './paging';
import { normalizeRuntimeState, normalizeState, waldurStatus } from './states';
import type { components } from './waldur.gen';

type Schemas = components['schemas'];
export type VolumeRecord = Partial<Schemas['OpenStackVolume']>;
export type SnapshotRecord = Partial<Schemas['OpenStackSnapshot']>;
export type RestorationRecord = Partial<Schemas['OpenStackSnapshotRestoration']>;
type VolumeField = Schemas['OpenStackVolumeFieldEnum'];
type SnapshotField = Schemas['OpenStackSnapshotFieldEnum'];

/** What Waldur's rules and actions need beyond the neutral model. */
export interface WaldurNative {
  /** Normalised (`OK`, `ERRED`, `UPDATE_SCHEDULED`, …). */
  state: string;
  url: string;
  backendId?: string;
  /** Volumes only. */
  tenantId?: string;
  marketplaceResourceId?: string;
}

/** The Waldur fields of a resource this backend made (empty for anything else). */
export function waldurOf(r: { native?: unknown }): WaldurNative {
  const n = r.native as Partial<WaldurNative> | undefined;
  return { state: n?.state ?? 'UNKNOWN', url: n?.url ?? '', backendId: n?.backendId, tenantId: n?.tenantId, marketplaceResourceId: n?.marketplaceResourceId };
}

/** Only what tree rows and their tooltips show; the detail panel asks for the full record. */
export const VOLUME_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'bootable', 'type_name',
  'availability_zone_name', 'instance', 'instance_name', 'device', 'project_uuid', 'project_name', 'customer_name', 'tenant_uuid',
  'backend_id', 'error_message', 'marketplace_resource_uuid', 'created', 'modified',
] as const satisfies readonly VolumeField[];

export const SNAPSHOT_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'source_volume',
  'source_volume_name', 'created', 'modified', 'kept_until', 'backend_id', 'error_message', 'project_name',
] as const satisfies readonly SnapshotField[];

/** Last path segment of a Waldur URL (`…/openstack-instances/<uuid>/` → `<uuid>`). */
export function idFromUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  const parts = url.split('?')[0]!.split('/').filter(Boolean);
  return parts[parts.length - 1];
}

/** A record the API sent, checked to be one (an object with its uuid), else `bad-response`. */
function record<T extends { uuid?: unknown }>(r: unknown, what: string): T {
  const rec = expectRecord<T>(r, what);
  if (typeof rec.uuid !== 'string' || !rec.uuid) throw new ApiError({ kind: 'bad-response', message: `The server sent ${what} without its uuid.` });
  return rec;
}

export function toVolume(raw: VolumeRecord): Volume {
  const r = record<VolumeRecord>(raw, 'a volume');
  const state = normalizeState(r.state);
  const runtimeState = normalizeRuntimeState(r.runtime_state);
  const native: WaldurNative = {
    state, url: r.url ?? '', backendId: r.backend_id || undefined, tenantId: r.tenant_uuid || undefined,
    marketplaceResourceId: r.marketplace_resource_uuid || undefined,
  };
  return {
    id: r.uuid ?? '',
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: r.size ?? undefined,
    status: waldurStatus(state, runtimeState),
    runtimeState,
    bootable: r.bootable ?? false,
    typeName: r.type_name || undefined,
    availabilityZone: r.availability_zone_name || undefined,
    instanceId: idFromUrl(r.instance),
    instanceName: r.instance_name || undefined,
    device: r.device || undefined,
    projectId: r.project_uuid || undefined,
    projectName: r.project_name || undefined,
    organizationName: r.customer_name || undefined,
    errorMessage: r.error_message || undefined,
    created: r.created || undefined,
    modified: r.modified || undefined,
    native,
  };
}

export function toSnapshot(raw: SnapshotRecord): Snapshot {
  const r = record<SnapshotRecord>(raw, 'a snapshot');
  const state = normalizeState(r.state);
  const runtimeState = normalizeRuntimeState(r.runtime_state);
  const native: WaldurNative = { state, url: r.url ?? '', backendId: r.backend_id || undefined };
  return {
    id: r.uuid ?? '',
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: r.size ?? undefined,
    status: waldurStatus(state, runtimeState),
    runtimeState,
    projectName: r.project_name || undefined,
    sourceVolumeId: idFromUrl(r.source_volume),
    sourceVolumeName: r.source_volume_name || undefined,
    created: r.created || undefined,
    modified: r.modified || undefined,
    keptUntil: r.kept_until || undefined,
    errorMessage: r.error_message || undefined,
    native,
  };
}

// --- capacity: tenant quotas ------------------------------------------------------------------

export type TenantRecord = Partial<Schemas['OpenStackTenant']>;
type TenantField = Schemas['OpenStackTenantFieldEnum'];

/** What a capacity needs of a tenant (its quotas are the tenant's whole `quotas` list). */
export const TENANT_CAPACITY_FIELDS = ['uuid', 'name', 'quotas'] as const satisfies readonly TenantField[];

const PER_TYPE_PREFIX = 'gigabytes_';

/** A whole number from the API (a number, or a string of digits as some proxies send), else undefined. */
function quotaNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A tenant's quotas as a {@link Capacity}: `storage` (MiB), `gigabytes_<type>` (GiB in Waldur,
 * MiB here), `volumes`, `snapshots`, in that order; other quotas (ram, vcpu…) are left out. A
 * limit of -1 (any negative) is no limit. A line whose usage or limit is missing or not a number
 * is skipped: nothing shown is made up.
 */
export function toCapacity(raw: TenantRecord): Capacity {
  const r = record<TenantRecord>(raw, 'a tenant');
  const name = typeof r.name === 'string' && r.name ? r.name : r.uuid!;
  const found = new Map<string, QuotaLine>();
  for (const q of Array.isArray(r.quotas) ? (r.quotas as unknown[]) : []) {
    if (!q || typeof q !== 'object') continue;
    const { name: key, usage, limit } = q as { name?: unknown; usage?: unknown; limit?: unknown };
    if (typeof key !== 'string') continue;
    const used = quotaNumber(usage);
    const max = quotaNumber(limit);
    if (used === undefined || max === undefined || used < 0) continue;
    let line: QuotaLine | undefined;
    if (key === 'storage') line = { key: 'storage', label: 'Storage', unit: 'MiB', used, limit: max };
    else if (key === 'volumes') line = { key: 'volumes', label: 'Volumes', unit: 'count', used, limit: max };
    else if (key === 'snapshots') line = { key: 'snapshots', label: 'Snapshots', unit: 'count', used, limit: max };
    else if (key.startsWith(PER_TYPE_PREFIX) && key.length > PER_TYPE_PREFIX.length) {
      const typeName = key.slice(PER_TYPE_PREFIX.length);
      line = { key: `storage:${typeName}`, label: `Storage of type ${typeName}`, unit: 'MiB', used: used * MIB_PER_GIB, limit: max < 0 ? max : max * MIB_PER_GIB, typeName };
    }
    if (!line || found.has(line.key)) continue;
    if (line.limit !== undefined && line.limit < 0) delete line.limit;
    found.set(line.key, line);
  }
  const rank = (l: QuotaLine): number => (l.key === 'storage' ? 0 : l.typeName !== undefined ? 1 : l.key === 'volumes' ? 2 : 3);
  const lines = [...found.values()].sort((a, b) => rank(a) - rank(b) || (a.typeName ?? '').localeCompare(b.typeName ?? ''));
  return { id: r.uuid!, owner: `tenant ${name}`, snapshotsUseStorage: true, lines };
}
