/**
 * Read-side caches that make a list page cost the page, not the store (with 10,000 volumes the
 * sandbox used to filter, sort and project every record on every request):
 *
 *  - sorted indexes: a collection in one `?o=` ordering, with per-owner buckets (project,
 *    organization), valid while the collection holds the same records in the same places with
 *    the same sort keys and owners; and the rows other filters left of those, valid while
 *    nothing has changed;
 *  - serialised rows: each record's JSON per `field=` set, valid while the record's own
 *    properties are the same values (by identity) in the same order; and whole page bodies of
 *    those indexes, valid while nothing has changed.
 *
 * A cache is checked against what it depends on (a pass of identity comparisons) whenever the
 * store may have changed since its last check: during and after a write request, after a
 * transition step, after code outside took the store from the sandbox handle (tests), or when the
 * collection array is another one or another length. Otherwise nothing can have changed and the
 * check is skipped — the pass over 10,000 records misses the CPU caches and costs milliseconds.
 * So actions, transitions and removals are visible on the very next request, exactly as before.
 * (Nested objects are compared by identity: the sandbox replaces them, never edits one in place.)
 */
import { compareValues, type Ordering, publicView } from './http';

let changes = 0;
let writing = 0;

/** Whatever happens next may change the store (a transition step ran, the store was handed out). */
export function storeMayChange(): void {
  changes++;
}

/** Runs a request that may write: caches check themselves until it is over, and once after. */
export async function whileWriting<T>(work: () => Promise<T>): Promise<T> {
  writing++;
  changes++;
  try {
    return await work();
  } finally {
    writing--;
    changes++;
  }
}

/** The current stamp, or -1 while a write is under way (never matches: always check). */
const stamp = (): number => (writing > 0 ? -1 : changes);

/** Record properties whose values index the sorted lists (`?project_uuid=`, `?customer_uuid=`). */
export type BucketField = 'project_uuid' | 'customer_uuid';

interface SortedIndex<T> {
  /** What it was built from: the collection array, and its records at the time. */
  source: T[];
  records: T[];
  /** Per record (in `records` order): its sort-key values, then its bucket field values. */
  keys: unknown[];
  sorted: T[];
  /** `sorted[i]` is `records[positions[i]]`. */
  positions: number[];
  buckets: Map<BucketField, Map<unknown, T[]>>;
  /** Filtered rows of `sorted` or a bucket, per filter key, with the stamp they were made at. */
  filtered: Map<string, { base: T[]; stamp: number; items: T[] }>;
  /** The stamp at its last successful check. */
  checked: number;
}

/** What a list request is answered from: the sorted rows, a bucket of them, filtered rows of either. */
export interface ListIndex<T> {
  sorted: T[];
  bucket(field: BucketField, value: string): T[];
  /** `filter()` (of `base`, which came from this index), remembered under `key` while nothing changes. */
  filtered(base: T[], key: string, filter: () => T[]): T[];
}

const indexes = new WeakMap<object[], Map<string, SortedIndex<object>>>();
/** Orderings indexed per collection; more (`?o=` has many spellings) start afresh. */
const MAX_ORDERINGS = 16;
/** Filtered row lists remembered per index. */
const MAX_FILTERED = 64;
/** Arrays that stay as they are while they are valid (indexes, buckets, filtered rows): their pages are cached. */
const stable = new WeakSet<object[]>();

/**
 * `items` stably sorted by `ordering`, as `sortBy` does, from a cache. Filtering commutes
 * with a stable sort, so a filtered list is the sorted index (or one of its buckets) filtered.
 */
export function sortedIndex<T extends object>(items: T[], ordering: Ordering<T>): ListIndex<T> {
  let byOrder = indexes.get(items);
  if (!byOrder) indexes.set(items, (byOrder = new Map()));
  let index = byOrder.get(ordering.key) as SortedIndex<T> | undefined;
  const now = stamp();
  if (!index || index.source !== items || index.records.length !== items.length || (index.checked !== now && !current(index, items, ordering))) {
    index = build(items, ordering);
    if (byOrder.size >= MAX_ORDERINGS) byOrder.clear();
    byOrder.set(ordering.key, index as SortedIndex<object>);
  }
  index.checked = now;
  const built = index;
  return {
    sorted: built.sorted,
    bucket(field, value) {
      let buckets = built.buckets.get(field);
      if (!buckets) {
        // From the owners read at build time: no second pass over the records themselves.
        buckets = new Map();
        const width = ordering.order.length + 2;
        const offset = field === 'project_uuid' ? width - 2 : width - 1;
        const { sorted, positions, keys } = built;
        for (let i = 0; i < sorted.length; i++) {
          const owner = keys[positions[i]! * width + offset];
          const list = buckets.get(owner);
          if (list) list.push(sorted[i]!);
          else buckets.set(owner, [sorted[i]!]);
        }
        for (const list of buckets.values()) stable.add(list);
        built.buckets.set(field, buckets);
      }
      return buckets.get(value) ?? [];
    },
    filtered(base, key, filter) {
      const hit = built.filtered.get(key);
      if (hit && hit.base === base && hit.stamp === now && now !== -1) return hit.items;
      const items = filter();
      if (now !== -1) {
        if (built.filtered.size >= MAX_FILTERED) built.filtered.clear();
        built.filtered.set(key, { base, stamp: now, items });
        stable.add(items);
      }
      return items;
    },
  };
}

/** The bucket fields of an item, read by name (much faster than by a computed key over 10,000 records). */
const projectOf = (item: object): unknown => (item as { project_uuid?: unknown }).project_uuid;
const customerOf = (item: object): unknown => (item as { customer_uuid?: unknown }).customer_uuid;

/**
 * The index of `items`: their sort keys and owners read once (kept for the checks), then a stable
 * sort of positions by those keys — the order {@link sortBy} gives, without decorating each record.
 */
function build<T extends object>(items: T[], ordering: Ordering<T>): SortedIndex<T> {
  const { order } = ordering;
  const n = items.length;
  const width = order.length + 2;
  const keys: unknown[] = new Array(n * width);
  for (let i = 0, k = 0; i < n; i++, k += width) {
    const item = items[i]!;
    for (let j = 0; j < order.length; j++) keys[k + j] = order[j]!.get(item);
    keys[k + width - 2] = projectOf(item);
    keys[k + width - 1] = customerOf(item);
  }
  const positions: number[] = new Array(n);
  for (let i = 0; i < n; i++) positions[i] = i;
  // Array#sort is stable: equal keys keep their positions' (the collection's) order.
  positions.sort((a, b) => {
    for (let j = 0; j < order.length; j++) {
      const cmp = compareValues(keys[a * width + j] as string | number, keys[b * width + j] as string | number);
      if (cmp !== 0) return order[j]!.desc ? -cmp : cmp;
    }
    return 0;
  });
  const sorted: T[] = new Array(n);
  for (let i = 0; i < n; i++) sorted[i] = items[positions[i]!]!;
  stable.add(sorted);
  return { source: items, records: items.slice(), keys, sorted, positions, buckets: new Map(), filtered: new Map(), checked: -1 };
}

/** Whether `items` still holds the records `index` was built from, with the same keys: one tight pass. */
function current<T extends object>(index: SortedIndex<T>, items: T[], ordering: Ordering<T>): boolean {
  const { records, keys } = index;
  const n = items.length;
  if (index.source !== items || records.length !== n) return false;
  const { order } = ordering;
  const width = order.length + 2;
  // The usual case, one sort key, without the inner loop.
  const only = order.length === 1 ? order[0]! : undefined;
  for (let i = 0, k = 0; i < n; i++, k += width) {
    const item = items[i]!;
    if (records[i] !== item) return false;
    if (only) {
      if (only.get(item) !== keys[k]) return false;
    } else {
      for (let j = 0; j < order.length; j++) if (order[j]!.get(item) !== keys[k + j]) return false;
    }
    if (projectOf(item) !== keys[k + width - 2] || customerOf(item) !== keys[k + width - 1]) return false;
  }
  return true;
}

// --- serialised rows and pages ----------------------------------------------------------------

interface RowCache {
  /** The record's own enumerable properties and their values when `json` was made. */
  names: string[];
  values: unknown[];
  /** UTF-8 JSON of its public view, per `field=` list (by its number, see {@link fieldSet}). */
  json: Map<number, Buffer>;
  /** The stamp at its last successful check. */
  checked: number;
}

/** Distinct `field=` lists remembered per record; more start the record's cache afresh. */
const MAX_FIELD_SETS = 8;
const rows = new WeakMap<object, RowCache>();

/**
 * A number per distinct `field=` list, so that a row's cache is looked up by a small integer, not
 * by a long string. Numbers are never reused (the table is only forgotten, when it grows large).
 */
const fieldSets = new Map<string, number>();
let nextFieldSet = 0;
function fieldSet(fields: string[]): number {
  const key = JSON.stringify(fields);
  let id = fieldSets.get(key);
  if (id === undefined) {
    if (fieldSets.size >= 1000) fieldSets.clear();
    fieldSets.set(key, (id = nextFieldSet++));
  }
  return id;
}

interface PageCache {
  stamp: number;
  bytes: Buffer;
}

/** Page bodies per stable list array. */
const pages = new WeakMap<object[], Map<string, PageCache>>();

/**
 * The body of `page` (= `items` from `start`), as {@link rowsJson} makes it; for a list from an
 * index, while nothing can have changed since (same stamp), the same bytes as last time.
 */
export function pageJson(items: object[], start: number, page: object[], fields: string[]): Buffer {
  const now = stamp();
  const set = fieldSet(fields);
  if (!stable.has(items)) return rowsJson(page, fields, set, now);
  const key = `${set}:${start}:${page.length}:${items.length}`;
  let byKey = pages.get(items);
  const hit = byKey?.get(key);
  if (hit && hit.stamp === now && now !== -1) return hit.bytes;
  const bytes = rowsJson(page, fields, set, now);
  if (now !== -1) {
    if (!byKey) pages.set(items, (byKey = new Map()));
    if (byKey.size >= 512) byKey.clear();
    byKey.set(key, { stamp: now, bytes });
  }
  return bytes;
}

const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * `[row,row,…]` in UTF-8: byte for byte `JSON.stringify(items.map((i) => publicView(i, fields)))`,
 * with each row's bytes reused while the record is unchanged.
 */
export function rowsJson(items: object[], fields: string[], set = fieldSet(fields), now = stamp()): Buffer {
  const parts: Buffer[] = new Array(items.length);
  let length = 2 + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length; i++) {
    const part = rowJson(items[i]!, fields, set, now);
    parts[i] = part;
    length += part.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  out[at++] = OPEN;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[at++] = COMMA;
    at += parts[i]!.copy(out, at);
  }
  out[at] = CLOSE;
  return out;
}

function rowJson(record: object, fields: string[], set: number, now: number): Buffer {
  let cache = rows.get(record);
  if (!cache || (cache.checked !== now && !unchanged(cache, record)) || (!cache.json.has(set) && cache.json.size >= MAX_FIELD_SETS)) {
    cache = capture(record);
    rows.set(record, cache);
  }
  cache.checked = now;
  let bytes = cache.json.get(set);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(publicView(record, fields)), 'utf8');
    cache.json.set(set, bytes);
  }
  return bytes;
}

function capture(record: object): RowCache {
  const names: string[] = [];
  const values: unknown[] = [];
  for (const name in record) {
    names.push(name);
    values.push((record as Record<string, unknown>)[name]);
  }
  return { names, values, json: new Map(), checked: -1 };
}

function unchanged(cache: RowCache, record: object): boolean {
  const { names, values } = cache;
  let i = 0;
  for (const name in record) {
    if (names[i] !== name || values[i] !== (record as Record<string, unknown>)[name]) return false;
    i++;
  }
  return i === names.length;
}
