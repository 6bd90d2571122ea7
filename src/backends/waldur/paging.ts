/** Waldur's LinkHeaderPagination: `page`, `page_size` (max 300), `X-Result-Count`, `Link`. */
export const MAX_PAGE_SIZE = 300;
export const DEFAULT_CONCURRENCY = 8;

export interface Page<T> {
  items: T[];
  /** Value of `X-Result-Count`, when the server sent it. */
  total: number | undefined;
}

export type PageFetcher<T> = (page: number, pageSize: number, signal?: AbortSignal) => Promise<Page<T>>;

export interface ListAllOptions {
  pageSize?: number;
  /** Pages fetched at once after the first; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
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
 * `X-Result-Count` — all remaining pages concurrently (bounded), keeping order.
 * Without a count header it falls back to following pages until a short page.
 */
export async function listAll<T>(fetchPage: PageFetcher<T>, options: ListAllOptions = {}): Promise<T[]> {
  const pageSize = Math.min(Math.max(1, options.pageSize ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const { signal } = options;

  const first = await fetchPage(1, pageSize, signal);
  if (first.total === undefined) {
    // No count: keep going while pages come back full.
    const all = [...first.items];
    let last = first.items.length;
    for (let page = 2; last >= pageSize; page++) {
      signal?.throwIfAborted();
      const next = await fetchPage(page, pageSize, signal);
      all.push(...next.items);
      last = next.items.length;
    }
    return all;
  }
  // A server whose page-size cap is below ours answers page 1 short: page by what it gave.
  const served = first.items.length > 0 && first.items.length < pageSize && first.items.length < first.total ? first.items.length : pageSize;
  const pageCount = Math.ceil(first.total / served);
  if (pageCount <= 1) return first.items;

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
        pages[page - 1] = (await fetchPage(page, served, signal)).items;
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
 * Waldur listing goes through here.
 */
export function listPages<T>(
  call: (page: number, pageSize: number, signal?: AbortSignal) => Promise<{ data: T[]; response: Response }>,
  options: ListAllOptions = {},
): Promise<T[]> {
  return listAll<T>(async (page, pageSize, signal) => {
    const { data, response } = await call(page, pageSize, signal);
    return { items: data, total: resultCount(response) };
  }, options);
}
