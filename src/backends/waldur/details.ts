/**
 * What a Waldur detail panel shows: the full record (the tree asks only for row fields), the
 * volume's snapshots or the snapshot's restorations, and the sections built from them.
 * No VS Code here; the neutral header (name, badges, actions) is added by the panel.
 */
import type { ResourceDetails } from '../../core/backend';
import {
  errorSection, field, instanceValue, keepUntilValue, longText, text, timeValue, yesNo, type Badge, type BadgeTone, type DetailSection, type TableRow,
} from '../../core/details';
import { formatGiB } from '../../core/model';
import type { LocalRef } from '../../core/ref';
import { blockStorageStatus } from '../../core/status';
import { plainText } from '../../util/escape';
import { unwrap, type WaldurClient } from './client';
import { expectRecord, listPages } from './paging';
import { idFromUrl, toSnapshot, toVolume, type RestorationRecord, type SnapshotRecord, type VolumeRecord } from './records';
import { displayState, isTransitionalState, normalizeRuntimeState, normalizeState } from './states';

export interface VolumeDetailsInput {
  volume: VolumeRecord;
  /** Snapshots whose source is this volume. */
  snapshots: SnapshotRecord[];
  /** Name of `volume.source_snapshot`, when it could be read (the record only has its URL). */
  sourceSnapshotName?: string;
}

export interface SnapshotDetailsInput {
  snapshot: SnapshotRecord;
  restorations: RestorationRecord[];
}

/** The full volume record, its snapshots and the name of the snapshot it was made from. */
export async function fetchVolumeDetails(client: WaldurClient, id: string, signal?: AbortSignal): Promise<VolumeDetailsInput> {
  const [volume, snapshots] = await Promise.all([
    unwrap(client.GET('/api/openstack-volumes/{uuid}/', { params: { path: { uuid: id } }, signal })).then((r) => expectRecord<VolumeRecord>(r.data, 'a volume')),
    listPages((page, page_size, s) => unwrap(client.GET('/api/openstack-snapshots/', {
      params: { query: { page, page_size, source_volume_uuid: id } }, signal: s,
    })), { signal, what: 'snapshots' }),
  ]);
  const sourceId = idFromUrl(volume.source_snapshot);
  let sourceSnapshotName: string | undefined;
  if (sourceId) {
    // Only for the label; a deleted source snapshot must not break the panel.
    sourceSnapshotName = await unwrap(client.GET('/api/openstack-snapshots/{uuid}/', {
      params: { path: { uuid: sourceId }, query: { field: ['uuid', 'name'] } }, signal,
    })).then((r) => (r.data as { name?: string } | undefined)?.name, () => undefined);
  }
  return { volume, snapshots, sourceSnapshotName };
}

/** The full snapshot record and every restoration made from it. */
export async function fetchSnapshotDetails(client: WaldurClient, id: string, signal?: AbortSignal): Promise<SnapshotDetailsInput> {
  const [snapshot, restorations] = await Promise.all([
    unwrap(client.GET('/api/openstack-snapshots/{uuid}/', { params: { path: { uuid: id } }, signal })).then((r) => expectRecord<SnapshotRecord>(r.data, 'a snapshot')),
    listPages((page, page_size, s) => unwrap(client.GET('/api/openstack-snapshots/{uuid}/restorations/', {
      params: { path: { uuid: id }, query: { page, page_size } }, signal: s,
    })), { signal, what: 'restorations' }),
  ]);
  return { snapshot, restorations };
}

function localRef(kind: LocalRef['kind'], url: string | null | undefined, uuid?: string | null): LocalRef | undefined {
  const id = uuid || idFromUrl(url);
  return id ? { kind, id } : undefined;
}

/** Each badge is toned by its own state: an `in-use` volume that is Update scheduled stays `in-use`. */
export function waldurBadges(rawState: string | undefined, rawRuntime: string | undefined): Badge[] {
  const state = normalizeState(rawState);
  const runtimeState = normalizeRuntimeState(rawRuntime);
  const stateTone: BadgeTone = state === 'ERRED' ? 'error' : isTransitionalState(state) ? 'busy' : state === 'OK' ? 'ok' : 'neutral';
  const list: Badge[] = [{ label: 'State', text: displayState(state), tone: stateTone }];
  if (runtimeState) {
    const status = blockStorageStatus(runtimeState);
    const tone: BadgeTone = status.category === 'error' ? 'error' : status.category === 'busy' ? 'busy'
      : runtimeState === 'in-use' || runtimeState === 'available' ? 'ok' : 'neutral';
    list.push({ label: 'Runtime state', text: plainText(runtimeState, 40), tone });
  }
  return list;
}

function marketplaceSection(r: VolumeRecord | SnapshotRecord): DetailSection[] {
  if (!r.marketplace_resource_uuid && !r.marketplace_offering_name) return [];
  return [{
    type: 'fields', id: 'marketplace', heading: 'Marketplace',
    fields: [
      field('Offering', text(r.marketplace_offering_name)),
      field('Plan', text(r.marketplace_plan_uuid)),
      field('Resource state', text(r.marketplace_resource_state, 'Unknown')),
      field('Category', text(r.marketplace_category_name)),
    ],
  }];
}

const newestFirst = <T extends { created?: string | null }>(rows: T[]): T[] => [...rows].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));

/** A full volume record and its snapshots → the panel's sections. */
export function volumeDetails(input: VolumeDetailsInput, now: Date = new Date()): ResourceDetails {
  const r = input.volume;
  const v = toVolume(r);
  const source = localRef('snapshot', r.source_snapshot);
  const snapshots: TableRow[] = newestFirst(input.snapshots).map((s) => {
    const open = localRef('snapshot', s.url, s.uuid);
    return {
      cells: [
        { ...text(s.name, '(unnamed snapshot)'), ...(open ? { open } : {}) },
        { text: formatGiB(s.size ?? undefined) },
        timeValue(s.created, now),
        keepUntilValue(s.kept_until, now),
      ],
      ...(open ? { open } : {}),
    };
  });
  const sections: DetailSection[] = [
    ...errorSection(v.status.category === 'error', r.error_message ?? undefined, r.error_traceback ?? undefined),
    {
      type: 'fields', id: 'overview', heading: 'Overview',
      fields: [
        field('Description', longText(r.description, 'No description')),
        field('Type', text(r.type_name, 'Default')),
        field('Bootable', yesNo(r.bootable)),
        field('Availability zone', text(r.availability_zone_name)),
        field('Backend ID', text(r.backend_id, 'Not created in the backend yet')),
        field('Tenant', text(r.service_name || r.tenant_uuid, 'Unknown')),
        field('Project', text(r.project_name, 'Unknown')),
        field('Organization', text(r.customer_name, 'Unknown')),
      ],
    },
    {
      type: 'fields', id: 'attachment', heading: 'Attachment',
      fields: r.instance || r.instance_name
        ? [field('Instance', instanceValue(idFromUrl(r.instance), r.instance_name)), field('Device', text(r.device, 'Unknown'))]
        : [field('Instance', { text: 'Not attached', muted: true })],
    },
    {
      type: 'fields', id: 'origin', heading: 'Origin',
      fields: [
        field('Source snapshot', source
          ? { text: plainText(input.sourceSnapshotName) || `Snapshot ${source.id.slice(0, 8)}`, open: source }
          : { text: 'Not created from a snapshot', muted: true }),
        ...(r.image_name ? [field('Image', text(r.image_name))] : []),
      ],
    },
    {
      type: 'table', id: 'snapshots', heading: `Snapshots (${snapshots.length})`,
      columns: ['Name', 'Size', 'Created', 'Keep until'], rows: snapshots, empty: 'This volume has no snapshots.',
    },
    ...marketplaceSection(r),
    {
      type: 'fields', id: 'timestamps', heading: 'Timestamps',
      fields: [field('Created', timeValue(r.created, now)), field('Modified', timeValue(r.modified, now))],
    },
  ];
  return { resource: v, sections, badges: waldurBadges(r.state, r.runtime_state) };
}

/** A full snapshot record and its restorations → the panel's sections. */
export function snapshotDetails(input: SnapshotDetailsInput, now: Date = new Date()): ResourceDetails {
  const r = input.snapshot;
  const s = toSnapshot(r);
  const source = localRef('volume', r.source_volume);
  const restorations: TableRow[] = newestFirst(input.restorations).map((x) => {
    const open = localRef('volume', x.volume);
    return {
      cells: [
        { ...text(x.volume_name, '(unnamed volume)'), ...(open ? { open } : {}) },
        text([x.volume_state && displayState(x.volume_state), x.volume_runtime_state].filter(Boolean).join(' · '), 'Unknown'),
        { text: formatGiB(x.volume_size ?? undefined) },
        text(x.volume_device, 'Not attached'),
        timeValue(x.created, now),
      ],
      ...(open ? { open } : {}),
    };
  });
  const sections: DetailSection[] = [
    ...errorSection(s.status.category === 'error', r.error_message ?? undefined, r.error_traceback ?? undefined),
    {
      type: 'fields', id: 'overview', heading: 'Overview',
      fields: [
        field('Description', longText(r.description, 'No description')),
        field('Source volume', source
          ? { text: plainText(r.source_volume_name) || `Volume ${source.id.slice(0, 8)}`, open: source }
          : { text: 'The source volume no longer exists', muted: true }),
        field('Keep until', keepUntilValue(r.kept_until, now)),
        field('Backend ID', text(r.backend_id, 'Not created in the backend yet')),
        field('Tenant', text(r.service_name, 'Unknown')),
        field('Project', text(r.project_name, 'Unknown')),
        field('Organization', text(r.customer_name, 'Unknown')),
      ],
    },
    {
      type: 'table', id: 'restorations', heading: `Restorations (${restorations.length})`,
      columns: ['New volume', 'State', 'Size', 'Device', 'Created'], rows: restorations, empty: 'This snapshot has not been restored yet.',
    },
    ...marketplaceSection(r),
    {
      type: 'fields', id: 'timestamps', heading: 'Timestamps',
      fields: [field('Created', timeValue(r.created, now)), field('Modified', timeValue(r.modified, now))],
    },
  ];
  return { resource: s, sections, badges: waldurBadges(r.state, r.runtime_state) };
}
