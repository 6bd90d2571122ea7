/**
 * Building blocks of a detail panel's sections, filled by each backend (`Backend.details`) and
 * drawn by the webview as text. Pure: no VS Code, no DOM.
 */
import type { LocalRef } from './ref';
import { multilineText, plainText } from '../util/escape';
import { formatDateTime } from '../util/time';

/** A piece of text, optionally a time (`datetime`), a hover text, or a link to another panel. */
export interface TextValue {
  text: string;
  /** Shown on hover, e.g. the exact time behind "3 days ago". */
  title?: string;
  /** ISO time; renders as `<time datetime>`. */
  datetime?: string;
  /** Opens that resource's panel (same connection). */
  open?: LocalRef;
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
  open?: LocalRef;
}

export type DetailSection =
  | { type: 'fields'; id: string; heading: string; fields: FieldRow[] }
  | { type: 'table'; id: string; heading: string; columns: string[]; rows: TableRow[]; empty: string }
  | { type: 'error'; id: string; heading: string; message: string; traceback?: string }
  | { type: 'meters'; id: string; heading: string; meters: Meter[]; note?: string };

/** A bar: how full one quota is. */
export interface Meter {
  /** "Storage". */
  label: string;
  /** "420 of 1000 GiB (42%)", "7 (no limit)". */
  text: string;
  /** 0–1; absent without a limit (no bar). */
  fill?: number;
  /** ok below 80%, warn from 80%, error from 100%. */
  tone: 'ok' | 'warn' | 'error';
}

export type BadgeTone = 'ok' | 'error' | 'busy' | 'neutral';

export interface Badge {
  /** What the badge is, for screen readers ("State", "Runtime state"). */
  label: string;
  text: string;
  tone: BadgeTone;
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

/** An empty keep-until means the snapshot is kept forever. */
export function keepUntilValue(iso: string | null | undefined, now: Date): TextValue {
  return iso && relativeTime(iso, now) ? timeValue(iso, now) : { text: 'Keep forever' };
}

/** One line of API text (control characters flattened, bounded). */
export const text = (value: string | null | undefined, missing = 'None'): TextValue => {
  const clean = plainText(value, 500);
  return clean ? { text: clean } : { text: missing, muted: true };
};

/** Multi-line text (descriptions) keeps its line breaks; hidden characters neutralised, length bounded. */
export const longText = (value: string | null | undefined, missing: string): TextValue =>
  value && value.trim() ? { text: multilineText(value, 4000) } : { text: missing, muted: true };

/** The instance a volume is attached to: its name, a link that opens the instance's record (JSON). */
export const instanceValue = (id: string | undefined, name: string | null | undefined): TextValue => {
  const shown = plainText(name, 500) || (id ? `Instance ${id.slice(0, 8)}` : 'Unknown');
  return id ? { text: shown, open: { kind: 'instance', id }, title: 'Open the instance as JSON' } : { text: shown, muted: !name };
};

export const yesNo = (value: boolean | null | undefined): TextValue => ({ text: value ? 'Yes' : 'No' });
export const field = (label: string, value: TextValue): FieldRow => ({ label, value });

/** The error section of a resource in an error status. */
export function errorSection(erred: boolean, message: string | undefined, traceback?: string): DetailSection[] {
  if (!erred) return [];
  return [{
    type: 'error', id: 'error', heading: 'Error',
    message: multilineText(message?.trim(), 4000) || 'The server reports an error but gave no message.',
    ...(traceback?.trim() ? { traceback: multilineText(traceback, 20_000) } : {}),
  }];
}
