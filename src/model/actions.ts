import { displayState, isTransitional } from './state';
import type { Snapshot, Volume } from './types';

/**
 * Which actions a resource's state allows — the one source of truth for the tree's menus
 * (mirrored by the `when` clauses in package.json, checked by a test), the palette pickers and
 * the detail panel. Rules follow what HomePort allows and the server enforces.
 */
export const VOLUME_ACTIONS = ['attach', 'detach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'unlink', 'delete'] as const;
export const SNAPSHOT_ACTIONS = ['restore', 'edit', 'pull', 'unlink', 'delete'] as const;
export type VolumeAction = (typeof VOLUME_ACTIONS)[number];
export type SnapshotAction = (typeof SNAPSHOT_ACTIONS)[number];

export interface Viewer {
  isStaff: boolean;
}

const busyReason = (name: string, state: string, runtime: string): string =>
  `${name} is busy (${runtime && /ing$/.test(runtime) ? runtime : displayState(state)}); wait until it is done.`;

/** Why `action` is not possible on `v` now, or undefined when it is. */
export function volumeActionBlocker(action: VolumeAction, v: Volume, viewer: Viewer): string | undefined {
  const name = v.name || 'The volume';
  if (action === 'unlink') return viewer.isStaff ? undefined : 'Only staff can unlink a volume.';
  if (isTransitional(v.state, v.runtimeState)) return busyReason(name, v.state, v.runtimeState);
  const ok = v.state === 'OK';
  const notOk = `${name} is ${displayState(v.state)}; this needs state OK.`;
  switch (action) {
    case 'attach':
      if (!ok) return notOk;
      if (v.instanceId || v.runtimeState === 'in-use') return `${name} is already attached${v.instanceName ? ` to ${v.instanceName}` : ''}.`;
      return v.runtimeState === 'available' ? undefined : `${name} is ${v.runtimeState || 'not available'}; only an available volume can be attached.`;
    case 'detach':
      if (!ok) return notOk;
      if (v.runtimeState !== 'in-use') return `${name} is not attached.`;
      return v.bootable ? "A system volume can't be detached." : undefined;
    case 'extend':
      if (!ok) return notOk;
      return v.bootable ? "A system (bootable) volume can't be extended here." : undefined;
    case 'retype':
      if (!ok) return notOk;
      return v.runtimeState === 'available' ? undefined : `${name} is ${v.runtimeState || 'not available'}; only an available (detached) volume can be retyped.`;
    case 'snapshot':
    case 'edit':
      return ok ? undefined : notOk;
    case 'pull':
      if (!ok && v.state !== 'ERRED') return `${name} is ${displayState(v.state)}; pull needs state OK or Erred.`;
      return v.backendId ? undefined : `${name} has no backend ID yet, so there is nothing to pull from.`;
    case 'delete':
      if (!ok && v.state !== 'ERRED') return `${name} is ${displayState(v.state)}; delete needs state OK or Erred.`;
      if (!v.marketplaceResourceId) return `${name} is not a marketplace resource, so it cannot be deleted from here.`;
      return v.instanceId || v.runtimeState === 'in-use' ? `${name} is attached${v.instanceName ? ` to ${v.instanceName}` : ''}; detach it first.` : undefined;
  }
}

/** Why `action` is not possible on `s` now, or undefined when it is. */
export function snapshotActionBlocker(action: SnapshotAction, s: Snapshot, viewer: Viewer): string | undefined {
  const name = s.name || 'The snapshot';
  if (action === 'unlink') return viewer.isStaff ? undefined : 'Only staff can unlink a snapshot.';
  if (isTransitional(s.state, s.runtimeState)) return busyReason(name, s.state, s.runtimeState);
  const ok = s.state === 'OK';
  switch (action) {
    case 'restore':
    case 'edit':
      return ok ? undefined : `${name} is ${displayState(s.state)}; this needs state OK.`;
    case 'pull':
      if (!ok && s.state !== 'ERRED') return `${name} is ${displayState(s.state)}; pull needs state OK or Erred.`;
      return s.backendId ? undefined : `${name} has no backend ID yet, so there is nothing to pull from.`;
    case 'delete':
      return ok || s.state === 'ERRED' ? undefined : `${name} is ${displayState(s.state)}; delete needs state OK or Erred.`;
  }
}

export function allowedVolumeActions(v: Volume, viewer: Viewer): VolumeAction[] {
  return VOLUME_ACTIONS.filter((a) => !volumeActionBlocker(a, v, viewer));
}

export function allowedSnapshotActions(s: Snapshot, viewer: Viewer): SnapshotAction[] {
  return SNAPSHOT_ACTIONS.filter((a) => !snapshotActionBlocker(a, s, viewer));
}
