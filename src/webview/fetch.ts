/**
 * What a detail panel loads, with the typed Waldur client: the full record (the tree only asks
 * for row fields), the volume's snapshots, a snapshot's restorations. No VS Code here.
 */
import { unwrap, type WaldurClient } from '../api/client';
import { listAll, resultCount } from '../api/paging';
import { idFromUrl } from '../model/types';
import type { SnapshotDetailsInput, VolumeDetailsInput } from './model';

/** The full volume record, its snapshots and the name of the snapshot it was made from. */
export async function fetchVolumeDetails(client: WaldurClient, id: string, signal?: AbortSignal): Promise<VolumeDetailsInput> {
  const [volume, snapshots] = await Promise.all([
    unwrap(client.GET('/api/openstack-volumes/{uuid}/', { params: { path: { uuid: id } }, signal })).then((r) => r.data),
    listAll(async (page, page_size, s) => {
      const { data, response } = await unwrap(client.GET('/api/openstack-snapshots/', {
        params: { query: { page, page_size, source_volume_uuid: id } }, signal: s,
      }));
      return { items: data, total: resultCount(response) };
    }, { signal }),
  ]);
  const sourceId = idFromUrl(volume.source_snapshot);
  let sourceSnapshotName: string | undefined;
  if (sourceId) {
    // Only for the label; a deleted source snapshot must not break the panel.
    sourceSnapshotName = await unwrap(client.GET('/api/openstack-snapshots/{uuid}/', {
      params: { path: { uuid: sourceId }, query: { field: ['uuid', 'name'] } }, signal,
    })).then((r) => r.data.name, () => undefined);
  }
  return { volume, snapshots, sourceSnapshotName };
}

/** The full snapshot record and every restoration made from it. */
export async function fetchSnapshotDetails(client: WaldurClient, id: string, signal?: AbortSignal): Promise<SnapshotDetailsInput> {
  const [snapshot, restorations] = await Promise.all([
    unwrap(client.GET('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: id } }, signal })).then((r) => r.data),
    listAll(async (page, page_size, s) => {
      const { data, response } = await unwrap(client.GET('/api/openstack-snapshots/{uuid}/restorations/', {
        params: { path: { uuid: id }, query: { page, page_size } }, signal: s,
      }));
      return { items: data, total: resultCount(response) };
    }, { signal }),
  ]);
  return { snapshot, restorations };
}

