import { createWaldurClient, normalizeBaseUrl, unwrap, type ClientConfig, type WaldurClient } from '../api/client';
import { listAll, resultCount, type ListAllOptions, type Page } from '../api/paging';
import type { components } from '../api/waldur.gen';
import { normalizeRuntimeState, normalizeState } from '../model/state';
import { idFromUrl, type Identity, type Instance, type Order, type Organization, type Project, type Snapshot, type Volume, type VolumeType } from '../model/types';
import type { Backend } from './types';

type Schemas = components['schemas'];
type VolumeField = Schemas['OpenStackVolumeFieldEnum'];
type SnapshotField = Schemas['OpenStackSnapshotFieldEnum'];

/** Only what tree rows and their tooltips show; the detail panel asks for the full record. */
export const VOLUME_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'bootable', 'type_name',
  'availability_zone_name', 'instance', 'instance_name', 'device', 'project_uuid', 'project_name', 'customer_name', 'tenant_uuid',
  'backend_id', 'error_message', 'marketplace_resource_uuid', 'created',
] as const satisfies readonly VolumeField[];

export const SNAPSHOT_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'source_volume',
  'source_volume_name', 'created', 'kept_until', 'backend_id', 'error_message', 'project_name',
] as const satisfies readonly SnapshotField[];

type VolumeRecord = Partial<Schemas['OpenStackVolume']>;
type SnapshotRecord = Partial<Schemas['OpenStackSnapshot']>;

/** Maps a (possibly sparse) Waldur volume record to the neutral model. */
export function toVolume(r: VolumeRecord): Volume {
  return {
    id: r.uuid ?? '',
    url: r.url ?? '',
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: r.size ?? undefined,
    state: normalizeState(r.state),
    runtimeState: normalizeRuntimeState(r.runtime_state),
    bootable: r.bootable ?? false,
    typeName: r.type_name || undefined,
    availabilityZone: r.availability_zone_name || undefined,
    instanceId: idFromUrl(r.instance),
    instanceName: r.instance_name || undefined,
    device: r.device || undefined,
    projectId: r.project_uuid || undefined,
    projectName: r.project_name || undefined,
    organizationName: r.customer_name || undefined,
    tenantId: r.tenant_uuid || undefined,
    backendId: r.backend_id || undefined,
    errorMessage: r.error_message || undefined,
    marketplaceResourceId: r.marketplace_resource_uuid || undefined,
    created: r.created || undefined,
  };
}

/** Maps a (possibly sparse) Waldur snapshot record to the neutral model. */
export function toSnapshot(r: SnapshotRecord): Snapshot {
  return {
    id: r.uuid ?? '',
    url: r.url ?? '',
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: r.size ?? undefined,
    state: normalizeState(r.state),
    runtimeState: normalizeRuntimeState(r.runtime_state),
    projectName: r.project_name || undefined,
    sourceVolumeId: idFromUrl(r.source_volume),
    sourceVolumeName: r.source_volume_name || undefined,
    created: r.created || undefined,
    keptUntil: r.kept_until || undefined,
    backendId: r.backend_id || undefined,
    errorMessage: r.error_message || undefined,
  };
}

export interface WaldurBackendOptions extends ClientConfig {
  paging?: Pick<ListAllOptions, 'concurrency' | 'pageSize'>;
}

/** The Waldur implementation of {@link Backend}, over the one typed client. */
export class WaldurBackend implements Backend {
  readonly kind = 'waldur' as const;
  readonly endpoint: string;
  readonly client: WaldurClient;
  private readonly paging: Pick<ListAllOptions, 'concurrency' | 'pageSize'>;

  constructor(options: WaldurBackendOptions) {
    this.endpoint = normalizeBaseUrl(options.baseUrl);
    this.client = createWaldurClient(options);
    this.paging = options.paging ?? {};
  }

  /** Runs a paged list call through {@link listAll}. */
  private async all<T>(fetch: (page: number, pageSize: number, signal?: AbortSignal) => ReturnType<typeof unwrap<T[]>>, signal?: AbortSignal): Promise<T[]> {
    return listAll<T>(async (page, pageSize, s): Promise<Page<T>> => {
      const { data, response } = await fetch(page, pageSize, s);
      return { items: data, total: resultCount(response) };
    }, { ...this.paging, signal });
  }

  async whoAmI(signal?: AbortSignal): Promise<Identity> {
    const { data } = await unwrap(this.client.GET('/api/users/me/', { signal }));
    return {
      username: data.username ?? '',
      fullName: data.full_name ?? '',
      isStaff: data.is_staff ?? false,
      tokenExpiresAt: data.token_expires_at ?? undefined,
    };
  }

  async listOrganizations(signal?: AbortSignal): Promise<Organization[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/customers/', {
      params: { query: { page, page_size, o: 'name', field: ['uuid', 'name', 'abbreviation'] } }, signal: s,
    })), signal);
    return rows.map((c) => ({ id: c.uuid ?? '', name: c.name ?? '', abbreviation: c.abbreviation || undefined }));
  }

  async listProjects(organizationId: string, signal?: AbortSignal): Promise<Project[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/projects/', {
      params: { query: { page, page_size, customer_uuid: organizationId, o: ['name'], field: ['uuid', 'name', 'description', 'customer_uuid'] } }, signal: s,
    })), signal);
    return rows.map((p) => ({ id: p.uuid ?? '', organizationId: p.customer_uuid ?? organizationId, name: p.name ?? '', description: p.description || undefined }));
  }

  async listVolumes(projectId?: string, signal?: AbortSignal): Promise<Volume[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-volumes/', {
      params: { query: { page, page_size, project_uuid: projectId, field: [...VOLUME_ROW_FIELDS] } }, signal: s,
    })), signal);
    return rows.map(toVolume).sort(byName);
  }

  async listSnapshots(volumeId?: string, signal?: AbortSignal): Promise<Snapshot[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-snapshots/', {
      params: { query: { page, page_size, source_volume_uuid: volumeId, field: [...SNAPSHOT_ROW_FIELDS] } }, signal: s,
    })), signal);
    return rows.map(toSnapshot).sort(byName);
  }

  async getVolume(id: string, signal?: AbortSignal): Promise<Volume> {
    const { data } = await unwrap(this.client.GET('/api/openstack-volumes/{uuid}/', { params: { path: { uuid: id } }, signal }));
    return toVolume(data);
  }

  async getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot> {
    const { data } = await unwrap(this.client.GET('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: id } }, signal }));
    return toSnapshot(data);
  }

  async listAttachableInstances(volume: Volume, signal?: AbortSignal): Promise<Instance[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-instances/', {
      params: { query: { page, page_size, attach_volume_uuid: volume.id, field: ['uuid', 'url', 'name', 'state', 'runtime_state', 'availability_zone_name'] } }, signal: s,
    })), signal);
    return rows.map((r) => ({
      id: r.uuid ?? '', url: r.url ?? '', name: r.name ?? '', state: normalizeState(r.state),
      runtimeState: r.runtime_state ?? '', availabilityZone: r.availability_zone_name || undefined,
    }));
  }

  async listVolumeTypes(tenantId: string, signal?: AbortSignal): Promise<VolumeType[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-volume-types/', {
      params: { query: { page, page_size, tenant_uuid: tenantId } }, signal: s,
    })), signal);
    return rows.map((t) => ({ id: t.uuid, url: t.url, name: t.name, description: t.description ?? '' }));
  }

  async attachVolume(volume: Volume, instance: Instance): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/attach/', { params: { path: { uuid: volume.id } }, body: { instance: instance.url } }));
  }

  async detachVolume(volume: Volume): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/detach/', { params: { path: { uuid: volume.id } } }));
  }

  async extendVolume(volume: Volume, newSizeMiB: number): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/extend/', { params: { path: { uuid: volume.id } }, body: { disk_size: newSizeMiB } }));
  }

  async retypeVolume(volume: Volume, type: VolumeType): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/retype/', { params: { path: { uuid: volume.id } }, body: { type: type.url } }));
  }

  async snapshotVolume(volume: Volume, input: { name: string; description?: string; keptUntil?: string }): Promise<Snapshot> {
    const body = { name: input.name, description: input.description ?? '', kept_until: input.keptUntil ?? null };
    const { data } = await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/snapshot/', { params: { path: { uuid: volume.id } }, body }));
    return toSnapshot(data);
  }

  async updateVolume(volume: Volume, changes: { name?: string; description?: string; bootable?: boolean }): Promise<Volume> {
    const { data } = await unwrap(this.client.PATCH('/api/openstack-volumes/{uuid}/', { params: { path: { uuid: volume.id } }, body: changes }));
    return toVolume(data);
  }

  async pullVolume(volume: Volume): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/pull/', { params: { path: { uuid: volume.id } } }));
  }

  async unlinkVolume(volume: Volume): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-volumes/{uuid}/unlink/', { params: { path: { uuid: volume.id } }, parseAs: 'text' }));
  }

  async deleteVolume(volume: Volume): Promise<Order> {
    if (!volume.marketplaceResourceId) {
      throw new Error(`${volume.name} has no marketplace resource, so it cannot be deleted from here.`);
    }
    const { data } = await unwrap(this.client.POST('/api/marketplace-resources/{uuid}/terminate/', {
      params: { path: { uuid: volume.marketplaceResourceId } }, body: {},
    }));
    return { id: data.order_uuid ?? '' };
  }

  async restoreSnapshot(snapshot: Snapshot, input: { name: string; description?: string }): Promise<Volume> {
    const { data } = await unwrap(this.client.POST('/api/openstack-snapshots/{uuid}/restore/', { params: { path: { uuid: snapshot.id } }, body: input }));
    return toVolume(data);
  }

  async updateSnapshot(snapshot: Snapshot, changes: { name?: string; description?: string; keptUntil?: string | null }): Promise<Snapshot> {
    const { keptUntil, ...rest } = changes;
    const body = keptUntil === undefined ? rest : { ...rest, kept_until: keptUntil };
    const { data } = await unwrap(this.client.PATCH('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: snapshot.id } }, body }));
    return toSnapshot(data);
  }

  async pullSnapshot(snapshot: Snapshot): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-snapshots/{uuid}/pull/', { params: { path: { uuid: snapshot.id } } }));
  }

  async unlinkSnapshot(snapshot: Snapshot): Promise<void> {
    await unwrap(this.client.POST('/api/openstack-snapshots/{uuid}/unlink/', { params: { path: { uuid: snapshot.id } }, parseAs: 'text' }));
  }

  async deleteSnapshot(snapshot: Snapshot): Promise<void> {
    await unwrap(this.client.DELETE('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: snapshot.id } }, parseAs: 'text' }));
  }
}

/**
 * The volume and snapshot lists have no ordering parameter: sort by name for people
 * (`data-2` before `data-10`). One collator: `localeCompare` with options builds one per call,
 * which made sorting 5,000 volumes take ~300 ms instead of ~20 ms.
 */
const nameCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function byName(a: { name: string }, b: { name: string }): number {
  return nameCollator.compare(a.name, b.name);
}
