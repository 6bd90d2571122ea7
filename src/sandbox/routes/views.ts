/**
 * Serialised views that join records at response time (an instance's attached volumes, a
 * snapshot's restorations) and Waldur's attachability rule.
 */
import { publicView } from '../http';
import type { InstanceRecord, SnapshotRecord, Store, VolumeRecord } from '../types';

/** Waldur's rule for `attach_volume_uuid`: same tenant and project, compatible zone, instance OK and ACTIVE/SHUTOFF. */
export function attachable(volume: VolumeRecord, instance: InstanceRecord): boolean {
  return (
    instance.tenant_uuid === volume.tenant_uuid &&
    instance.project_uuid === volume.project_uuid &&
    zonesCompatible(volume, instance) &&
    instance.state === 'OK' &&
    ['ACTIVE', 'SHUTOFF'].includes(instance.runtime_state)
  );
}

/** An empty zone on either side means "any zone", as in Waldur. */
export function zonesCompatible(volume: VolumeRecord, instance: InstanceRecord): boolean {
  return !volume.availability_zone_name || !instance.availability_zone_name || volume.availability_zone_name === instance.availability_zone_name;
}

export function viewInstance(store: Store, instance: InstanceRecord): InstanceRecord {
  const attached = store.volumes.filter((v) => v.instance === instance.url);
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

export function viewSnapshot(store: Store, snapshot: SnapshotRecord): SnapshotRecord {
  const restorations = store.restorations.filter((r) => r._snapshot_uuid === snapshot.uuid).map((r) => publicView(viewRestoration(store, r), []));
  return { ...snapshot, restorations: restorations as SnapshotRecord['restorations'] };
}

export function viewRestoration(store: Store, r: SnapshotRecord['restorations'][number] & { _volume_uuid: string }): object {
  const volume = store.volumes.find((v) => v.uuid === r._volume_uuid);
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
