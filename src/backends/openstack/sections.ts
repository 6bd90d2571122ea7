/**
 * Detail-panel pieces that both OpenStack backends show alike (Cinder's API in backend.ts, Nova's
 * os-volumes proxy in legacy.ts): the attachment, the volume's snapshots, the links to a source.
 */
import { field, instanceValue, text, timeValue, type DetailSection, type FieldRow, type TableRow } from '../../core/details';
import { formatGiB, type Snapshot, type Volume } from '../../core/model';

/** What a row of a volume's snapshots shows (a neutral {@link Snapshot} is one). */
export type SnapshotRow = Pick<Snapshot, 'id' | 'name' | 'sizeMiB' | 'runtimeState' | 'created'>;

export function attachmentSection(volume: Volume): DetailSection {
  return {
    type: 'fields', id: 'attachment', heading: 'Attachment',
    fields: volume.instanceId
      ? [field('Instance', instanceValue(volume.instanceId, volume.instanceName)), field('Device', text(volume.device, 'Unknown'))]
      : [field('Instance', { text: 'Not attached', muted: true })],
  };
}

/** The volume's snapshots, newest first, each opening its own panel. */
export function snapshotsSection(snapshots: readonly SnapshotRow[], now: Date): DetailSection {
  const rows: TableRow[] = [...snapshots].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '')).map((s) => ({
    cells: [{ ...text(s.name, '(unnamed snapshot)'), open: { kind: 'snapshot', id: s.id } }, { text: formatGiB(s.sizeMiB) }, text(s.runtimeState, 'Unknown'), timeValue(s.created, now)],
    open: { kind: 'snapshot', id: s.id },
  }));
  return { type: 'table', id: 'snapshots', heading: `Snapshots (${rows.length})`, columns: ['Name', 'Size', 'Status', 'Created'], rows, empty: 'This volume has no snapshots.' };
}

export function sourceSnapshotField(snapshotId: string | null | undefined): FieldRow {
  return field('Source snapshot', snapshotId ? { text: `Snapshot ${snapshotId.slice(0, 8)}`, open: { kind: 'snapshot', id: snapshotId } } : { text: 'Not created from a snapshot', muted: true });
}

/** A snapshot's volume: its name when it could be read, else what is known. */
export function sourceVolumeField(volumeId: string | undefined, name: string | undefined): FieldRow {
  return field('Source volume', volumeId
    ? name !== undefined ? { text: name, open: { kind: 'volume', id: volumeId } } : { text: `Volume ${volumeId.slice(0, 8)} (deleted or not readable)`, muted: true }
    : { text: 'Unknown', muted: true });
}
