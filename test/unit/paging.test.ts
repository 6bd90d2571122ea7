import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listAll, parseLinkHeader, type Page } from '../../src/backends/waldur/paging';

/** An in-memory list that records which pages were asked for and how many were in flight. */
function source(total: number, opts: { count?: boolean; delayMs?: number } = {}) {
  const items = Array.from({ length: total }, (_, i) => i);
  const asked: Array<{ page: number; pageSize: number }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (page: number, pageSize: number): Promise<Page<number>> => {
    asked.push({ page, pageSize });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
    inFlight--;
    return { items: items.slice((page - 1) * pageSize, page * pageSize), total: opts.count === false ? undefined : total };
  };
  return { fetchPage, asked, get maxInFlight() { return maxInFlight; }, items };
}

test('fetches page 1 at the max page size, then the rest concurrently, in order', async () => {
  const s = source(1000, { delayMs: 5 });
  const all = await listAll(s.fetchPage, { concurrency: 3 });
  assert.deepEqual(all, s.items);
  assert.equal(s.asked.length, 4);
  assert.deepEqual(s.asked[0], { page: 1, pageSize: 300 });
  assert.equal(s.maxInFlight, 3);
});

test('page size is capped at 300 and a single page makes one request', async () => {
  const s = source(120);
  assert.equal((await listAll(s.fetchPage, { pageSize: 5000 })).length, 120);
  assert.deepEqual(s.asked, [{ page: 1, pageSize: 300 }]);
});

test('empty lists make one request', async () => {
  const s = source(0);
  assert.deepEqual(await listAll(s.fetchPage), []);
  assert.equal(s.asked.length, 1);
});

test('without X-Result-Count it follows pages until a short one', async () => {
  const s = source(650, { count: false });
  const all = await listAll(s.fetchPage, { pageSize: 300 });
  assert.equal(all.length, 650);
  assert.deepEqual(s.asked.map((a) => a.page), [1, 2, 3]);
});

test('a failing page rejects the whole listing, and no further pages are asked for', async () => {
  const asked: number[] = [];
  const fetchPage = async (page: number): Promise<Page<number>> => {
    asked.push(page);
    await new Promise((r) => setTimeout(r, 1));
    if (page === 2) throw new Error('boom on page 2');
    return { items: Array.from({ length: 300 }, () => page), total: 300 * 20 };
  };
  await assert.rejects(listAll(fetchPage, { concurrency: 2 }), /boom on page 2/);
  assert.ok(asked.length <= 4, `asked ${asked.join(',')}`);
});

test('a server with a smaller page-size cap is paged by what it serves, losing nothing', async () => {
  const items = Array.from({ length: 450 }, (_, i) => i);
  const asked: number[] = [];
  const fetchPage = async (page: number, pageSize: number): Promise<Page<number>> => {
    const size = Math.min(pageSize, 100); // this server caps page_size at 100
    asked.push(size);
    return { items: items.slice((page - 1) * size, page * size), total: items.length };
  };
  assert.deepEqual(await listAll(fetchPage), items);
  assert.equal(asked.length, 5);
});

test('an aborted signal stops further pages', async () => {
  const abort = new AbortController();
  const s = source(3000, { delayMs: 5 });
  const p = listAll(s.fetchPage, { signal: abort.signal, concurrency: 1 });
  setTimeout(() => abort.abort(), 8);
  await assert.rejects(p);
  assert.ok(s.asked.length < 10, `asked ${s.asked.length} pages`);
});

test('parseLinkHeader reads Waldur Link headers', () => {
  const links = parseLinkHeader('<https://w.example/api/x/?page=1>; rel="first", <https://w.example/api/x/?page=3&a=1,2>; rel="next", <https://w.example/api/x/?page=9>; rel="last"');
  assert.equal(links.first, 'https://w.example/api/x/?page=1');
  assert.equal(links.next, 'https://w.example/api/x/?page=3&a=1,2');
  assert.equal(links.last, 'https://w.example/api/x/?page=9');
  assert.deepEqual(parseLinkHeader(null), {});
});

test('onFirstPage: told the first page and the total only when more pages follow; the result is still the whole list', async () => {
  const rows = Array.from({ length: 650 }, (_, i) => ({ uuid: `u${i}` }));
  const fetchPage = async (page: number, size: number) => ({ items: rows.slice((page - 1) * size, page * size), total: rows.length });
  const told: Array<[number, number]> = [];
  const all = await listAll(fetchPage, { idOf: (r) => r.uuid, onFirstPage: (items, total) => told.push([items.length, total]) });
  assert.equal(all.length, 650);
  assert.deepEqual(told, [[300, 650]]);
  told.length = 0;
  await listAll(async (page: number, size: number) => ({ items: rows.slice(0, 200).slice((page - 1) * size, page * size), total: 200 }), { onFirstPage: (items, total) => told.push([items.length, total]) });
  assert.deepEqual(told, [], 'one page: nothing early');
});
