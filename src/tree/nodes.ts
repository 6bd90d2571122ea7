import { holdsVolumes, type ScopeLevel } from '../core/capabilities';
import { formatGiB, type Scope, type Snapshot, type Volume } from '../core/model';
import { connectionKey, messageKey, ref, refKey, type ResourceRef } from '../core/ref';
import { allowedSnapshotActions, allowedVolumeActions, type RuledBackend, type Viewer } from '../core/rules';
import type { Status } from '../core/status';
import { escapeMarkdown, plainText } from '../util/escape';
import { formatDate, formatDateTime } from '../util/time';

/**
 * Tree elements are plain data; the VS Code layer maps them with {@link present}. Every id is a
 * key from src/core/ref.ts, so the same resource in two connections never collides.
 */
export type TreeNode = ConnectionNode | ScopeNode | VolumeNode | SnapshotNode | MessageNode;

/** What a connection's root row shows (from the connection layer). */
export interface ConnectionInfo {
  label: string;
  /** `waldur`, `demo`, later `openstack`. */
  kind: string;
  state: 'connecting' | 'ready' | 'unauthorized' | 'offline';
  problem?: string;
  /** `alice @ waldur.example.com`. */
  who: string;
  readOnly: boolean;
  /** The backend's notice (legacy mode and what it lacks), a paragraph of the tooltip. */
  notice?: string;
  /** The signed-in user may create and delete volume types here (admin, not read-only). */
  typeAdmin?: boolean;
}

export interface ConnectionNode { kind: 'connection'; id: string; connectionId: string; info: ConnectionInfo; parent?: undefined }
export interface ScopeNode {
  kind: 'scope'; id: string; ref: ResourceRef; scope: Scope; level: ScopeLevel; parent: ConnectionNode | ScopeNode;
  /** How many children its last load found ("13 volumes"); unknown until expanded. */
  count?: { n: number; noun: string };
}
export interface VolumeNode { kind: 'volume'; id: string; ref: ResourceRef; volume: Volume; parent: ScopeNode }
export interface SnapshotNode { kind: 'snapshot'; id: string; ref: ResourceRef; snapshot: Snapshot; parent: VolumeNode }
/** "Couldn't load volumes: …" (with Retry of `parent`) or "No volumes in this project". */
export interface MessageNode {
  kind: 'message';
  id: string;
  /** `loading`: the first page's rows are shown above it while the rest of a big list arrives. */
  severity: 'error' | 'empty' | 'loading';
  text: string;
  detail?: string;
  parent: ConnectionNode | ScopeNode | VolumeNode;
}

export type ParentNode = ConnectionNode | ScopeNode | VolumeNode;
export type ResourceNode = VolumeNode | SnapshotNode;

/** The connection a node belongs to. */
export function connectionIdOf(node: TreeNode): string {
  switch (node.kind) {
    case 'connection': return node.connectionId;
    case 'message': return connectionIdOf(node.parent);
    default: return node.ref.connectionId;
  }
}

export const connectionNode = (connectionId: string, info: ConnectionInfo): ConnectionNode => ({ kind: 'connection', id: connectionKey(connectionId), connectionId, info });
export const scopeNode = (scope: Scope, level: ScopeLevel, parent: ConnectionNode | ScopeNode): ScopeNode => {
  const r = ref(connectionIdOf(parent), scope.kind, scope.id);
  return { kind: 'scope', id: refKey(r), ref: r, scope, level, parent };
};
export const volumeNode = (volume: Volume, parent: ScopeNode): VolumeNode => {
  const r = ref(parent.ref.connectionId, 'volume', volume.id);
  return { kind: 'volume', id: refKey(r), ref: r, volume, parent };
};
export const snapshotNode = (snapshot: Snapshot, parent: VolumeNode): SnapshotNode => {
  const r = ref(parent.ref.connectionId, 'snapshot', snapshot.id);
  return { kind: 'snapshot', id: refKey(r), ref: r, snapshot, parent };
};

/** What the children of `parent` are called: its child scope level, volumes or snapshots. */
export interface ChildNoun { plural: string; where: string }

/** The child shown when loading the children of `parent` failed. */
export function errorNode(parent: ParentNode, noun: ChildNoun, reason: string): MessageNode {
  return { kind: 'message', id: messageKey(parent.id, 'error'), severity: 'error', text: `Couldn't load ${noun.plural}: ${plainText(reason, 300)}`, detail: reason, parent };
}

/** The child shown when `parent` has no children. */
export function emptyNode(parent: ParentNode, noun: ChildNoun): MessageNode {
  return { kind: 'message', id: messageKey(parent.id, 'empty'), severity: 'empty', text: `No ${noun.plural} ${noun.where}`, parent };
}

/** Below the first page of a big list while the rest arrives: "Loading the rest… (300 of 10,013 volumes shown)". */
export function loadingNode(parent: ParentNode, noun: ChildNoun, shown: number, total: number): MessageNode {
  return { kind: 'message', id: messageKey(parent.id, 'loading'), severity: 'loading', text: `Loading the rest… (${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${noun.plural} shown)`, parent };
}

/** Wraps children: an empty list becomes one "No …" message node. */
export function childrenOrEmpty<T extends TreeNode>(parent: ParentNode, noun: ChildNoun, children: T[]): TreeNode[] {
  return children.length ? children : [emptyNode(parent, noun)];
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

/** What presenting a resource row needs: the backend's rules and who looks. */
export interface PresentContext {
  backend: RuledBackend | undefined;
  viewer: Viewer;
}

/** `40 GiB · in-use · → web-01`; a busy or erred volume shows its status, then its runtime state. */
export function volumeDescription(v: Volume): string {
  const parts = [formatGiB(v.sizeMiB), plainText(v.status.label, 40) || '?'];
  if (v.runtimeState && v.runtimeState !== v.status.label) parts.push(plainText(v.runtimeState, 40));
  if (v.instanceName) parts.push(`→ ${plainText(v.instanceName, 60)}`);
  return parts.join(' · ');
}

/** Snapshot row's description: `10 GiB · 2026-03-01 · kept until 2027-01-01`. */
export function snapshotDescription(s: Snapshot): string {
  const parts = [formatGiB(s.sizeMiB)];
  if (s.status.category !== 'stable') parts.push(plainText(s.status.label, 40));
  if (s.created) parts.push(formatDate(s.created));
  parts.push(s.keptUntil ? `kept until ${formatDate(s.keptUntil)}` : 'kept forever');
  return parts.join(' · ');
}

/**
 * `contextValue` for menus, generated here only: kind, status, and the actions the rules allow
 * (src/core/rules.ts, the one source of truth, with the backend's capabilities and the
 * connection's read-only flag), e.g. `volume;status=stable;attached=true;busy=false;can=detach,extend,snapshot;`.
 * `when` clauses match `can=` with regexes such as `viewItem =~ /;can=([^;]*,)?detach(,|;)/`.
 */
export function contextValue(node: TreeNode, pc: PresentContext): string {
  switch (node.kind) {
    case 'connection': {
      const i = node.info;
      return `connection;type=${cvToken(i.kind)};state=${i.state};readonly=${i.readOnly};${i.typeAdmin ? 'can=types;' : ''}`;
    }
    case 'scope': {
      const caps = pc.backend?.capabilities;
      const create = caps?.createVolume && holdsVolumes(caps, node.scope.kind) && !pc.viewer.readOnly && !node.scope.createBlocked;
      return `scope;level=${node.scope.kind};${create ? 'can=create;' : ''}`;
    }
    case 'volume': {
      const v = node.volume;
      const can = pc.backend ? allowedVolumeActions(pc.backend, v, pc.viewer).join(',') : '';
      return `volume;status=${v.status.category};attached=${Boolean(v.instanceId)};busy=${v.status.category === 'busy'};can=${can};`;
    }
    case 'snapshot': {
      const s = node.snapshot;
      const can = pc.backend ? allowedSnapshotActions(pc.backend, s, pc.viewer).join(',') : '';
      return `snapshot;status=${s.status.category};busy=${s.status.category === 'busy'};can=${can};`;
    }
    case 'message':
      return `message;${node.severity};`;
  }
}

/** API text is free text: keep `;`, `=` and `,` (the contextValue's syntax) out of it. */
function cvToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

function statusIcon(status: Status, runtimeState: string): { id: string; color?: string } {
  if (status.category === 'error') return { id: 'error', color: 'errorForeground' };
  if (status.category === 'busy') return { id: 'sync~spin', color: 'charts.yellow' };
  if (runtimeState === 'in-use') return { id: 'database', color: 'charts.blue' };
  if (runtimeState === 'available') return { id: 'database', color: 'charts.green' };
  return { id: 'database' };
}

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
      row('Status', e(v.status.label)),
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
      row('Status', e(s.status.label)),
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

const KIND_ICONS: Record<string, string> = { waldur: 'cloud', demo: 'beaker', openstack: 'server-environment' };

function connectionPresentation(node: ConnectionNode, cv: string): Presentation {
  const i = node.info;
  const icon = i.state === 'unauthorized' || i.state === 'offline' ? { id: 'warning', color: 'list.warningForeground' }
    : i.state === 'connecting' ? { id: 'sync~spin' } : { id: KIND_ICONS[i.kind] ?? 'cloud' };
  const description = [i.problem ? plainText(i.problem, 120) : i.who, i.readOnly ? 'read-only' : ''].filter(Boolean).join(' · ');
  const tooltip = [
    `**${escapeMarkdown(i.label)}**`, '\n\n',
    escapeMarkdown(i.who),
    i.readOnly ? '\n\nRead-only: browse and inspect; no action is offered.' : '',
    i.notice ? `\n\n${escapeMarkdown(plainText(i.notice, 400))}` : '',
    i.problem ? `\n\n${escapeMarkdown(i.problem)}` : '',
  ].join('');
  return { id: node.id, label: plainText(i.label) || '(unnamed connection)', description, tooltip, icon, contextValue: cv, collapsible: 'collapsed' };
}

/** Maps a node to what a tree row shows. Pure, so it is unit-tested without VS Code. */
export function present(node: TreeNode, pc: PresentContext): Presentation {
  const cv = contextValue(node, pc);
  switch (node.kind) {
    case 'connection':
      return connectionPresentation(node, cv);
    case 'scope': {
      const s = node.scope;
      const fallback = `(unnamed ${node.level.singular})`;
      return {
        id: node.id, label: plainText(s.name) || fallback, icon: { id: node.level.icon }, contextValue: cv, collapsible: 'collapsed',
        ...(node.count ? { description: `${node.count.n} ${node.count.noun}` } : {}),
        tooltip: [escapeMarkdown(s.name), s.description ? `\n\n${escapeMarkdown(s.description)}` : ''].join(''),
      };
    }
    case 'volume': {
      const v = node.volume;
      return { id: node.id, label: plainText(v.name) || '(unnamed volume)', description: volumeDescription(v), tooltip: volumeTooltip(v), icon: statusIcon(v.status, v.runtimeState), contextValue: cv, collapsible: 'collapsed' };
    }
    case 'snapshot': {
      const s = node.snapshot;
      const icon = s.status.category === 'stable' ? { id: 'device-camera' } : statusIcon(s.status, s.runtimeState);
      return { id: node.id, label: plainText(s.name) || '(unnamed snapshot)', description: snapshotDescription(s), tooltip: snapshotTooltip(s), icon, contextValue: cv, collapsible: 'none' };
    }
    case 'message':
      return {
        id: node.id,
        label: node.text,
        icon: node.severity === 'error' ? { id: 'warning', color: 'list.warningForeground' } : node.severity === 'loading' ? { id: 'loading~spin' } : { id: 'info' },
        contextValue: cv,
        collapsible: 'none',
        tooltip: node.severity === 'error' ? `${escapeMarkdown(node.detail ?? node.text)}\n\nUse Retry to load again.` : undefined,
      };
  }
}

/** "13 volumes" / "1 volume". */
export function countText(n: number, singular: string, plural: string): { n: number; noun: string } {
  return { n, noun: n === 1 ? singular : plural };
}
