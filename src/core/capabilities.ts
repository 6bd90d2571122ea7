/**
 * What a backend can do, declared once per backend: its actions, its scope levels, what a
 * delete returns and which fields can be edited. Menus, pickers, panels and rules read it, so an
 * action a backend doesn't have is never offered.
 */
import type { ScopeKind } from './model';

export const VOLUME_ACTIONS = ['attach', 'detach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'unlink', 'delete'] as const;
export const SNAPSHOT_ACTIONS = ['restore', 'revert', 'edit', 'pull', 'unlink', 'delete'] as const;
export type VolumeAction = (typeof VOLUME_ACTIONS)[number];
export type SnapshotAction = (typeof SNAPSHOT_ACTIONS)[number];
export type Action = VolumeAction | SnapshotAction;

export type ActionFor<K extends 'volume' | 'snapshot'> = K extends 'volume' ? VolumeAction : SnapshotAction;

export const VOLUME_FIELDS = ['name', 'description', 'bootable', 'readOnly'] as const;
export const SNAPSHOT_FIELDS = ['name', 'description', 'keptUntil'] as const;
export type VolumeField = (typeof VOLUME_FIELDS)[number];
export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number];

export interface ScopeLevel {
  kind: ScopeKind;
  singular: string;
  plural: string;
  /** Codicon of its rows. */
  icon: string;
}

export interface Capabilities {
  /** Shown to people: "Waldur", "OpenStack". */
  readonly displayName: string;
  readonly volumeActions: readonly VolumeAction[];
  readonly snapshotActions: readonly SnapshotAction[];
  /** Top level first; the last level holds the volumes. */
  readonly scopeLevels: readonly ScopeLevel[];
  /** What an accepted volume delete returns. */
  readonly deleteVolume: 'order' | 'accepted';
  readonly editable: { readonly volume: readonly VolumeField[]; readonly snapshot: readonly SnapshotField[] };
  /** Actions allowed whatever the resource's status (a record-only action such as unlink). */
  readonly anyStatusActions: readonly Action[];
  /** A new blank volume can be created in a scope that holds volumes (`Backend.createVolume`). */
  readonly createVolume: boolean;
  /** Create Volume can start from a snapshot of the project (`NewVolume.snapshotId`). */
  readonly createFromSnapshot?: boolean;
  /**
   * A volume with snapshots: deleted together with them on request (`cascade`); without it the
   * server refuses such a delete, so the client refuses first, naming the snapshots.
   */
  readonly cascadeDelete?: boolean;
  /** Quotas and usage can be read (`Backend.capacity`): project tooltips, the project panel, pre-flight checks. */
  readonly capacity?: boolean;
  /** Admins create and delete volume types (`Backend.createVolumeType` / `deleteVolumeType`). */
  readonly volumeTypeAdmin?: boolean;
}

export function hasVolumeAction(c: Capabilities, action: VolumeAction): boolean {
  return c.volumeActions.includes(action);
}

export function hasSnapshotAction(c: Capabilities, action: SnapshotAction): boolean {
  return c.snapshotActions.includes(action);
}

/** The level below `kind`, or undefined when `kind` is the level that holds volumes. */
export function childLevel(c: Capabilities, kind: ScopeKind | undefined): ScopeLevel | undefined {
  if (kind === undefined) return c.scopeLevels[0];
  const i = c.scopeLevels.findIndex((l) => l.kind === kind);
  return i >= 0 ? c.scopeLevels[i + 1] : undefined;
}

export function scopeLevel(c: Capabilities, kind: ScopeKind): ScopeLevel | undefined {
  return c.scopeLevels.find((l) => l.kind === kind);
}

/** Does a scope of this kind hold volumes (the last level)? */
export function holdsVolumes(c: Capabilities, kind: ScopeKind): boolean {
  return c.scopeLevels[c.scopeLevels.length - 1]?.kind === kind;
}
