/**
 * Cinder and Nova records → neutral models. Cinder sizes are GiB (the model keeps MiB); its
 * `status` is both the runtime state and, through {@link blockStorageStatus}, the status.
 */
import type { Instance, Snapshot, Volume, VolumeType } from '../../core/model';
import { blockStorageStatus } from '../../core/status';

/** The fields of a Cinder volume this extension reads (any microversion). */
export interface CinderVolume {
  id: string;
  name?: string | null;
  description?: string | null;
  size?: number;
  status?: string;
  bootable?: string | boolean;
  volume_type?: string | null;
  availability_zone?: string | null;
  attachments?: Array<{ server_id?: string; device?: string; attachment_id?: string; host_name?: string | null }>;
  snapshot_id?: string | null;
  source_volid?: string | null;
  created_at?: string;
  updated_at?: string | null;
  encrypted?: boolean;
  multiattach?: boolean;
  'os-vol-tenant-attr:tenant_id'?: string;
  volume_image_metadata?: Record<string, string>;
  metadata?: Record<string, string>;
  migration_status?: string | null;
  replication_status?: string | null;
}

export interface CinderSnapshot {
  id: string;
  name?: string | null;
  description?: string | null;
  size?: number;
  status?: string;
  volume_id?: string;
  created_at?: string;
  updated_at?: string | null;
  'os-extended-snapshot-attributes:project_id'?: string;
}

/** What OpenStack's own rules and actions need beyond the neutral model. */
export interface OpenStackNative {
  projectId: string;
  /** Volumes: the attachment's server, for detach through Nova. */
  serverId?: string;
  snapshotId?: string;
  sourceVolumeId?: string;
  encrypted?: boolean;
  multiattach?: boolean;
  /** The block-storage microversion of its project's endpoint (`3.42`), for the rules. */
  volumeMicroversion?: string;
  /** Snapshots: the newest snapshot of its volume (only that one can be reverted to). */
  latest?: boolean;
  /** Seen by an admin in another project (all_tenants): in-place actions only. */
  foreign?: boolean;
}

export function openstackOf(r: { native?: unknown }): Partial<OpenStackNative> {
  return (r.native as Partial<OpenStackNative> | undefined) ?? {};
}

export const GIB_IN_MIB = 1024;

export function toVolume(r: CinderVolume, projectId: string, projectName: string | undefined, serverNames: ReadonlyMap<string, string>, volumeVersion?: readonly [number, number]): Volume {
  const status = blockStorageStatus(r.status);
  const attachment = r.attachments?.[0];
  const native: OpenStackNative = {
    projectId: r['os-vol-tenant-attr:tenant_id'] ?? projectId,
    serverId: attachment?.server_id, snapshotId: r.snapshot_id ?? undefined, sourceVolumeId: r.source_volid ?? undefined,
    encrypted: r.encrypted, multiattach: r.multiattach,
    ...(volumeVersion ? { volumeMicroversion: volumeVersion.join('.') } : {}),
  };
  return {
    id: r.id,
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: typeof r.size === 'number' ? r.size * GIB_IN_MIB : undefined,
    status,
    runtimeState: status.label,
    bootable: r.bootable === true || r.bootable === 'true',
    readOnly: String(r.metadata?.readonly ?? '').toLowerCase() === 'true',
    typeName: r.volume_type || undefined,
    availabilityZone: r.availability_zone || undefined,
    instanceId: attachment?.server_id,
    instanceName: attachment?.server_id ? serverNames.get(attachment.server_id) ?? attachment.server_id : undefined,
    device: attachment?.device || undefined,
    projectId: native.projectId,
    projectName,
    created: r.created_at,
    modified: r.updated_at ?? undefined,
    native,
  };
}

export function toSnapshot(r: CinderSnapshot, projectId: string, projectName: string | undefined, volumeNames: ReadonlyMap<string, string>, extra: { latest?: boolean; volumeVersion?: readonly [number, number] } = {}): Snapshot {
  const status = blockStorageStatus(r.status);
  const owner = r['os-extended-snapshot-attributes:project_id'] ?? projectId;
  return {
    id: r.id,
    name: r.name ?? '',
    description: r.description ?? '',
    sizeMiB: typeof r.size === 'number' ? r.size * GIB_IN_MIB : undefined,
    status,
    runtimeState: status.label,
    projectId: owner,
    projectName,
    sourceVolumeId: r.volume_id,
    sourceVolumeName: r.volume_id ? volumeNames.get(r.volume_id) : undefined,
    created: r.created_at,
    modified: r.updated_at ?? undefined,
    native: {
      projectId: owner,
      ...(extra.latest !== undefined ? { latest: extra.latest } : {}),
      ...(extra.volumeVersion ? { volumeMicroversion: extra.volumeVersion.join('.') } : {}),
    } satisfies OpenStackNative,
  };
}

export interface NovaServer { id: string; name?: string; status?: string; 'OS-EXT-AZ:availability_zone'?: string }

export function toInstance(s: NovaServer): Instance {
  return { id: s.id, name: s.name ?? s.id, statusLabel: s.status ?? '', availabilityZone: s['OS-EXT-AZ:availability_zone'] || undefined };
}

export function toVolumeType(t: { id: string; name?: string; description?: string | null }): VolumeType {
  return { id: t.id, name: t.name ?? t.id, description: t.description ?? '' };
}
