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
  body?: unknown;
  headers?: Record<string, string>;
}

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    Vary: 'Accept, Cookie',
    'X-Frame-Options': 'DENY',
    ...reply.headers,
  };
  const hasBody = reply.body !== undefined && reply.status !== 204 && req.method !== 'HEAD';
  if (hasBody) {
    const text = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers);
    res.end(text);
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
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!key.startsWith('_')) out[key] = value;
  const wanted = fields.filter((f) => Object.prototype.hasOwnProperty.call(out, f) || KNOWN_OPTIONAL_FIELDS.has(f));
  if (wanted.length === 0) return out;
  const picked: Record<string, unknown> = {};
  for (const f of wanted) if (f in out) picked[f] = out[f];
  return picked;
}

/** Fields that are legitimately absent on some records (see types.ts) but still valid `field=` names. */
const KNOWN_OPTIONAL_FIELDS = new Set(['instance_marketplace_uuid', 'source_volume_marketplace_uuid']);

/**
 * Waldur's LinkHeaderPagination (DRF PageNumberPagination): bare array body, `X-Result-Count`,
 * and a `Link` header with first/last always and prev/next when they exist. The links keep the
 * other query parameters; like DRF's replace_query_param they come out sorted by name.
 */
export function paginate<T>(items: T[], url: URL, baseUrl: string): { page: T[]; headers: Record<string, string> } {
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

/**
 * Applies django-filter style filters: each query parameter present in `filters` narrows the
 * list. Parameters named `*uuid`/`uuid` must be uuids (else 400 "Enter a valid UUID."). Empty
 * values are ignored, as django-filter does.
 */
export function applyFilters<T>(items: T[], url: URL, filters: Record<string, Filter<T>>): T[] {
  let out = items;
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
    out = out.filter((item) => filter(item, value));
  }
  if (Object.keys(errors).length) throw invalid(errors);
  return out;
}

export const icontains = (field: string | undefined | null, value: string) => (field ?? '').toLowerCase().includes(value.toLowerCase());

/** `?o=name`, `?o=-created`; several comma-separated keys allowed; unknown keys ignored (DRF OrderingFilter). */
export function applyOrdering<T>(items: T[], url: URL, keys: Record<string, (item: T) => string | number>, fallback: string): T[] {
  const requested = (url.searchParams.getAll('o').join(',') || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => keys[s.replace(/^-/, '')]);
  // Resolve getters once and sort decorated rows: a 5,000-row list is sorted on every request.
  const order = (requested.length ? requested : [fallback]).map((key) => ({ desc: key.startsWith('-'), get: keys[key.replace(/^-/, '')]! }));
  const rows = items.map((item) => ({ item, values: order.map((o) => o.get(item)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const x = a.values[i]!;
      const y = b.values[i]!;
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0;
      if (cmp !== 0) return order[i]!.desc ? -cmp : cmp;
    }
    return 0;
  });
  return rows.map((r) => r.item);
}

