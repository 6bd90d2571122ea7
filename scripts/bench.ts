/**
 * `npm run bench -- [--volumes N] [--latency MS] [--concurrency N] [--project-volumes N] [--passes N]`
 *
 * Lists every volume from the local Waldur sandbox (run in a child process, with added latency)
 * three ways in the same run and prints wall time, request count and round-trip waves:
 *   1. this extension's client: page 1 at page_size=300, then the rest concurrently (bounded);
 *   2. a sequential pager following `Link: rel="next"` at the server's default page size (10);
 *   3. the same sequential pager at page_size=300 (the fair baseline).
 * Then it prints
 *   - the sandbox's own time per 300-row page (its event-loop active time, and `process.cpuUsage()`
 *     of all its threads, asked over IPC) during the client's listings and over replays of the
 *     exact URLs the client sent, with and without its `field=` parameters: the bench should
 *     measure the client, not the local server;
 *   - "first rows": a second sandbox whose biggest project holds `--project-volumes` volumes
 *     (default 10,000; 0 skips it), listed the way the tree lists a project (`listVolumes(scope)`):
 *     when page 1 arrived and when the whole list was in (the tree shows the rows then), against
 *     the sequential page_size=300 pager in the same run.
 * Numbers are printed, not asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createBackend, type Scope } from '../src/core/index';
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
const projectVolumes = flag('project-volumes', 10_000);
const passes = Math.max(1, flag('passes', 5));
/** The seed spreads generated volumes round-robin over this many projects (see addGeneratedVolumes). */
const BULK_PROJECTS = 4;
/** The fields the bench's own sequential pager asks for. */
const PAGER_FIELDS = ['uuid', 'name', 'size', 'state', 'runtime_state', 'instance_name'];

type Span = { start: number; end: number; url: string };

/** A fetch that counts requests and records when each was in flight (for counting waves). */
function recordingFetch() {
  const spans: Span[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const span = { start: performance.now(), end: 0, url: req.url };
    spans.push(span);
    const res = await globalThis.fetch(req);
    const body = await res.arrayBuffer();
    span.end = performance.now();
    return new Response(body, { status: res.status, headers: res.headers });
  };
  return { fetch, spans };
}

/** Round-trip waves: a request that starts after every earlier one ended begins a new wave. */
function countWaves(spans: Span[]): number {
  let waves = 0;
  let frontier = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start >= frontier) waves++;
    frontier = Math.max(frontier === -Infinity ? 0 : frontier, s.end);
  }
  return waves;
}

/** What the sandbox process has spent so far, ms: its main thread busy (event loop active: what requests queue on) and CPU of all its threads (GC helpers too). */
interface Usage { busy: number; cpu: number }
const minus = (a: Usage, b: Usage): Usage => ({ busy: a.busy - b.busy, cpu: a.cpu - b.cpu });
const per = (u: Usage, n: number): Usage => ({ busy: u.busy / Math.max(1, n), cpu: u.cpu / Math.max(1, n) });

interface Sandbox {
  url: string;
  token: string;
  usage(): Promise<Usage>;
  child: ChildProcess;
}

/**
 * Starts dist/sandbox-cli.js in a child process with an IPC channel through which it reports its
 * event-loop active time and `process.cpuUsage()`; the CLI itself is unchanged (loaded by a short
 * bootstrap).
 */
async function startSandbox(count: number): Promise<Sandbox> {
  const cli = path.join(__dirname, '..', 'dist', 'sandbox-cli.js');
  const boot = [
    "process.on('message', (m) => { if (m !== 'usage') return; const u = process.cpuUsage(); process.send({ busy: performance.eventLoopUtilization().active, cpu: (u.user + u.system) / 1000 }); });",
    "process.on('disconnect', () => process.exit(0));",
    `process.argv.splice(1, 0, ${JSON.stringify(cli)}); require(${JSON.stringify(cli)});`,
  ].join('\n');
  const child = spawn(process.execPath, ['-e', boot, '--', '--port', '0', '--latency', String(latency), '--volumes', String(count)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => { if (l.startsWith('Waldur sandbox:')) resolve(l); });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const [, url, token] = /url=(\S+) token=(\S+)/.exec(line)!;
  const usage = () => new Promise<Usage>((resolve) => {
    child.once('message', (m) => resolve(m as Usage));
    child.send('usage');
  });
  return { url: url!, token: token!, usage, child };
}

const authorized = (sb: Sandbox) => ({ headers: { Authorization: `Token ${sb.token}` } });

async function sequential(sb: Sandbox, pageSize?: number, extra = '', fields = PAGER_FIELDS) {
  const rec = recordingFetch();
  const query = [...fields.map((f) => `field=${f}`), ...(extra ? [extra] : [])].join('&');
  let next: string | undefined = `${sb.url}/api/openstack-volumes/?${query}${pageSize ? `&page_size=${pageSize}` : ''}`;
  let count = 0;
  const t0 = performance.now();
  while (next) {
    const res = await rec.fetch(new Request(next, authorized(sb)));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    count += ((await res.json()) as unknown[]).length;
    next = parseLinkHeader(res.headers.get('Link')).next;
  }
  return { ms: performance.now() - t0, requests: rec.spans.length, waves: countWaves(rec.spans), count };
}

/** Lists through this extension's client, as the tree does; `firstMs` is when page 1 had arrived. */
async function viaClient(sb: Sandbox, scope?: Scope) {
  const rec = recordingFetch();
  const backend = await createBackend({ kind: 'waldur', url: sb.url }, sb.token, { fetch: rec.fetch, paging: { concurrency } });
  const before = await sb.usage();
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  const all = await backend.listVolumes(scope);
  const ms = performance.now() - t0;
  const clientBusy = performance.eventLoopUtilization(elu).active;
  const used = minus(await sb.usage(), before);
  const pages = rec.spans.filter((s) => s.url.includes('/api/openstack-volumes/'));
  return {
    ms, firstMs: (pages[0]?.end ?? t0) - t0, requests: rec.spans.length, waves: countWaves(rec.spans), count: all.length, clientBusy,
    // At least: page 1, then the rest `concurrency` at a time.
    roundTrips: 1 + Math.ceil(Math.max(0, pages.length - 1) / concurrency),
    server: per(used, pages.length), urls: pages.map((s) => s.url),
  };
}

/** Sandbox time per request over `passes` replays of `urls` (concurrently, like the client): first pass, and the mean of the rest. */
async function serverTime(sb: Sandbox, urls: string[]) {
  const perPass: Usage[] = [];
  for (let p = 0; p < passes; p++) {
    const before = await sb.usage();
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const res = await fetch(urls[next++]!, authorized(sb));
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
    perPass.push(per(minus(await sb.usage(), before), urls.length));
  }
  const rest = perPass.slice(1);
  const mean = (pick: (u: Usage) => number) => (rest.length ? rest.reduce((a, u) => a + pick(u), 0) / rest.length : pick(perPass[0]!));
  return { first: perPass[0]!, repeat: { busy: mean((u) => u.busy), cpu: mean((u) => u.cpu) } };
}

const withoutFields = (url: string): string => {
  const u = new URL(url);
  u.searchParams.delete('field');
  return u.toString();
};
const ms = (n: number, digits = 1) => `${n.toFixed(digits)} ms`;
/** `1.2 ms (CPU 1.5 ms)`: main thread busy, then CPU of all threads. */
const usage = (u: Usage) => `${ms(u.busy)} (CPU ${ms(u.cpu)})`;

async function main(): Promise<void> {
  const sb = await startSandbox(volumes);
  try {
    // Warm-up (connection setup, JIT, the sandbox's caches for both field sets) so the first
    // measured mode isn't penalised; the first-rows section below shows a cold listing.
    await sequential(sb, 300);
    const cold = await viaClient(sb);

    const ours = await viaClient(sb);
    const seqDefault = await sequential(sb);
    const seq300 = await sequential(sb, 300);

    console.log(`Listing ${ours.count} volumes, ${latency} ms added latency per request, concurrency ${concurrency}`);
    const rows = [
      ['mode', 'volumes', 'requests', 'waves', 'wall ms', 'vs ours'],
      ['concurrent pager (this client)', ours.count, ours.requests, ours.waves, ours.ms.toFixed(0), '1.0×'],
      ['sequential Link pager, default page size', seqDefault.count, seqDefault.requests, seqDefault.waves, seqDefault.ms.toFixed(0), `${(seqDefault.ms / ours.ms).toFixed(1)}× slower`],
      ['sequential Link pager, page_size=300', seq300.count, seq300.requests, seq300.waves, seq300.ms.toFixed(0), `${(seq300.ms / ours.ms).toFixed(1)}× slower`],
    ];
    for (const r of rows) console.log(`${String(r[0]).padEnd(42)} ${String(r[1]).padStart(7)} ${String(r[2]).padStart(8)} ${String(r[3]).padStart(6)} ${String(r[4]).padStart(8)}  ${r[5]}`);
    if (ours.count !== seq300.count || ours.count !== seqDefault.count) console.log(`WARNING: counts differ (${ours.count} vs ${seq300.count} vs ${seqDefault.count})`);
    console.log(`ratio this client ÷ sequential pager: ${(seq300.ms / ours.ms).toFixed(1)}× at page_size=300, ${(seqDefault.ms / ours.ms).toFixed(1)}× at the default page size; `
      + `latency alone allows ≈ ${(seq300.waves / ours.waves).toFixed(1)}× by waves (${seq300.waves} vs ${ours.waves}), ≈ ${(seq300.requests / ours.roundTrips).toFixed(1)}× by round trips `
      + `(${seq300.requests} vs ${ours.roundTrips}: page 1, then ${concurrency} at a time = ${(ours.roundTrips * latency).toFixed(0)} ms)`);
    console.log(`this client's ${ours.ms.toFixed(0)} ms: its own main thread busy ${ours.clientBusy.toFixed(0)} ms (fetch, JSON, checks, rows), the sandbox's ${(ours.server.busy * ours.urls.length).toFixed(0)} ms`);

    // The sandbox is one Node process: concurrent pages queue on its CPU (a real Waldur serves them
    // from several workers), so its time per page bounds what the bench can show of the client.
    const withFields = await serverTime(sb, ours.urls);
    const full = await serverTime(sb, ours.urls.map(withoutFields));
    console.log(`sandbox time per 300-row page, main thread busy (CPU of all threads): ${usage(cold.server)} in the first listing after start, ${usage(ours.server)} in the measured one; `
      + `replaying its ${ours.urls.length} URLs ${passes}×: ${usage(withFields.repeat)} (first pass ${usage(withFields.first)}); without field=: ${usage(full.repeat)} (first pass ${usage(full.first)})`);
  } finally {
    sb.child.kill('SIGTERM');
  }

  if (projectVolumes > 0) await firstRows();
}

/** How soon the tree has the rows of one big project, through the extension's client path. */
async function firstRows(): Promise<void> {
  const sb = await startSandbox(projectVolumes * BULK_PROJECTS);
  try {
    const projects = (await (await fetch(`${sb.url}/api/projects/?page_size=300&field=uuid&field=name`, authorized(sb))).json()) as Array<{ uuid: string; name: string }>;
    let biggest = { uuid: '', name: '', count: -1 };
    for (const p of projects) {
      const res = await fetch(`${sb.url}/api/openstack-volumes/?project_uuid=${p.uuid}`, { ...authorized(sb), method: 'HEAD' });
      const count = Number(res.headers.get('X-Result-Count'));
      if (count > biggest.count) biggest = { ...p, count };
    }
    const scope: Scope = { id: biggest.uuid, kind: 'project', name: biggest.name };
    const cold = await viaClient(sb, scope);
    const warm = [await viaClient(sb, scope), await viaClient(sb, scope)].sort((a, b) => a.ms - b.ms)[0]!;
    const seq = await sequential(sb, 300, `project_uuid=${biggest.uuid}`, [...new URL(cold.urls[0]!).searchParams.getAll('field')]);
    console.log(`First rows of project "${biggest.name}" (${cold.count} of ${(projectVolumes * BULK_PROJECTS).toLocaleString('en')}+ volumes), ${latency} ms latency, listVolumes(project) as the tree does (target: under 1 s):`);
    console.log(`  this client: page 1 (${Math.min(300, cold.count)} rows) after ${cold.firstMs.toFixed(0)} ms, all ${cold.count} rows (the tree shows them) after ${cold.ms.toFixed(0)} ms `
      + `(${cold.requests} requests, ${cold.waves} waves; sandbox ${usage(cold.server)} per page); again: ${warm.firstMs.toFixed(0)} ms / ${warm.ms.toFixed(0)} ms (${usage(warm.server)} per page)`);
    console.log(`  sequential Link pager, page_size=300: ${seq.ms.toFixed(0)} ms (${seq.requests} requests) — ${(seq.ms / cold.ms).toFixed(1)}× this client's first listing`);
    if (cold.count !== seq.count) console.log(`WARNING: counts differ (${cold.count} vs ${seq.count})`);
  } finally {
    sb.child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
