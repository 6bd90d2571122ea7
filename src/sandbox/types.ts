/**
 * Record shapes held by the sandbox store.
 *
 * Every record is the public Waldur shape from the generated schema types with all properties
 * made required and writable (`Full<>`), so the compiler forces the seed to fill every field a
 * real server sends. Sandbox-only bookkeeping lives in properties starting with `_`; those are
 * stripped before anything goes over the wire (see `publicView` in http.ts).
 */
import type { components } from '../backends/waldur/waldur.gen';

type S = components['schemas'];

/** All properties present and writable. */
export type Full<T> = { -readonly [K in keyof T]-?: T[K] };

export type UserRecord = Full<S['User']> & { _token: string };
export type CustomerRecord = Full<S['Customer']>;
export type ProjectRecord = Full<S['Project']>;

/**
 * `instance_marketplace_uuid` is optional: real Waldur omits the key (DRF SkipField) when the
 * volume is not attached, because its source traverses a null relation.
 */
export type VolumeRecord = Omit<Full<S['OpenStackVolume']>, 'instance_marketplace_uuid' | 'state'> & {
  instance_marketplace_uuid?: string;
  state: StateDisplay;
};

/** `source_volume_marketplace_uuid` is omitted when the source volume is gone (see above). */
export type SnapshotRecord = Omit<Full<S['OpenStackSnapshot']>, 'source_volume_marketplace_uuid' | 'state'> & {
  source_volume_marketplace_uuid?: string;
  state: StateDisplay;
  _tenant_uuid: string;
  _source_volume_uuid: string;
  /** Type url and AZ of the source volume, remembered so a restore still works after it is gone. */
  _source_type: string | null;
  _source_type_name: string;
  _availability_zone_name: string;
};

export type RestorationRecord = Full<S['OpenStackSnapshotRestoration']> & {
  _snapshot_uuid: string;
  _volume_uuid: string;
};

export type InstanceRecord = Omit<Full<S['OpenStackInstance']>, 'state'> & { state: StateDisplay };
export type VolumeTypeRecord = Full<S['OpenStackVolumeType']> & { _tenant_uuid: string };
export type OrderRecord = Full<S['OrderDetails']>;

/** An OpenStack tenant; not served by the sandbox itself, but volumes, instances and types hang off it. */
export interface TenantRecord {
  uuid: string;
  name: string;
  url: string;
  customer_uuid: string;
  project_uuid: string;
  service_settings_uuid: string;
  service_settings_url: string;
  service_name: string;
  availability_zones: string[];
  /** Total block storage (volumes and snapshots) the tenant may use, MiB. */
  storage_quota: number;
  /** How many volumes and snapshots it may have. */
  volume_quota: number;
  snapshot_quota: number;
  /** Per volume type storage limits (`gigabytes_<type>`), GiB; a type not listed has none (-1). */
  type_quotas: Record<string, number>;
}

/**
 * Core states as real servers send them: the display strings of Waldur's StateMixin, not the
 * upper-case enum names the OpenAPI document lists.
 */
export type StateDisplay =
  | 'Creation Scheduled'
  | 'Creating'
  | 'Update Scheduled'
  | 'Updating'
  | 'Deletion Scheduled'
  | 'Deleting'
  | 'OK'
  | 'Erred';

export const STATE_BY_ENUM: Record<string, StateDisplay> = {
  CREATION_SCHEDULED: 'Creation Scheduled',
  CREATING: 'Creating',
  UPDATE_SCHEDULED: 'Update Scheduled',
  UPDATING: 'Updating',
  DELETION_SCHEDULED: 'Deletion Scheduled',
  DELETING: 'Deleting',
  OK: 'OK',
  ERRED: 'Erred',
};

/** Accepts `ERRED`, `Erred`, `erred`, `Deletion Scheduled`, `deletion_scheduled`… */
export function parseState(value: string): StateDisplay | undefined {
  return STATE_BY_ENUM[value.trim().toUpperCase().replace(/[\s-]+/g, '_')];
}

export interface Store {
  baseUrl: string;
  users: UserRecord[];
  customers: CustomerRecord[];
  projects: ProjectRecord[];
  tenants: TenantRecord[];
  instances: InstanceRecord[];
  volumeTypes: VolumeTypeRecord[];
  volumes: VolumeRecord[];
  snapshots: SnapshotRecord[];
  restorations: RestorationRecord[];
  orders: OrderRecord[];
}
