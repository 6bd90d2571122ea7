/**
 * Messages between the detail panel (extension side, `src/webview/panel.ts`) and its webview
 * script (`src/webview/main.ts`): one tagged union per direction, imported by both bundles.
 * Everything that reaches the webview is plain data; every string in it is rendered as text.
 */
import type { Badge, DetailSection, LocalRef, ResourceRef } from '../core/index';
import { isLocalRef, isResourceRef } from '../core/ref';

export type { Badge, BadgeTone, FieldRow, TableRow, TextValue } from '../core/details';
export type { LocalRef, ResourceRef };
export type Section = DetailSection;
export type PanelKind = 'volume' | 'snapshot' | 'project';

export interface ActionButton {
  /** `attach`, `restore`, … — the panel runs `volumeExplorer.<action>Volume|Snapshot` (a project: `create`, `cleanup`). */
  action: string;
  label: string;
  /** Codicon id. */
  icon: string;
  destructive?: boolean;
  title?: string;
}

/** Everything one panel shows: built by `src/webview/header.ts` from the backend's details, drawn by `src/webview/main.ts`. */
export interface DetailsModel {
  /** Which resource of which connection; the webview saves it so the panel survives a reload. */
  ref: ResourceRef;
  /** "Volume" / "Snapshot" / "Project". */
  kindLabel: string;
  /** Display name (never empty). */
  name: string;
  /** The connection's label when there are several (else absent). */
  connectionLabel?: string;
  badges: Badge[];
  size: string;
  /** The resource is busy (an operation is running on it). */
  busy: boolean;
  /** "data-01 is extending…" while busy. */
  busyText?: string;
  actions: ActionButton[];
  sections: Section[];
  /** Why no action is offered (read-only connection), when that is the reason. */
  actionsNote?: string;
  /** Set while the connection is not usable (disconnected, token refused…): the buttons show disabled, with this reason. */
  disconnected?: string;
}

export interface JobStatus {
  running: boolean;
  text: string;
  tone: 'info' | 'ok' | 'error';
}

/** Extension → webview. */
export type ToWebview =
  | { type: 'show'; model: DetailsModel }
  | { type: 'job'; job: JobStatus | null }
  | { type: 'error'; message: string; ref?: ResourceRef };

/** Webview → extension. `open` names a resource of the panel's own connection (an instance opens as JSON). */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'action'; action: string }
  | { type: 'open'; kind: 'volume' | 'snapshot' | 'instance'; id: string }
  | { type: 'refresh' };

export function isPanelKind(value: unknown): value is PanelKind {
  return value === 'volume' || value === 'snapshot' || value === 'project';
}

/** A panel's saved state: a volume, snapshot or project of a connection, with plausible ids. */
export function isPanelRef(value: unknown): value is ResourceRef & { kind: PanelKind } {
  return isResourceRef(value) && isPanelKind(value.kind);
}

/** Checks a message from the webview: it is the one untrusted input of the extension side. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const msg = value as { type?: unknown; action?: unknown; kind?: unknown };
  switch (msg.type) {
    case 'ready':
    case 'refresh':
      return true;
    case 'action':
      return typeof msg.action === 'string' && /^[a-z]{1,20}$/.test(msg.action);
    case 'open':
      // A link in a panel opens a volume, a snapshot or an instance (never a project).
      return isLocalRef(value) && (msg.kind === 'volume' || msg.kind === 'snapshot' || msg.kind === 'instance');
    default:
      return false;
  }
}
