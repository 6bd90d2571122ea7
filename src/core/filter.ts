/**
 * The tree's volume filter: name, status, attached instance, volume type, size range. Backends
 * send what their server can filter on (Waldur `name` and `runtime_state`, Cinder `name~` and
 * `status`) — always a superset of the matches — and every row is then checked here, so both
 * backends answer the same question exactly.
 *
 * Typed as words: `data status:in-use type:ssd on:web-01 size:10-100` (free words match the name).
 */
import { MIB_PER_GIB, type Volume } from './model';

export const FILTER_STATUSES = ['available', 'in-use', 'busy', 'error'] as const;
export type FilterStatus = (typeof FILTER_STATUSES)[number];

export interface VolumeFilter {
  /** Substring of the name, case-insensitive. */
  name?: string;
  /** Any of these. */
  status?: FilterStatus[];
  /** Substring of the attached instance's name (or its id), case-insensitive. */
  instance?: string;
  /** The volume type's name, case-insensitive. */
  type?: string;
  minGiB?: number;
  maxGiB?: number;
}

export function isEmptyFilter(f: VolumeFilter | undefined): boolean {
  return !f || (!f.name && !f.status?.length && !f.instance && !f.type && f.minGiB === undefined && f.maxGiB === undefined);
}

/** available / in-use: stable with that block-storage status; busy and error: the status category. */
export function statusOf(v: Volume): FilterStatus | undefined {
  if (v.status.category === 'busy') return 'busy';
  if (v.status.category === 'error') return 'error';
  if (v.runtimeState === 'available' || v.runtimeState === 'in-use') return v.runtimeState;
  return undefined;
}

const has = (haystack: string | undefined, needle: string): boolean => (haystack ?? '').toLowerCase().includes(needle.toLowerCase());

export function matchesFilter(v: Volume, f: VolumeFilter | undefined): boolean {
  if (!f) return true;
  if (f.name && !has(v.name, f.name)) return false;
  if (f.status?.length) {
    const s = statusOf(v);
    if (!s || !f.status.includes(s)) return false;
  }
  if (f.instance && !has(v.instanceName, f.instance) && !has(v.instanceId, f.instance)) return false;
  if (f.type && (v.typeName ?? '').toLowerCase() !== f.type.toLowerCase()) return false;
  const gib = (v.sizeMiB ?? 0) / MIB_PER_GIB;
  if (f.minGiB !== undefined && gib < f.minGiB) return false;
  if (f.maxGiB !== undefined && gib > f.maxGiB) return false;
  return true;
}

/** The one status a server filter can ask for exactly (a superset of the matches), or undefined. */
export function singleStatus(f: VolumeFilter | undefined): FilterStatus | undefined {
  return f?.status?.length === 1 ? f.status[0] : undefined;
}

const quote = (s: string): string => (/[\s"]/.test(s) ? `"${s.replace(/"/g, '')}"` : s);

/** The filter as typed (what `parseFilter` reads back). */
export function filterText(f: VolumeFilter | undefined): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.name) parts.push(quote(f.name));
  if (f.status?.length) parts.push(`status:${f.status.join(',')}`);
  if (f.type) parts.push(`type:${quote(f.type)}`);
  if (f.instance) parts.push(`on:${quote(f.instance)}`);
  if (f.minGiB !== undefined || f.maxGiB !== undefined) parts.push(`size:${f.minGiB ?? ''}-${f.maxGiB ?? ''}`);
  return parts.join(' ');
}

/** For the view's message line: `name contains "data" · in-use or available · type ssd · 10–100 GiB`. */
export function describeFilter(f: VolumeFilter | undefined): string {
  if (!f || isEmptyFilter(f)) return '';
  const parts: string[] = [];
  if (f.name) parts.push(`name contains "${f.name}"`);
  if (f.status?.length) parts.push(f.status.join(' or '));
  if (f.instance) parts.push(`attached to "${f.instance}"`);
  if (f.type) parts.push(`type ${f.type}`);
  if (f.minGiB !== undefined && f.maxGiB !== undefined) parts.push(`${f.minGiB}–${f.maxGiB} GiB`);
  else if (f.minGiB !== undefined) parts.push(`≥ ${f.minGiB} GiB`);
  else if (f.maxGiB !== undefined) parts.push(`≤ ${f.maxGiB} GiB`);
  return parts.join(' · ');
}

export const FILTER_HELP = 'Words match the name; also status:available|in-use|busy|error (several with commas), type:<type>, on:<instance>, size:<min>-<max> in GiB (either end may be left out).';

/** Reads a typed filter; an empty text is no filter. */
export function parseFilter(input: string): { filter: VolumeFilter; error?: undefined } | { error: string; filter?: undefined } {
  const tokens = input.match(/(?:[a-z]+:)?"[^"]*"|\S+/gi) ?? [];
  const f: VolumeFilter = {};
  const words: string[] = [];
  for (const token of tokens) {
    const m = /^([a-z]+):(.*)$/i.exec(token);
    const value = (m ? m[2]! : token).replace(/^"(.*)"$/, '$1');
    if (!m) {
      words.push(value);
      continue;
    }
    const key = m[1]!.toLowerCase();
    if (!value) return { error: `"${key}:" needs a value. ${FILTER_HELP}` };
    switch (key) {
      case 'name':
        words.push(value);
        break;
      case 'status':
      case 'is': {
        const statuses = value.toLowerCase().split(',').filter(Boolean);
        const bad = statuses.find((s) => !(FILTER_STATUSES as readonly string[]).includes(s));
        if (bad) return { error: `Unknown status "${bad}": use ${FILTER_STATUSES.join(', ')}.` };
        f.status = [...new Set([...(f.status ?? []), ...statuses as FilterStatus[]])];
        break;
      }
      case 'type':
        f.type = value;
        break;
      case 'on':
      case 'instance':
      case 'attached':
        f.instance = value;
        break;
      case 'size': {
        const r = /^(\d+(?:\.\d+)?)?(?:-(\d+(?:\.\d+)?)?)?$/.exec(value);
        if (!r || (r[1] === undefined && r[2] === undefined)) return { error: `Size is a range in GiB such as size:10-100, size:500- or size:-20 (not "${value}").` };
        const min = r[1] === undefined ? undefined : Number(r[1]);
        const max = r[2] === undefined ? (value.includes('-') ? undefined : min) : Number(r[2]);
        if (min !== undefined && max !== undefined && min > max) return { error: `The size range ${value} is empty: its lower end is above its upper end.` };
        if (min !== undefined) f.minGiB = min;
        if (max !== undefined) f.maxGiB = max;
        break;
      }
      default:
        return { error: `Unknown filter "${key}:". ${FILTER_HELP}` };
    }
  }
  if (words.length) f.name = words.join(' ');
  return { filter: f };
}
