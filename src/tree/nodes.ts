import { allowedSnapshotActions, allowedVolumeActions } from '../model/actions';
import { displayState, isTransitional, stateCategory } from '../model/state';
import { formatGiB, type Organization, type Project, type Snapshot, type Volume } from '../model/types';
import { escapeMarkdown, plainText } from '../util/escape';
import { formatDate, formatDateTime } from '../util/time';

/** Tree elements are plain data; the VS Code layer maps them with {@link present}. */
export type TreeNode = OrganizationNode | ProjectNode | VolumeNode | SnapshotNode | MessageNode;

export interface OrganizationNode { kind: 'organization'; id: string; organization: Organization; parent?: undefined }
export interface ProjectNode { kind: 'project'; id: string; project: Project; parent: OrganizationNode }
export interface VolumeNode { kind: 'volume'; id: string; volume: Volume; parent: ProjectNode }
export interface SnapshotNode { kind: 'snapshot'; id: string; snapshot: Snapshot; parent: VolumeNode }
/** "Couldn't load volumes: …" (with Retry of `parent`) or "No volumes in this project". */
export interface MessageNode {
  kind: 'message';
  id: string;
  severity: 'error' | 'empty';
  text: string;
  detail?: string;
  parent: TreeNode | undefined;
}

export type ParentNode = OrganizationNode | ProjectNode | VolumeNode;

export const organizationNode = (organization: Organization): OrganizationNode => ({ kind: 'organization', id: `org/${organization.id}`, organization });
export const projectNode = (project: Project, parent: OrganizationNode): ProjectNode => ({ kind: 'project', id: `project/${project.id}`, project, parent });
export const volumeNode = (volume: Volume, parent: ProjectNode): VolumeNode => ({ kind: 'volume', id: `volume/${volume.id}`, volume, parent });
export const snapshotNode = (snapshot: Snapshot, parent: VolumeNode): SnapshotNode => ({ kind: 'snapshot', id: `snapshot/${snapshot.id}`, snapshot, parent });

const CHILD_NOUN: Record<ParentNode['kind'] | 'root', { plural: string; where: string }> = {
  root: { plural: 'organizations', where: 'for this account' },
  organization: { plural: 'projects', where: 'in this organization' },
  project: { plural: 'volumes', where: 'in this project' },
  volume: { plural: 'snapshots', where: 'of this volume' },
};

/** The child shown when loading the children of `parent` failed. */
export function errorNode(parent: ParentNode | undefined, reason: string): MessageNode {
  const noun = CHILD_NOUN[parent?.kind ?? 'root'].plural;
  return { kind: 'message', id: `${parent?.id ?? 'root'}/error`, severity: 'error', text: `Couldn't load ${noun}: ${plainText(reason, 300)}`, detail: reason, parent };
}

/** The child shown when `parent` has no children. */
export function emptyNode(parent: ParentNode | undefined): MessageNode {
  const { plural, where } = CHILD_NOUN[parent?.kind ?? 'root'];
  return { kind: 'message', id: `${parent?.id ?? 'root'}/empty`, severity: 'empty', text: `No ${plural} ${where}`, parent };
}

/** Wraps children: an empty list becomes one "No … " message node. */
export function childrenOrEmpty<T extends TreeNode>(parent: ParentNode | undefined, children: T[]): TreeNode[] {
  return children.length ? children : [emptyNode(parent)];
}

export interface Presentation {
  id: string;
  label: string;
  description?: string;
  /** Markdown with all API text escaped; render untrusted, without HTML. */
  tooltip?: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: 'none' | 'collapsed';
}

/** Volume row's description: `40 GiB · in-use · web-01`. */
export function volumeDescription(v: Volume): string {
  const parts = [formatGiB(v.sizeMiB)];
  if (isTransitional(v.state)) parts.push(displayState(v.state));
  parts.push(v.runtimeState || displayState(v.state));
  if (v.instanceName) parts.push(`→ ${plainText(v.instanceName, 60)}`);
  return parts.join(' · ');
}

/** Snapshot row's description: `10 GiB · 2026-03-01 · kept until 2027-01-01`. */
export function snapshotDescription(s: Snapshot): string {
  const parts = [formatGiB(s.sizeMiB)];
  if (isTransitional(s.state, s.runtimeState)) parts.push(s.runtimeState || displayState(s.state));
  if (s.created) parts.push(formatDate(s.created));
  parts.push(s.keptUntil ? `kept until ${formatDate(s.keptUntil)}` : 'kept forever');
  return parts.join(' · ');
}

/**
 * `contextValue` for menus: kind, states, and the actions the state allows (from
 * model/actions.ts, the one source of truth), e.g.
 * `volume;state=OK;runtime=in-use;bootable=false;attached=true;backend=true;busy=false;can=detach,extend,snapshot,edit,pull;`.
 * `when` clauses match `can=` with regexes such as `viewItem =~ /;can=[^;]*\bdetach\b/`.
 * Unlink depends on the viewer (staff), not the state: its menu uses the `volumeExplorer.isStaff` key.
 */
export function contextValue(node: TreeNode): string {
  switch (node.kind) {
    case 'organization':
    case 'project':
      return `${node.kind};`;
    case 'volume': {
      const v = node.volume;
      const can = allowedVolumeActions(v, { isStaff: false }).join(',');
      return `volume;state=${cvToken(v.state)};runtime=${cvToken(v.runtimeState || 'unknown')};bootable=${v.bootable};attached=${Boolean(v.instanceId)};backend=${Boolean(v.backendId)};busy=${isTransitional(v.state, v.runtimeState)};can=${can};`;
    }
    case 'snapshot': {
      const s = node.snapshot;
      const can = allowedSnapshotActions(s, { isStaff: false }).join(',');
      return `snapshot;state=${cvToken(s.state)};runtime=${cvToken(s.runtimeState || 'unknown')};backend=${Boolean(s.backendId)};busy=${isTransitional(s.state, s.runtimeState)};can=${can};`;
    }
    case 'message':
      return `message;${node.severity};`;
  }
}

/** API states are free text: keep `;`, `=` and `,` (the contextValue's syntax) out of them. */
function cvToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

const STATE_ICONS: Record<ReturnType<typeof stateCategory>, { id: string; color?: string }> = {
  error: { id: 'error', color: 'errorForeground' },
  busy: { id: 'sync~spin', color: 'charts.yellow' },
  'in-use': { id: 'database', color: 'charts.blue' },
  available: { id: 'database', color: 'charts.green' },
  other: { id: 'database' },
};

function row(label: string, value: string | undefined): string {
  return value ? `| ${label} | ${value} |` : '';
}

function table(rows: string[]): string {
  return ['| | |', '|---|---|', ...rows.filter(Boolean)].join('\n');
}

export function volumeTooltip(v: Volume): string {
  const e = escapeMarkdown;
  const lines = [
    `**${e(v.name) || '(unnamed volume)'}**`,
    '',
    table([
      row('Size', formatGiB(v.sizeMiB)),
      row('State', e(displayState(v.state))),
      row('Runtime state', e(v.runtimeState)),
      row('Type', e(v.typeName)),
      row('Bootable', v.bootable ? 'yes' : 'no'),
      row('Attached to', v.instanceName ? `${e(v.instanceName)}${v.device ? ` (${e(v.device)})` : ''}` : 'not attached'),
      row('Availability zone', e(v.availabilityZone)),
      row('Created', e(formatDateTime(v.created))),
    ]),
  ];
  if (v.description) lines.push('', e(v.description));
  if (v.errorMessage) lines.push('', `**Error:** ${e(v.errorMessage)}`);
  return lines.join('\n');
}

export function snapshotTooltip(s: Snapshot): string {
  const e = escapeMarkdown;
  const lines = [
    `**${e(s.name) || '(unnamed snapshot)'}**`,
    '',
    table([
      row('Size', formatGiB(s.sizeMiB)),
      row('State', e(displayState(s.state))),
      row('Runtime state', e(s.runtimeState)),
      row('Source volume', e(s.sourceVolumeName)),
      row('Created', e(formatDateTime(s.created))),
      row('Kept until', s.keptUntil ? e(formatDateTime(s.keptUntil)) : 'kept forever'),
    ]),
  ];
  if (s.description) lines.push('', e(s.description));
  if (s.errorMessage) lines.push('', `**Error:** ${e(s.errorMessage)}`);
  return lines.join('\n');
}

/** Maps a node to what a tree row shows. Pure, so it is unit-tested without VS Code. */
export function present(node: TreeNode): Presentation {
  const contextValueStr = contextValue(node);
  switch (node.kind) {
    case 'organization':
      return { id: node.id, label: plainText(node.organization.name) || '(unnamed organization)', icon: { id: 'organization' }, contextValue: contextValueStr, collapsible: 'collapsed', tooltip: escapeMarkdown(node.organization.name) };
    case 'project':
      return { id: node.id, label: plainText(node.project.name) || '(unnamed project)', icon: { id: 'project' }, contextValue: contextValueStr, collapsible: 'collapsed', tooltip: [escapeMarkdown(node.project.name), node.project.description ? `\n\n${escapeMarkdown(node.project.description)}` : ''].join('') };
    case 'volume': {
      const v = node.volume;
      return { id: node.id, label: plainText(v.name) || '(unnamed volume)', description: volumeDescription(v), tooltip: volumeTooltip(v), icon: STATE_ICONS[stateCategory(v.state, v.runtimeState)], contextValue: contextValueStr, collapsible: 'collapsed' };
    }
    case 'snapshot': {
      const s = node.snapshot;
      const category = stateCategory(s.state, s.runtimeState);
      const icon = category === 'error' || category === 'busy' ? STATE_ICONS[category] : { id: 'device-camera' };
      return { id: node.id, label: plainText(s.name) || '(unnamed snapshot)', description: snapshotDescription(s), tooltip: snapshotTooltip(s), icon, contextValue: contextValueStr, collapsible: 'none' };
    }
    case 'message':
      return {
        id: node.id,
        label: node.text,
        icon: node.severity === 'error' ? { id: 'warning', color: 'list.warningForeground' } : { id: 'info' },
        contextValue: contextValueStr,
        collapsible: 'none',
        tooltip: node.severity === 'error' ? `${escapeMarkdown(node.detail ?? node.text)}\n\nUse Retry to load again.` : undefined,
      };
  }
}
