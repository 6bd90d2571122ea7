/**
 * HTTP plumbing shared by the sandbox routes: JSON responses, DRF-style errors, Waldur's
 * LinkHeaderPagination, sparse `field=` selection and the generic list filters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 300;

/** Thrown by handlers; turned into a JSON response by the router. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'detail' in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
  }
}

export const notFound = () => new HttpError(404, { detail: 'Not found.' });
export const conflict = (detail: string) => new HttpError(409, { detail });
export const forbidden = () => new HttpError(403, { detail: 'You do not have permission to perform this action.' });
/** 400 with DRF field errors: `{"field": ["message"]}`. */
export const invalid = (errors: Record<string, string[]>) => new HttpError(400, errors);

export function methodNotAllowed(method: string, allowed: string[]): HttpError {
  return new HttpError(405, { detail: `Method "${method}" not allowed.` }, { Allow: allowed.join(', ') });
}

export interface Reply {
  status: number;
  /** Serialised with JSON.stringify, or sent as is when already serialised ({@link JsonBytes}). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A body that is already JSON in UTF-8 (a list page assembled from cached rows); `toJSON` keeps it a value. */
export class JsonBytes {
  constructor(readonly bytes: Buffer) {}

  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    Vary: 'Accept, Cookie',
    'X-Frame-Options': 'DENY',
    ...reply.headers,
  };
  const hasBody = reply.body !== undefined && reply.status !== 204 && req.method !== 'HEAD';
  if (hasBody) {
    // Bytes, not a string: encoding a 300-row page as UTF-8 (twice: length, then body) cost more than building it.
    const bytes = reply.body instanceof JsonBytes ? reply.body.bytes : Buffer.from(JSON.stringify(reply.body), 'utf8');
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(bytes.length);
    res.writeHead(reply.status, headers);
    res.end(bytes);
  } else {
    if (reply.status !== 204) headers['Content-Length'] = '0';
    res.writeHead(reply.status, headers);
    res.end();
  }
}

/** Reads a JSON body; an empty body is `{}`. Malformed JSON is a 400 like DRF's ParseError. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, { detail: `JSON parse error - ${(e as Error).message}` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  }
  return value as Record<string, unknown>;
}

/** Drops sandbox-only `_` properties, then applies `?field=` (unknown names ignored; none valid → all). */
export function publicView(record: object, fields: string[]): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  if (fields.length) {
    // Straight to the wanted fields, in their order, without copying the whole record first.
    let picked: Record<string, unknown> | undefined;
    for (const f of fields) {
      const present = !f.startsWith('_') && Object.prototype.hasOwnProperty.call(source, f);
      if (present) (picked ??= {})[f] = source[f];
      else if (KNOWN_OPTIONAL_FIELDS.has(f)) picked ??= {};
    }
    if (picked) return picked;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) if (!key.startsWith('_')) out[key] = source[key];
  return out;
}

/** Fields that are legitimately absent on some records (see types.ts) but still valid `field=` names. */
const KNOWN_OPTIONAL_FIELDS = new Set(['instance_marketplace_uuid', 'source_volume_marketplace_uuid']);

/**
 * Waldur's LinkHeaderPagination (DRF PageNumberPagination): bare array body, `X-Result-Count`,
 * and a `Link` header with first/last always and prev/next when they exist. The links keep the
 * other query parameters; like DRF's replace_query_param they come out sorted by name.
 */
export function paginate<T>(items: T[], url: URL, baseUrl: string): { page: T[]; start: number; headers: Record<string, string> } {
  const pageSize = parsePageSize(url.searchParams.get('page_size'));
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const rawPage = url.searchParams.get('page');
  let page = 1;
  if (rawPage !== null) {
    page = rawPage === 'last' ? pageCount : /^\d+$/.test(rawPage) ? Number(rawPage) : NaN;
    if (!Number.isInteger(page) || page < 1 || page > pageCount) throw new HttpError(404, { detail: 'Invalid page.' });
  }
  const link = (n: number | null) => {
    const params = [...url.searchParams.entries()].filter(([k]) => k !== 'page');
    if (n !== null) params.push(['page', String(n)]);
    params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const query = new URLSearchParams(params).toString();
    return `${baseUrl}${url.pathname}${query ? `?${query}` : ''}`;
  };
  const links = [`<${link(null)}>; rel="first"`];
  if (page > 1) links.push(`<${link(page - 1 === 1 ? null : page - 1)}>; rel="prev"`);
  if (page < pageCount) links.push(`<${link(page + 1)}>; rel="next"`);
  links.push(`<${link(pageCount === 1 ? null : pageCount)}>; rel="last"`);
  return {
    page: items.slice((page - 1) * pageSize, page * pageSize),
    start: (page - 1) * pageSize,
    headers: { 'X-Result-Count': String(items.length), Link: links.join(', ') },
  };
}

/** DRF's `_positive_int(strict=True, cutoff=max)`: anything invalid falls back to the default. */
function parsePageSize(raw: string | null): number {
  if (raw === null || !/^\d+$/.test(raw.trim())) return DEFAULT_PAGE_SIZE;
  const n = Number(raw.trim());
  if (n <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}

const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Waldur accepts uuids with or without dashes; the canonical form is 32 lower-case hex digits. */
export function normaliseUuid(value: string): string | undefined {
  const v = value.trim();
  if (HEX32.test(v)) return v.toLowerCase();
  if (DASHED.test(v)) return v.replace(/-/g, '').toLowerCase();
  return undefined;
}

export type Filter<T> = (item: T, value: string) => boolean;

/** One filter of a request: the query parameter, its predicate and the (normalised) value. */
export interface PlannedFilter<T> {
  name: string;
  filter: Filter<T>;
  value: string;
}

/**
 * Reads django-filter style filters from the query: each query parameter present in `filters`
 * narrows the list. Parameters named `*uuid`/`uuid` must be uuids (else 400 "Enter a valid
 * UUID.", for all such parameters at once). Empty values are ignored, as django-filter does.
 * The predicates are pure, so they may be applied in any order (or answered from an index).
 */
export function planFilters<T>(url: URL, filters: Record<string, Filter<T>>): Array<PlannedFilter<T>> {
  const plan: Array<PlannedFilter<T>> = [];
  const errors: Record<string, string[]> = {};
  for (const [name, filter] of Object.entries(filters)) {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') continue;
    let value = raw;
    if (name === 'uuid' || name.endsWith('_uuid')) {
      const uuid = normaliseUuid(raw);
      if (!uuid) {
        errors[name] = ['Enter a valid UUID.'];
        continue;
      }
      value = uuid;
    }
    plan.push({ name, filter, value });
  }
  if (Object.keys(errors).length) throw invalid(errors);
  return plan;
}

/** Keeps the items every planned filter accepts (in their order). */
export function filterBy<T>(items: T[], plan: Array<PlannedFilter<T>>): T[] {
  let out = items;
  for (const { filter, value } of plan) out = out.filter((item) => filter(item, value));
  return out;
}

/** {@link planFilters} applied to `items`. */
export function applyFilters<T>(items: T[], url: URL, filters: Record<string, Filter<T>>): T[] {
  return filterBy(items, planFilters(url, filters));
}

export const icontains = (field: string | undefined | null, value: string) => (field ?? '').toLowerCase().includes(value.toLowerCase());

/** A resolved `?o=` ordering: its canonical spelling (`-created`, `name,-created`) and the getters. */
export interface Ordering<T> {
  key: string;
  order: Array<{ desc: boolean; get: (item: T) => string | number }>;
  /** Every key is one of `keys` own (not `constructor` or the like, which DRF never offers). */
  own: boolean;
}

/** `?o=name`, `?o=-created`; several comma-separated keys allowed; unknown keys ignored (DRF OrderingFilter). */
export function orderingOf<T>(url: URL, keys: Record<string, (item: T) => string | number>, fallback: string): Ordering<T> {
  const requested = (url.searchParams.getAll('o').join(',') || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => keys[s.replace(/^-/, '')]);
  const names = requested.length ? requested : [fallback];
  // Resolve getters once and sort decorated rows.
  return {
    key: names.join(','),
    order: names.map((key) => ({ desc: key.startsWith('-'), get: keys[key.replace(/^-/, '')]! })),
    own: names.every((key) => Object.prototype.hasOwnProperty.call(keys, key.replace(/^-/, ''))),
  };
}

/** A stable sort by `ordering` (ties keep the input order). */
export function sortBy<T>(items: T[], ordering: Ordering<T>): T[] {
  const { order } = ordering;
  const rows = items.map((item) => ({ item, values: order.map((o) => o.get(item)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const cmp = compareValues(a.values[i]!, b.values[i]!);
      if (cmp !== 0) return order[i]!.desc ? -cmp : cmp;
    }
    return 0;
  });
  return rows.map((r) => r.item);
}

/** How {@link sortBy} compares two sort-key values: numbers by value, anything else with < and >. */
export function compareValues(x: string | number, y: string | number): number {
  return typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0;
}

export function applyOrdering<T>(items: T[], url: URL, keys: Record<string, (item: T) => string | number>, fallback: string): T[] {
  return sortBy(items, orderingOf(url, keys, fallback));
}
