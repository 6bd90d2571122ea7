/**
 * Waldur records → what a detail panel shows. Pure (no VS Code, no DOM), so it is unit-tested;
 * the panel fetches, this maps, the webview draws. Action buttons come from
 * model/actions.ts, the one source of truth for what a state allows.
 */
import type { components } from '../api/waldur.gen';
import { toSnapshot, toVolume } from '../backend/waldur';
import { allowedSnapshotActions, allowedVolumeActions, type SnapshotAction, type Viewer, type VolumeAction } from '../model/actions';
import { displayState, isTransitional, stateCategory } from '../model/state';
import { formatGiB, idFromUrl } from '../model/types';
import { plainText } from '../util/escape';
import { formatDateTime } from '../util/time';
import type { ActionButton, Badge, BadgeTone, DetailsModel, FieldRow, ResourceKind, ResourceRef, Section, TableRow, TextValue } from '../shared/protocol';

type Schemas = components['schemas'];
export type VolumeRecord = Partial<Schemas['OpenStackVolume']>;
export type SnapshotRecord = Partial<Schemas['OpenStackSnapshot']>;
export type RestorationRecord = Partial<Schemas['OpenStackSnapshotRestoration']>;

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

const VOLUME_BUTTONS: Record<VolumeAction, Omit<ActionButton, 'action'>> = {
  attach: { label: 'Attach…', icon: 'plug', title: 'Attach to an instance' },
  detach: { label: 'Detach', icon: 'debug-disconnect', title: 'Detach from its instance' },
  extend: { label: 'Extend…', icon: 'arrow-both', title: 'Make the volume larger' },
  retype: { label: 'Change Type…', icon: 'symbol-enum', title: 'Change the volume type' },
  snapshot: { label: 'Create Snapshot…', icon: 'device-camera' },
  edit: { label: 'Edit…', icon: 'edit', title: 'Edit name, description and bootable flag' },
  pull: { label: 'Pull', icon: 'cloud-download', title: 'Synchronise with the backend' },
  unlink: { label: 'Unlink…', icon: 'unlock', destructive: true, title: 'Remove the record without touching the backend (staff)' },
  delete: { label: 'Delete…', icon: 'trash', destructive: true },
};

const SNAPSHOT_BUTTONS: Record<SnapshotAction, Omit<ActionButton, 'action'>> = {
  restore: { label: 'Restore to New Volume…', icon: 'history' },
  edit: { label: 'Edit…', icon: 'edit', title: 'Edit name, description and retention' },
  pull: { label: 'Pull', icon: 'cloud-download', title: 'Synchronise with the backend' },
  unlink: { label: 'Unlink…', icon: 'unlock', destructive: true, title: 'Remove the record without touching the backend (staff)' },
  delete: { label: 'Delete…', icon: 'trash', destructive: true },
};

/** The command a panel button runs — the same one as the tree's menu. */
export function actionCommand(kind: ResourceKind, action: string): string {
  return `volumeExplorer.${action}${kind === 'volume' ? 'Volume' : 'Snapshot'}`;
}

const UNITS: Array<{ unit: string; seconds: number; below: number }> = [
  { unit: 'minute', seconds: 60, below: 45 * 60 },
  { unit: 'hour', seconds: 3600, below: 22 * 3600 },
  { unit: 'day', seconds: 86_400, below: 26 * 86_400 },
  { unit: 'month', seconds: 30.44 * 86_400, below: 320 * 86_400 },
  { unit: 'year', seconds: 365.25 * 86_400, below: Infinity },
];

/** "3 days ago", "in 2 months", "just now"; '' when `iso` is not a time. */
export function relativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = (t - now.getTime()) / 1000;
  const seconds = Math.abs(diff);
  if (seconds < 45) return diff <= 0 ? 'just now' : 'in a few seconds';
  const { unit, seconds: size } = UNITS.find((u) => seconds < u.below)!;
  const n = Math.max(1, Math.round(seconds / size));
  const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff < 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** A time shown relative, with the exact time on hover. */
export function timeValue(iso: string | null | undefined, now: Date, missing = 'Unknown'): TextValue {
  const relative = relativeTime(iso, now);
  if (!iso || !relative) return { text: missing, muted: true };
  return { text: relative, title: formatDateTime(iso), datetime: iso };
}

/** `kept_until` empty means the snapshot is kept forever. */
export function keepUntilValue(iso: string | null | undefined, now: Date): TextValue {
  return iso && relativeTime(iso, now) ? timeValue(iso, now) : { text: 'Keep forever' };
}

const text = (value: string | null | undefined, missing = 'None'): TextValue => {
  const clean = plainText(value, 500);
  return clean ? { text: clean } : { text: missing, muted: true };
};

/** Multi-line text (descriptions) keeps its line breaks; only length is bounded. */
const longText = (value: string | null | undefined, missing: string): TextValue =>
  value && value.trim() ? { text: value.length > 4000 ? `${value.slice(0, 3999)}…` : value } : { text: missing, muted: true };

const yesNo = (value: boolean | null | undefined): TextValue => ({ text: value ? 'Yes' : 'No' });
const field = (label: string, value: TextValue): FieldRow => ({ label, value });

function ref(kind: ResourceKind, url: string | null | undefined, uuid?: string | null): ResourceRef | undefined {
  const id = uuid || idFromUrl(url);
  return id ? { kind, id } : undefined;
}

/** Each badge is toned by its own state: an `in-use` volume that is Update scheduled stays `in-use`. */
function badges(state: string, runtimeState: string): Badge[] {
  const stateTone: BadgeTone = state === 'ERRED' ? 'error' : isTransitional(state) ? 'busy' : state === 'OK' ? 'ok' : 'neutral';
  const list: Badge[] = [{ label: 'State', text: displayState(state), tone: stateTone }];
  if (runtimeState) {
    const category = stateCategory('OK', runtimeState);
    const tone: BadgeTone = category === 'error' ? 'error' : category === 'busy' ? 'busy' : category === 'other' ? 'neutral' : 'ok';
    list.push({ label: 'Runtime state', text: plainText(runtimeState, 40), tone });
  }
  return list;
}

function busyText(name: string, state: string, runtimeState: string): string | undefined {
  if (!isTransitional(state, runtimeState)) return undefined;
  const what = /ing$/.test(runtimeState) && !runtimeState.startsWith('error') ? runtimeState : displayState(state).toLowerCase();
  return `${name} is ${what}…`;
}

function errorSection(state: string, runtimeState: string, message: string | undefined, traceback: string | undefined): Section[] {
  if (state !== 'ERRED' && !runtimeState.startsWith('error')) return [];
  return [{
    type: 'error', id: 'error', heading: 'Error',
    message: message?.trim() || 'The server reports an error but gave no message.',
    ...(traceback?.trim() ? { traceback } : {}),
  }];
}

function marketplaceSection(r: VolumeRecord | SnapshotRecord): Section[] {
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

/** Maps a full volume record, its snapshots and viewer to the panel's model. */
export function volumeDetails(input: VolumeDetailsInput, viewer: Viewer, now: Date = new Date()): DetailsModel {
  const r = input.volume;
  const v = toVolume(r);
  const name = plainText(v.name) || '(unnamed volume)';
  const source = ref('snapshot', r.source_snapshot);
  const snapshots: TableRow[] = [...input.snapshots]
    .sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''))
    .map((s) => {
      const open = ref('snapshot', s.url, s.uuid);
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

  const sections: Section[] = [
    ...errorSection(v.state, v.runtimeState, r.error_message, r.error_traceback),
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
        field('Organisation', text(r.customer_name, 'Unknown')),
      ],
    },
    {
      type: 'fields', id: 'attachment', heading: 'Attachment',
      fields: r.instance || r.instance_name
        ? [field('Instance', text(r.instance_name || idFromUrl(r.instance), 'Unknown')), field('Device', text(r.device, 'Unknown'))]
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

  return {
    ref: { kind: 'volume', id: v.id },
    kindLabel: 'Volume',
    name,
    badges: badges(v.state, v.runtimeState),
    size: formatGiB(v.sizeMiB),
    busy: isTransitional(v.state, v.runtimeState),
    busyText: busyText(name, v.state, v.runtimeState),
    actions: allowedVolumeActions(v, viewer).map((action) => ({ action, ...VOLUME_BUTTONS[action] })),
    sections,
  };
}

/** Maps a full snapshot record, its restorations and viewer to the panel's model. */
export function snapshotDetails(input: SnapshotDetailsInput, viewer: Viewer, now: Date = new Date()): DetailsModel {
  const r = input.snapshot;
  const s = toSnapshot(r);
  const name = plainText(s.name) || '(unnamed snapshot)';
  const source = ref('volume', r.source_volume);
  const restorations: TableRow[] = [...input.restorations]
    .sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''))
    .map((x) => {
      const open = ref('volume', x.volume);
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

  const sections: Section[] = [
    ...errorSection(s.state, s.runtimeState, r.error_message, r.error_traceback),
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
        field('Organisation', text(r.customer_name, 'Unknown')),
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

  return {
    ref: { kind: 'snapshot', id: s.id },
    kindLabel: 'Snapshot',
    name,
    badges: badges(s.state, s.runtimeState),
    size: formatGiB(s.sizeMiB),
    busy: isTransitional(s.state, s.runtimeState),
    busyText: busyText(name, s.state, s.runtimeState),
    actions: allowedSnapshotActions(s, viewer).map((action) => ({ action, ...SNAPSHOT_BUTTONS[action] })),
    sections,
  };
}
