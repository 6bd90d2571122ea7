import { createWaldurClient, normalizeBaseUrl, unwrap, type ClientConfig, type WaldurClient } from '../api/client';
import { listAll, resultCount, type ListAllOptions, type Page } from '../api/paging';
import type { components } from '../api/waldur.gen';
import { normalizeRuntimeState, normalizeState } from '../model/state';
import { idFromUrl, type Identity, type Organization, type Project, type Snapshot, type Volume } from '../model/types';
import type { Backend } from './types';

type Schemas = components['schemas'];
type VolumeField = Schemas['OpenStackVolumeFieldEnum'];
type SnapshotField = Schemas['OpenStackSnapshotFieldEnum'];

/** Only what tree rows and their tooltips show; the detail panel asks for the full record. */
export const VOLUME_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'bootable', 'type_name',
  'availability_zone_name', 'instance', 'instance_name', 'device', 'project_uuid', 'tenant_uuid',
  'backend_id', 'error_message', 'marketplace_resource_uuid', 'created',
] as const satisfies readonly VolumeField[];

export const SNAPSHOT_ROW_FIELDS = [
  'uuid', 'url', 'name', 'description', 'size', 'state', 'runtime_state', 'source_volume',
  'source_volume_name', 'created', 'kept_until', 'backend_id', 'error_message',
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

  async listVolumes(projectId: string, signal?: AbortSignal): Promise<Volume[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-volumes/', {
      params: { query: { page, page_size, project_uuid: projectId, field: [...VOLUME_ROW_FIELDS] } }, signal: s,
    })), signal);
    return rows.map(toVolume);
  }

  async listSnapshots(volumeId: string, signal?: AbortSignal): Promise<Snapshot[]> {
    const rows = await this.all((page, page_size, s) => unwrap(this.client.GET('/api/openstack-snapshots/', {
      params: { query: { page, page_size, source_volume_uuid: volumeId, field: [...SNAPSHOT_ROW_FIELDS] } }, signal: s,
    })), signal);
    return rows.map(toSnapshot);
  }

  async getVolume(id: string, signal?: AbortSignal): Promise<Volume> {
    const { data } = await unwrap(this.client.GET('/api/openstack-volumes/{uuid}/', { params: { path: { uuid: id } }, signal }));
    return toVolume(data);
  }

  async getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot> {
    const { data } = await unwrap(this.client.GET('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: id } }, signal }));
    return toSnapshot(data);
  }
}
