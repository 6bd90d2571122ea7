/**
 * Tenant quotas, computed from the store whenever they are asked for (never kept, so they can't
 * go stale): `storage` (volumes and snapshots, MiB), `volumes` and `snapshots` (counts),
 * `gigabytes_<type>` per volume type (GiB, rounded up), and the compute quotas a real tenant
 * also lists. And the refusal of an action that would exceed one, in Waldur's words.
 */
import { GiB } from './records';
import type { Store, TenantRecord } from './types';

export interface TenantUsage {
  /** Volumes and snapshots, MiB. */
  storage: number;
  volumes: number;
  snapshots: number;
  volumesSize: number;
  snapshotsSize: number;
  /** MiB per volume type name (a snapshot counts as its source volume's type). */
  byType: Map<string, number>;
}

export function tenantUsage(store: Store, tenantUuid: string): TenantUsage {
  const usage: TenantUsage = { storage: 0, volumes: 0, snapshots: 0, volumesSize: 0, snapshotsSize: 0, byType: new Map() };
  const add = (type: string, mib: number) => usage.byType.set(type, (usage.byType.get(type) ?? 0) + mib);
  for (const v of store.volumes) {
    if (v.tenant_uuid !== tenantUuid) continue;
    const size = v.size ?? 0;
    usage.volumes++;
    usage.volumesSize += size;
    add(v.type_name, size);
  }
  for (const s of store.snapshots) {
    if (s._tenant_uuid !== tenantUuid) continue;
    usage.snapshots++;
    usage.snapshotsSize += s.size;
    add(s._source_type_name, s.size);
  }
  usage.storage = usage.volumesSize + usage.snapshotsSize;
  return usage;
}

/** The tenant's `quotas` as Waldur lists them (`{name, usage, limit}`, -1 for no limit). */
export function tenantQuotas(store: Store, tenant: TenantRecord): Array<{ name: string; usage: number; limit: number }> {
  const usage = tenantUsage(store, tenant.uuid);
  const instances = store.instances.filter((i) => i.tenant_uuid === tenant.uuid);
  const types = [...new Set(store.volumeTypes.filter((t) => t._tenant_uuid === tenant.uuid).map((t) => t.name))].sort();
  return [
    { name: 'vcpu', usage: instances.reduce((n, i) => n + i.cores, 0), limit: 256 },
    { name: 'ram', usage: instances.reduce((n, i) => n + i.ram, 0), limit: 1024 * 1024 },
    { name: 'instances', usage: instances.length, limit: 50 },
    { name: 'storage', usage: usage.storage, limit: tenant.storage_quota },
    { name: 'volumes', usage: usage.volumes, limit: tenant.volume_quota },
    { name: 'snapshots', usage: usage.snapshots, limit: tenant.snapshot_quota },
    { name: 'volumes_size', usage: usage.volumesSize, limit: -1 },
    { name: 'snapshots_size', usage: usage.snapshotsSize, limit: -1 },
    ...types.map((type) => ({ name: `gigabytes_${type}`, usage: Math.ceil((usage.byType.get(type) ?? 0) / GiB), limit: tenant.type_quotas[type] ?? -1 })),
  ];
}

/** What an action adds to a tenant. */
export interface QuotaDemand {
  volumes?: number;
  snapshots?: number;
  storageMiB?: number;
  /** The type the storage is of (per-type limits). */
  typeName?: string;
}

const gibText = (mib: number): string => `${Math.round((mib / GiB) * 10) / 10} GiB`;

/** The first quota of `tenant` that `demand` would exceed, as Waldur says it; undefined when it fits. */
export function quotaExceeded(store: Store, tenant: TenantRecord, demand: QuotaDemand, what: string): string | undefined {
  const used = tenantUsage(store, tenant.uuid);
  const storage = demand.storageMiB ?? 0;
  if (demand.volumes && used.volumes + demand.volumes > tenant.volume_quota) {
    return `Volumes quota of tenant ${tenant.name} exceeded: limit ${tenant.volume_quota}, in use ${used.volumes}; ${what} needs ${demand.volumes} more.`;
  }
  if (demand.snapshots && used.snapshots + demand.snapshots > tenant.snapshot_quota) {
    return `Snapshots quota of tenant ${tenant.name} exceeded: limit ${tenant.snapshot_quota}, in use ${used.snapshots}; ${what} needs ${demand.snapshots} more.`;
  }
  if (storage > 0 && used.storage + storage > tenant.storage_quota) {
    return `Storage quota of tenant ${tenant.name} exceeded: limit ${gibText(tenant.storage_quota)}, in use ${gibText(used.storage)}; ${what} needs ${gibText(storage)} more.`;
  }
  const typeLimit = demand.typeName !== undefined ? tenant.type_quotas[demand.typeName] : undefined;
  if (storage > 0 && typeLimit !== undefined && typeLimit >= 0) {
    const typeUsed = used.byType.get(demand.typeName!) ?? 0;
    if (Math.ceil((typeUsed + storage) / GiB) > typeLimit) {
      return `Storage quota of volume type ${demand.typeName} in tenant ${tenant.name} exceeded: limit ${typeLimit} GiB, in use ${gibText(typeUsed)}; ${what} needs ${gibText(storage)} more.`;
    }
  }
  return undefined;
}
