/**
 * `npm run bench -- [--volumes N] [--latency MS] [--concurrency N]`
 *
 * Lists every volume from the local Waldur sandbox (run in a child process, with added latency)
 * three ways in the same run and prints wall time, request count and round-trip waves:
 *   1. this extension's client: page 1 at page_size=300, then the rest concurrently (bounded);
 *   2. a sequential pager following `Link: rel="next"` at the server's default page size (10);
 *   3. the same sequential pager at page_size=300 (the fair baseline).
 * Numbers are printed, not asserted.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createBackend } from '../src/core/index';
import { parseLinkHeader } from '../src/backends/waldur/paging';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
};
const volumes = flag('volumes', 5000);
const latency = flag('latency', 50);
const concurrency = flag('concurrency', 8);

/** A fetch that counts requests and records when each was in flight (for counting waves). */
function recordingFetch() {
  const spans: Array<{ start: number; end: number }> = [];
  const fetch = async (req: Request): Promise<Response> => {
    const span = { start: performance.now(), end: 0 };
    spans.push(span);
    const res = await globalThis.fetch(req);
    const body = await res.arrayBuffer();
    span.end = performance.now();
    return new Response(body, { status: res.status, headers: res.headers });
  };
  return { fetch, spans };
}

/** Round-trip waves: a request that starts after every earlier one ended begins a new wave. */
function countWaves(spans: Array<{ start: number; end: number }>): number {
  let waves = 0;
  let frontier = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start >= frontier) waves++;
    frontier = Math.max(frontier === -Infinity ? 0 : frontier, s.end);
  }
  return waves;
}

async function sequential(url: string, token: string, pageSize?: number) {
  const rec = recordingFetch();
  const fields = ['uuid', 'name', 'size', 'state', 'runtime_state', 'instance_name'].map((f) => `field=${f}`).join('&');
  let next: string | undefined = `${url}/api/openstack-volumes/?${fields}${pageSize ? `&page_size=${pageSize}` : ''}`;
  let count = 0;
  const t0 = performance.now();
  while (next) {
    const res = await rec.fetch(new Request(next, { headers: { Authorization: `Token ${token}` } }));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    count += ((await res.json()) as unknown[]).length;
    next = parseLinkHeader(res.headers.get('Link')).next;
  }
  return { ms: performance.now() - t0, requests: rec.spans.length, waves: countWaves(rec.spans), count };
}

async function main(): Promise<void> {
  const cli = path.join(__dirname, '..', 'dist', 'sandbox-cli.js');
  const child = spawn(process.execPath, [cli, '--port', '0', '--latency', String(latency), '--volumes', String(volumes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => { if (l.startsWith('Waldur sandbox:')) resolve(l); });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const [, url, token] = /url=(\S+) token=(\S+)/.exec(line)!;
  try {
    // Warm-up (connection setup, JIT) so the first measured mode isn't penalised.
    await sequential(url!, token!, 300);

    const rec = recordingFetch();
    const backend = await createBackend({ kind: 'waldur', url: url! }, token!, { fetch: rec.fetch, paging: { concurrency } });
    const t0 = performance.now();
    const all = await backend.listVolumes();
    const ours = { ms: performance.now() - t0, requests: rec.spans.length, waves: countWaves(rec.spans), count: all.length };
    const seqDefault = await sequential(url!, token!);
    const seq300 = await sequential(url!, token!, 300);

    console.log(`Listing ${ours.count} volumes, ${latency} ms added latency per request, concurrency ${concurrency}`);
    const rows = [
      ['mode', 'volumes', 'requests', 'waves', 'wall ms', 'vs ours'],
      ['concurrent pager (this client)', ours.count, ours.requests, ours.waves, ours.ms.toFixed(0), '1.0×'],
      ['sequential Link pager, default page size', seqDefault.count, seqDefault.requests, seqDefault.waves, seqDefault.ms.toFixed(0), `${(seqDefault.ms / ours.ms).toFixed(1)}× slower`],
      ['sequential Link pager, page_size=300', seq300.count, seq300.requests, seq300.waves, seq300.ms.toFixed(0), `${(seq300.ms / ours.ms).toFixed(1)}× slower`],
    ];
    for (const r of rows) console.log(`${String(r[0]).padEnd(42)} ${String(r[1]).padStart(7)} ${String(r[2]).padStart(8)} ${String(r[3]).padStart(6)} ${String(r[4]).padStart(8)}  ${r[5]}`);
    if (ours.count !== seq300.count) console.log(`WARNING: counts differ (${ours.count} vs ${seq300.count})`);
    // What bounds the concurrent pager here: the sandbox is one Node process, so concurrent pages
    // queue on its CPU. A real Waldur serves them from several workers.
    const serverMsPerPage = Math.max(0, (seq300.ms - seq300.requests * latency) / seq300.requests);
    console.log(`server work per 300-row page ≈ ${serverMsPerPage.toFixed(0)} ms (single-process sandbox: concurrent pages queue on it); `
      + `latency alone would allow ≈ ${(ours.waves * latency).toFixed(0)} ms for ${ours.waves} waves`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
