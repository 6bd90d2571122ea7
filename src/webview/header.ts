/**
 * A backend's details (the fresh resource and its sections) → what a detail panel shows: the
 * neutral header (name, status badges, size, busy line) and buttons for exactly the actions the
 * rules allow. Pure (no VS Code, no DOM), so it is unit-tested.
 */
import type { ResourceDetails } from '../core/backend';
import type { SnapshotAction, VolumeAction } from '../core/capabilities';
import type { Badge, BadgeTone, DetailSection } from '../core/details';
import { formatGiB, type Snapshot, type Volume } from '../core/model';
import type { ResourceRef } from '../core/ref';
import { allowedSnapshotActions, allowedVolumeActions, type RuledBackend, type Viewer } from '../core/rules';
import type { Status } from '../core/status';
import type { ActionButton, DetailsModel, PanelKind } from '../shared/protocol';
import { plainText } from '../util/escape';

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
  revert: { label: 'Revert Volume…', icon: 'discard', destructive: true, title: 'Put this snapshot\'s data back into its volume, in place' },
  edit: { label: 'Edit…', icon: 'edit', title: 'Edit name, description and retention' },
  pull: { label: 'Pull', icon: 'cloud-download', title: 'Synchronise with the backend' },
  unlink: { label: 'Unlink…', icon: 'unlock', destructive: true, title: 'Remove the record without touching the backend (staff)' },
  delete: { label: 'Delete…', icon: 'trash', destructive: true },
};

/** The command a panel button runs — the same one as the tree's menu. */
export function actionCommand(kind: PanelKind, action: string): string {
  if (kind === 'project') return action === 'cleanup' ? 'volumeExplorer.cleanUp' : 'volumeExplorer.createVolume';
  return `volumeExplorer.${action}${kind === 'volume' ? 'Volume' : 'Snapshot'}`;
}

/** What a project panel is drawn from. */
export interface ProjectFacts {
  name: string;
  canCreate: boolean;
  canCleanUp: boolean;
  size: string;
  sections: DetailSection[];
  readOnly: boolean;
  connectionLabel?: string;
}

/** A project's panel: its quotas, contents and findings; Create Volume and Clean Up where they apply. */
export function projectModel(ref: ResourceRef & { kind: PanelKind }, facts: ProjectFacts): DetailsModel {
  const actions: ActionButton[] = [
    ...(facts.canCreate ? [{ action: 'create', label: 'Create Volume…', icon: 'add' }] : []),
    ...(facts.canCleanUp ? [{ action: 'cleanup', label: 'Clean Up…', icon: 'trash', destructive: true, title: 'Delete some of the findings below, after a preview' }] : []),
  ];
  const name = plainText(facts.name) || '(unnamed project)';
  return {
    ref, kindLabel: 'Project', name,
    ...(facts.connectionLabel ? { connectionLabel: facts.connectionLabel } : {}),
    badges: [], size: facts.size, busy: false, actions, sections: facts.sections,
    ...(facts.readOnly ? { actionsNote: 'This connection is read-only: no actions are offered.' } : !actions.length ? { actionsNote: 'Nothing to create or clean up here.' } : {}),
  };
}

const TONES: Record<Status['category'], BadgeTone> = { stable: 'ok', busy: 'busy', error: 'error' };

/** One badge from the neutral status, when the backend gives none of its own. */
export function statusBadges(status: Status): Badge[] {
  return [{ label: 'Status', text: plainText(status.label, 40) || 'unknown', tone: TONES[status.category] }];
}

export interface HeaderContext {
  ref: ResourceRef & { kind: PanelKind };
  backend: RuledBackend;
  viewer: Viewer;
  /** The connection's label when there are several. */
  connectionLabel?: string;
}

/** Details from the backend + who looks → the panel's model. */
export function detailsModel(details: ResourceDetails, hc: HeaderContext): DetailsModel {
  const r = details.resource;
  const kindLabel = hc.ref.kind === 'volume' ? 'Volume' : 'Snapshot';
  const name = plainText(r.name) || `(unnamed ${hc.ref.kind})`;
  const actions: ActionButton[] = hc.ref.kind === 'volume'
    ? allowedVolumeActions(hc.backend, r as Volume, hc.viewer).map((action) => ({ action, ...VOLUME_BUTTONS[action] }))
    : allowedSnapshotActions(hc.backend, r as Snapshot, hc.viewer).map((action) => ({ action, ...SNAPSHOT_BUTTONS[action] }));
  const busy = r.status.category === 'busy';
  return {
    ref: hc.ref,
    kindLabel,
    name,
    ...(hc.connectionLabel ? { connectionLabel: hc.connectionLabel } : {}),
    badges: details.badges ?? statusBadges(r.status),
    size: formatGiB(r.sizeMiB),
    busy,
    busyText: busy ? `${name} is ${plainText(r.status.label, 40).toLowerCase() || 'busy'}…` : undefined,
    actions,
    ...(hc.viewer.readOnly ? { actionsNote: 'This connection is read-only: no actions are offered.' } : {}),
    sections: details.sections,
  };
}

/** What decides whether a re-read changes the header: status, name. */
export function stateKeyOf(r: Volume | Snapshot): string {
  return `${r.status.category}|${r.status.label}|${r.runtimeState}|${r.name}`;
}
