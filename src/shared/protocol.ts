/**
 * Messages between the detail panel (extension side, `src/webview/panel.ts`) and its webview
 * script (`src/webview/main.ts`): one tagged union per direction, imported by both bundles.
 * Everything that reaches the webview is plain data; every string in it is rendered as text.
 */

export type ResourceKind = 'volume' | 'snapshot';

/** What a panel shows, and what the webview saves with `setState` so the panel survives a reload. */
export interface ResourceRef {
  kind: ResourceKind;
  id: string;
}

/** A piece of text, optionally a time (`datetime`), a hover text, or a link to another panel. */
export interface TextValue {
  text: string;
  /** Shown on hover, e.g. the exact time behind "3 days ago". */
  title?: string;
  /** ISO time; renders as `<time datetime>`. */
  datetime?: string;
  /** Opens that resource's panel. */
  open?: ResourceRef;
  /** Placeholder text ("Not attached"), drawn dimmer. */
  muted?: boolean;
}

export interface FieldRow {
  label: string;
  value: TextValue;
}

export interface TableRow {
  cells: TextValue[];
  /** Activating the row opens this resource. */
  open?: ResourceRef;
}

export type Section =
  | { type: 'fields'; id: string; heading: string; fields: FieldRow[] }
  | { type: 'table'; id: string; heading: string; columns: string[]; rows: TableRow[]; empty: string }
  | { type: 'error'; id: string; heading: string; message: string; traceback?: string };

export type BadgeTone = 'ok' | 'error' | 'busy' | 'neutral';

export interface Badge {
  /** What the badge is, for screen readers ("State", "Runtime state"). */
  label: string;
  text: string;
  tone: BadgeTone;
}

export interface ActionButton {
  /** `attach`, `restore`, … — the panel runs `volumeExplorer.<action>Volume|Snapshot`. */
  action: string;
  label: string;
  /** Codicon id. */
  icon: string;
  destructive?: boolean;
  title?: string;
}

/** Everything one panel shows: built by `src/webview/model.ts`, drawn by `src/webview/main.ts`. */
export interface DetailsModel {
  ref: ResourceRef;
  /** "Volume" / "Snapshot". */
  kindLabel: string;
  /** Display name (never empty). */
  name: string;
  badges: Badge[];
  size: string;
  /** The resource is in a transitional state (an operation is running on it). */
  busy: boolean;
  /** "data-01 is extending…" while busy. */
  busyText?: string;
  actions: ActionButton[];
  sections: Section[];
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

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'action'; action: string }
  | { type: 'open'; kind: ResourceKind; id: string }
  | { type: 'refresh' };

/** Waldur UUIDs (hex, with or without dashes); anything else is refused before it reaches a URL. */
const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export function isResourceKind(value: unknown): value is ResourceKind {
  return value === 'volume' || value === 'snapshot';
}

/** `{kind, id}` with a known kind and a plausible id. */
export function isResourceRef(value: unknown): value is ResourceRef {
  if (!value || typeof value !== 'object') return false;
  const { kind, id } = value as { kind?: unknown; id?: unknown };
  return isResourceKind(kind) && typeof id === 'string' && ID_PATTERN.test(id);
}

/** Checks a message from the webview: it is the one untrusted input of the extension side. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const msg = value as { type?: unknown; action?: unknown };
  switch (msg.type) {
    case 'ready':
    case 'refresh':
      return true;
    case 'action':
      return typeof msg.action === 'string' && /^[a-z]{1,20}$/.test(msg.action);
    case 'open':
      return isResourceRef(value);
    default:
      return false;
  }
}
