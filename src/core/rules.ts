/**
 * Which actions a resource allows now — the one source of truth for the tree's menus (mirrored
 * by the `when` clauses in package.json, checked by a test), the palette pickers and the panel.
 * A neutral part (the backend has the action, the connection is not read-only, the resource is
 * not busy, attach/detach/delete vs. attached) runs first; then the backend's own rules.
 */
import {
  SNAPSHOT_ACTIONS, VOLUME_ACTIONS, type Capabilities, type SnapshotAction, type VolumeAction,
} from './capabilities';
import { isAttached, type Snapshot, type Volume } from './model';

/** Who is looking, on which connection. */
export interface Viewer {
  isStaff: boolean;
  /** The connection is marked read-only: browse and inspect, no action. */
  readOnly?: boolean;
  /** Its name, for the read-only reason. */
  connectionLabel?: string;
}

/** A backend's own rules, run after the neutral ones. */
export interface BackendRules {
  volumeBlocker(action: VolumeAction, v: Volume, viewer: Viewer): string | undefined;
  snapshotBlocker(action: SnapshotAction, s: Snapshot, viewer: Viewer): string | undefined;
}

/** What the rules need of a backend. */
export interface RuledBackend {
  readonly capabilities: Capabilities;
  readonly rules: BackendRules;
}

const busyReason = (name: string, label: string): string => `${name} is busy (${label}); wait until it is done.`;

function common(backend: RuledBackend, action: VolumeAction | SnapshotAction, kind: 'volume' | 'snapshot', r: Volume | Snapshot, viewer: Viewer): string | undefined {
  const caps = backend.capabilities;
  const offered: readonly string[] = kind === 'volume' ? caps.volumeActions : caps.snapshotActions;
  if (!offered.includes(action)) return `${caps.displayName} has no "${action}" for ${kind}s.`;
  if (viewer.readOnly) return `${viewer.connectionLabel ? `The connection ${viewer.connectionLabel}` : 'This connection'} is read-only: no actions are offered.`;
  if (r.status.category === 'busy' && !caps.anyStatusActions.includes(action)) return busyReason(r.name || `The ${kind}`, r.status.label);
  return undefined;
}

/** Why `action` is not possible on `v` now, or undefined when it is. */
export function volumeActionBlocker(backend: RuledBackend, action: VolumeAction, v: Volume, viewer: Viewer): string | undefined {
  const first = common(backend, action, 'volume', v, viewer);
  if (first) return first;
  const name = v.name || 'The volume';
  const to = v.instanceName ? ` to ${v.instanceName}` : '';
  if (action === 'attach' && isAttached(v)) return `${name} is already attached${to}.`;
  if (action === 'detach' && !isAttached(v)) return `${name} is not attached.`;
  if (action === 'delete' && isAttached(v)) return `${name} is attached${to}; detach it first.`;
  return backend.rules.volumeBlocker(action, v, viewer);
}

/** Why `action` is not possible on `s` now, or undefined when it is. */
export function snapshotActionBlocker(backend: RuledBackend, action: SnapshotAction, s: Snapshot, viewer: Viewer): string | undefined {
  return common(backend, action, 'snapshot', s, viewer) ?? backend.rules.snapshotBlocker(action, s, viewer);
}

export function allowedVolumeActions(backend: RuledBackend, v: Volume, viewer: Viewer): VolumeAction[] {
  return VOLUME_ACTIONS.filter((a) => !volumeActionBlocker(backend, a, v, viewer));
}

export function allowedSnapshotActions(backend: RuledBackend, s: Snapshot, viewer: Viewer): SnapshotAction[] {
  return SNAPSHOT_ACTIONS.filter((a) => !snapshotActionBlocker(backend, a, s, viewer));
}
