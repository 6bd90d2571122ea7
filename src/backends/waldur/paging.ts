/** Waldur's LinkHeaderPagination: `page`, `page_size` (max 300), `X-Result-Count`, `Link`. */
import { ApiError } from '../../core/errors';
import { checkedListing, PagesDidNotAddUp } from '../../core/listing';

export const MAX_PAGE_SIZE = 300;
export const DEFAULT_CONCURRENCY = 8;

export interface Page<T> {
  items: T[];
  /** Value of `X-Result-Count`, when the server sent it. */
  total: number | undefined;
  /** Whether the `Link` header names a next page; undefined when the answer had no `Link` header. */
  hasNext?: boolean;
}

export type PageFetcher<T> = (page: number, pageSize: number, signal?: AbortSignal) => Promise<Page<T>>;

export interface ListAllOptions {
  pageSize?: number;
  /** Pages fetched at once after the first; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Told the first page (checked) and the total when more pages follow: a big list's first rows can show at once. */
export type FirstPage<T> = (items: T[], total: number) => void;

export interface CheckOptions<T> {
  /** The id each item must have once across all pages (duplicates mean the pages shifted). */
  idOf?: (item: T) => unknown;
  /** What is listed, for the error ("volumes"). */
  what?: string;
}

/** Reads the total from a list response. */
export function resultCount(response: Response): number | undefined {
  const raw = response.headers.get('X-Result-Count');
  if (raw === null) return undefined;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Parses an RFC 8288 `Link` header into `{ rel: url }`. */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (m?.[1] !== undefined && m[2] !== undefined) links[m[2].trim()] = m[1];
  }
  return links;
}

/**
 * Fetches every page of a list: page 1 with a large page size, then — knowing the total from
 * `X-Result-Count` — all remaining pages concurrently (bounded), keeping order. Without a count
 * it follows the `Link` header's `next` (or, with no `Link` either, pages until a short one; a
 * 404 past the end of an exact multiple is the end).
 *
 * Every page is checked against what the first promised: the same count, exactly the rows its
 * position holds, no id twice. A mismatch (the list changed while it was read, or a proxy or
 * server answered wrongly) reads the whole list once more, then fails with
 * {@link PagesDidNotAddUp} — never a silent partial list.
 */
export function listAll<T>(fetchPage: PageFetcher<T>, options: ListAllOptions & CheckOptions<T> & { onFirstPage?: FirstPage<T> } = {}): Promise<T[]> {
  return checkedListing(() => listOnce(fetchPage, options), options.what ?? 'rows');
}

async function listOnce<T>(fetchPage: PageFetcher<T>, options: ListAllOptions & CheckOptions<T> & { onFirstPage?: FirstPage<T> }): Promise<T[]> {
  const pageSize = Math.min(Math.max(1, options.pageSize ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const { signal } = options;
  const seen = new Set<unknown>();
  const unique = (items: T[], page: number): T[] => {
    if (!options.idOf) return items;
    for (const item of items) {
      const id = options.idOf(item);
      if (id === undefined || id === null || id === '') continue;
      if (seen.has(id)) throw new PagesDidNotAddUp(`page ${page} repeated a row of an earlier page`);
      seen.add(id);
    }
    return items;
  };

  const first = await fetchPage(1, pageSize, signal);
  if (first.total === undefined) {
    // No count: follow `next`, or keep going while pages come back full.
    const all = [...unique(first.items, 1)];
    let last = first;
    for (let page = 2; last.hasNext ?? last.items.length >= pageSize; page++) {
      signal?.throwIfAborted();
      try {
        last = await fetchPage(page, pageSize, signal);
      } catch (err) {
        // DRF answers 404 for the page after the last one: without a count or links, that is the end.
        if (err instanceof ApiError && err.isNotFound && last.hasNext === undefined && page > 1) break;
        throw err;
      }
      if (last.total !== undefined) throw new PagesDidNotAddUp(`page ${page} had a count that page 1 did not`);
      if (last.items.length > pageSize) throw new PagesDidNotAddUp(`page ${page} had ${last.items.length} rows, more than the ${pageSize} asked for`);
      all.push(...unique(last.items, page));
      if (last.items.length === 0) break;
    }
    return all;
  }
  const total = first.total;
  // A server whose page-size cap is below ours answers page 1 short: page by what it gave.
  const served = first.items.length > 0 && first.items.length < pageSize && first.items.length < total ? first.items.length : pageSize;
  const pageCount = Math.max(1, Math.ceil(total / served));
  const expected = (page: number): number => Math.max(0, Math.min(served, total - (page - 1) * served));
  const check = (p: Page<T>, page: number): T[] => {
    if (p.total !== total) throw new PagesDidNotAddUp(`page ${page} counted ${p.total ?? 'no'} rows where page 1 counted ${total}`);
    if (p.items.length !== expected(page)) throw new PagesDidNotAddUp(`page ${page} had ${p.items.length} rows where ${expected(page)} were due (${total} in all)`);
    return unique(p.items, page);
  };
  check(first, 1);
  if (pageCount <= 1) return first.items;
  options.onFirstPage?.(first.items, total);

  const pages: T[][] = new Array(pageCount);
  pages[0] = first.items;
  let nextPage = 2;
  let failed = false;
  const worker = async (): Promise<void> => {
    // After one page fails, the others take no new pages: the listing has failed anyway.
    while (!failed && nextPage <= pageCount) {
      const page = nextPage++;
      signal?.throwIfAborted();
      try {
        pages[page - 1] = check(await fetchPage(page, served, signal), page);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pageCount - 1) }, worker));
  return pages.flat();
}

/**
 * The one adapter from a typed list call (`unwrap(client.GET(…))`) to {@link listAll}: every
 * Waldur listing goes through here. The body must be a bare array of objects (a DRF envelope
 * `{count, next, results}` or `{"detail": …}` is a `bad-response`), each row with its `uuid`.
 */
export function listPages<T>(
  call: (page: number, pageSize: number, signal?: AbortSignal) => Promise<{ data: T[]; response: Response }>,
  options: ListAllOptions & CheckOptions<T> & { onFirstPage?: FirstPage<T> } = {},
): Promise<T[]> {
  const what = options.what ?? 'rows';
  return listAll<T>(async (page, pageSize, signal) => {
    const { data, response } = await call(page, pageSize, signal);
    const items = expectRows<T>(data, what, response);
    const link = response.headers.get('Link');
    return { items, total: resultCount(response), hasNext: link === null ? undefined : 'next' in parseLinkHeader(link) };
  }, { idOf: (item) => (item as { uuid?: unknown; url?: unknown }).uuid ?? (item as { url?: unknown }).url, what, ...options });
}

/** A list body, or a `bad-response` saying what came instead. */
export function expectRows<T>(data: unknown, what: string, response?: Response): T[] {
  const where = response ? `${new URL(response.url || 'http://x/').pathname} ` : '';
  if (!Array.isArray(data)) throw new ApiError({ kind: 'bad-response', message: `The server answered ${where}with ${shapeOf(data)} where a list of ${what} was expected.` });
  if (data.some((row) => !row || typeof row !== 'object' || Array.isArray(row))) {
    throw new ApiError({ kind: 'bad-response', message: `The server's list of ${what} holds something other than records.` });
  }
  return data as T[];
}

/** A record body, or a `bad-response` saying what came instead. */
export function expectRecord<T>(data: unknown, what: string): T {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ApiError({ kind: 'bad-response', message: `The server answered with ${shapeOf(data)} where ${what} was expected.` });
  return data as T;
}

/** A person's words for the shape of an unexpected body ("an empty answer", "an object with count, next, results"). */
export function shapeOf(data: unknown): string {
  if (data === undefined || data === null || data === '') return 'an empty answer';
  if (Array.isArray(data)) return 'a list';
  if (typeof data !== 'object') return `a bare ${typeof data}`;
  const keys = Object.keys(data);
  const detail = (data as { detail?: unknown }).detail;
  if (typeof detail === 'string' && keys.length === 1) return `the message "${detail.replace(/\s+/g, ' ').slice(0, 200)}"`;
  return keys.length ? `an object with ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'an empty object';
}
