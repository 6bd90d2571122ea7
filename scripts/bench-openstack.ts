/**
 * `npm run bench:openstack -- [--volumes N] [--page-sizes 100,500] [--latency-ms 0,50] [--reps N]
 *   [--concurrency N] [--seed-concurrency N] [--project NAME] [--clouds FILE] [--cloud NAME] [--cleanup]`
 *
 * Lists N volumes from the real OpenStack of scripts/openstack/ (must be running: `bash
 * scripts/openstack/up.sh`) through the backend's listVolumes, two ways in the same run:
 *   (a) count + offset (the default): page 1 with `with_count`, the remaining pages by `offset`,
 *       several at once (`paging.concurrency`, the backend's default 4);
 *   (b) marker-following (`paging.marker: true`): one page after the other, the baseline;
 * at each page size and added latency (an injected fetch that waits before forwarding each
 * request, Keystone's and Nova's included), median and minimum of several repetitions, and prints
 * the ratio marker / count+offset. Both must list exactly the seeded N ids, or it fails.
 *
 * The volumes live in a Keystone project of their own, `bench` (`--project`), made as the clouds
 * file's admin, who gets the `member` role on it; Cinder quotas unlimited; never in the tests'
 * projects. The seeding is idempotent: volumes `bench-0000`… that are there are kept, only the
 * missing ones are made (8 at a time), extras and errored ones deleted; its time is printed on its
 * own. Between runs the project is left **disabled** (`GET /v3/projects?enabled=true` leaves it
 * out, and the backend drops the disabled projects `/v3/auth/projects` still names, so the admin's
 * project list the tests check is unchanged); it is enabled only while the bench runs (Ctrl-C
 * disables it too). `--cleanup` deletes the bench volumes, their quota set and the project instead
 * of measuring.
 * Numbers are printed, not asserted.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createBackend, type Backend, type Scope } from '../src/core/index';

const args = process.argv.slice(2);
const has = (name: string): boolean => args.includes(`--${name}`);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}
function numbers(name: string, fallback: number[], min = 0): number[] {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < min)) throw new Error(`--${name} needs integers ≥ ${min}, comma-separated`);
  return list;
}
const N = numbers('volumes', [1000], 1)[0]!;
const pageSizes = numbers('page-sizes', [100, 500], 1);
const latencies = numbers('latency-ms', [0, 50]);
const reps = numbers('reps', [5], 1)[0]!;
const concurrency = option('concurrency') === undefined ? undefined : numbers('concurrency', [], 1)[0]!;
const seedConcurrency = numbers('seed-concurrency', [8], 1)[0]!;
const cloudsFile = path.resolve(option('clouds') ?? path.join(__dirname, '..', '.vscode-test', 'openstack', 'clouds.yaml'));
const adminCloud = option('cloud') ?? 'admin';
const cleanup = has('cleanup');
const PROJECT = option('project') ?? 'bench';
if (!/^[A-Za-z0-9_-]{1,64}$/.test(PROJECT)) throw new Error('--project needs a plain name (letters, digits, - and _)');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Plain REST as the admin (Keystone, Cinder): project, role, quotas, seeding.

interface RawCloud { auth: Record<string, string>; region_name?: string; interface?: string; [k: string]: unknown }

class Rest {
  constructor(private readonly token: string) {}
  async call<T = unknown>(method: string, url: string, body?: unknown, ok: number[] = [200, 201, 202, 204]): Promise<{ status: number; data: T }> {
    const res = await fetch(url, {
      method,
      headers: { 'X-Auth-Token': this.token, Accept: 'application/json', 'Content-Type': 'application/json', 'OpenStack-API-Version': 'volume 3.0' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (!ok.includes(res.status)) throw new Error(`${method} ${url} → HTTP ${res.status}: ${text.slice(0, 300)}`);
    return { status: res.status, data: (text.trim() ? JSON.parse(text) : {}) as T };
  }
}

interface Signed { rest: Rest; userId: string; projectId: string; cinder: string }

/** A password token of the clouds file's admin user, scoped to a project (by name), and its Cinder URL base. */
async function signIn(cloud: RawCloud, project: string): Promise<Signed> {
  const a = cloud.auth;
  const authUrl = a.auth_url!.replace(/\/+$/, '');
  const userDomain = a.user_domain_id ? { id: a.user_domain_id } : { name: a.user_domain_name ?? 'Default' };
  const projectDomain = a.project_domain_id ? { id: a.project_domain_id } : { name: a.project_domain_name ?? 'Default' };
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: a.username, domain: userDomain, password: a.password } } }, scope: { project: { name: project, domain: projectDomain } } } }),
    signal: AbortSignal.timeout(30_000),
  }).catch((cause: unknown) => {
    throw new Error(`Keystone at ${authUrl} does not answer (${String(cause)}); start the stack with: bash scripts/openstack/up.sh`);
  });
  if (res.status !== 201) throw new Error(`Keystone refused the admin's sign-in to project ${project}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  const body = (await res.json()) as { token: { user: { id: string }; project: { id: string }; catalog: Array<{ type: string; endpoints: Array<{ url: string; interface: string; region?: string }> }> } };
  const wanted = cloud.interface ?? 'public';
  const endpoint = body.token.catalog.filter((s) => ['block-storage', 'volumev3'].includes(s.type)).flatMap((s) => s.endpoints)
    .find((e) => e.interface === wanted && (!cloud.region_name || e.region === cloud.region_name));
  if (!endpoint) throw new Error('The catalog has no block-storage endpoint.');
  // `http://h:8776/v3/<project>` → `http://h:8776`
  const cinder = endpoint.url.replace(/\/+$/, '').replace(/\/v3(\/[^/]+)?$/, '');
  return { rest: new Rest(res.headers.get('X-Subject-Token')!), userId: body.token.user.id, projectId: body.token.project.id, cinder };
}

interface KeystoneProject { id: string; name: string; enabled: boolean }

async function findProject(admin: Signed, keystone: string): Promise<KeystoneProject | undefined> {
  const { data } = await admin.rest.call<{ projects: KeystoneProject[] }>('GET', `${keystone}/projects?name=${PROJECT}&domain_id=default`);
  return data.projects[0];
}

async function setEnabled(admin: Signed, keystone: string, projectId: string, enabled: boolean): Promise<void> {
  await admin.rest.call('PATCH', `${keystone}/projects/${projectId}`, { project: { enabled } });
}

/** The bench project, made (or enabled) now, with the admin as member and unlimited Cinder quotas. */
async function ensureProject(admin: Signed, keystone: string): Promise<string> {
  let project = await findProject(admin, keystone);
  if (!project) {
    project = (await admin.rest.call<{ project: KeystoneProject }>('POST', `${keystone}/projects`, {
      project: { name: PROJECT, domain_id: 'default', enabled: true, description: 'Volume Explorer listing bench (scripts/bench-openstack.ts); disabled between runs' },
    })).data.project;
    log(`made Keystone project ${PROJECT} (${project.id})`);
  } else if (!project.enabled) {
    await setEnabled(admin, keystone, project.id, true);
  }
  const { data: roles } = await admin.rest.call<{ roles: Array<{ id: string; name: string }> }>('GET', `${keystone}/roles?name=member`);
  const member = roles.roles[0];
  if (!member) throw new Error('Keystone has no role "member".');
  await admin.rest.call('PUT', `${keystone}/projects/${project.id}/users/${admin.userId}/roles/${member.id}`);
  await admin.rest.call('PUT', `${admin.cinder}/v3/${admin.projectId}/os-quota-sets/${project.id}`, {
    quota_set: { volumes: -1, gigabytes: -1, snapshots: -1, backups: -1, backup_gigabytes: -1, per_volume_gigabytes: -1 },
  });
  return project.id;
}

interface RawVolume { id: string; name: string | null; status: string }

/** Every volume of the bench project, by marker (plain REST, 1000 a page). */
async function rawVolumes(bench: Signed): Promise<RawVolume[]> {
  const all: RawVolume[] = [];
  for (let marker: string | undefined; ;) {
    const { data } = await bench.rest.call<{ volumes: RawVolume[] }>('GET', `${bench.cinder}/v3/${bench.projectId}/volumes/detail?limit=1000&sort=id:asc${marker ? `&marker=${marker}` : ''}`);
    all.push(...data.volumes);
    if (data.volumes.length < 1000) return all;
    marker = data.volumes[data.volumes.length - 1]!.id;
  }
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

async function until(what: string, timeoutMs: number, check: () => Promise<string | true>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let last = ''; ;) {
    const state = await check();
    if (state === true) return;
    if (state !== last) log(`  waiting for ${what}: ${state}`);
    last = state;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${seconds(timeoutMs)}: ${state}`);
    await sleep(2000);
  }
}

const tally = (volumes: RawVolume[]): string => {
  const counts = new Map<string, number>();
  for (const v of volumes) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
};

async function deleteVolumes(bench: Signed, volumes: RawVolume[]): Promise<void> {
  await pool(volumes, seedConcurrency, async (v) => {
    await bench.rest.call('DELETE', `${bench.cinder}/v3/${bench.projectId}/volumes/${v.id}`, undefined, [202, 404]);
  });
}

/** Makes the project hold exactly bench-0000 … bench-(N-1), all available; returns their ids. */
async function seed(bench: Signed): Promise<Set<string>> {
  const t0 = now();
  const existing = await rawVolumes(bench);
  const wanted = new Set(Array.from({ length: N }, (_, i) => `bench-${String(i).padStart(4, '0')}`));
  const keep = new Map<string, RawVolume>();
  const drop: RawVolume[] = [];
  for (const v of existing) {
    const ok = v.name !== null && wanted.has(v.name) && !keep.has(v.name) && !/error/.test(v.status) && v.status !== 'deleting';
    if (ok) keep.set(v.name!, v);
    else if (v.status !== 'deleting') drop.push(v);
  }
  const missing = [...wanted].filter((name) => !keep.has(name));
  log(`seed: ${existing.length} volumes in project ${PROJECT} (${tally(existing)}); keeping ${keep.size}, deleting ${drop.length}, creating ${missing.length}`);
  if (drop.length) {
    await deleteVolumes(bench, drop);
    const dropped = new Set(drop.map((v) => v.id));
    await until('the extra volumes to go', 5 * 60_000, async () => {
      const left = (await rawVolumes(bench)).filter((v) => dropped.has(v.id));
      return left.length ? `${left.length} left (${tally(left)})` : true;
    });
  }
  const tCreate = now();
  let made = 0;
  await pool(missing, seedConcurrency, async (name) => {
    await bench.rest.call('POST', `${bench.cinder}/v3/${bench.projectId}/volumes`, { volume: { size: 1, name, description: 'listing bench' } });
    if (++made % 100 === 0) log(`  created ${made}/${missing.length} (${seconds(now() - tCreate)})`);
  });
  const posted = now() - tCreate;
  let final: RawVolume[] = [];
  await until(`${N} available volumes`, 15 * 60_000, async () => {
    final = await rawVolumes(bench);
    const bad = final.filter((v) => /error/.test(v.status));
    if (bad.length) throw new Error(`${bad.length} bench volumes failed (${tally(bad)}); run with --cleanup, then again`);
    return final.length === N && final.every((v) => v.status === 'available') ? true : `${final.length} volumes (${tally(final)})`;
  });
  const total = now() - t0;
  console.log(`Seed: ${N} volumes in project ${PROJECT}: ${keep.size} kept, ${missing.length} created`
    + (missing.length ? ` (POSTs ${seconds(posted)}, ${(missing.length / (posted / 1000)).toFixed(1)}/s at ${seedConcurrency} at a time)` : '')
    + `${drop.length ? `, ${drop.length} deleted` : ''}; all available after ${seconds(total)}`);
  return new Set(final.map((v) => v.id));
}

// ---------------------------------------------------------------------------------------------
// The measurement.

interface Span { start: number; sent: number; end: number; path: string; query: string }

/** A fetch that waits `latency` ms before forwarding and records each request (the body read included). */
function recordingFetch(latency: number) {
  const spans: Span[] = [];
  let counted: number | undefined;
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const span: Span = { start: now(), sent: 0, end: 0, path: url.pathname, query: url.search };
    spans.push(span);
    if (latency) await sleep(latency);
    span.sent = now();
    const res = await globalThis.fetch(request);
    const body = await res.arrayBuffer();
    span.end = now();
    if (url.searchParams.has('with_count')) {
      const count = (JSON.parse(new TextDecoder().decode(body)) as { count?: unknown }).count;
      counted = typeof count === 'number' ? count : -1;
    }
    const empty = [101, 204, 205, 304].includes(res.status);
    return new Response(empty ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch, spans, counted: () => counted };
}

/**
 * Round trips on the critical path: the longest chain of requests each sent after the previous
 * one's answer had arrived (marker-following: every page; a pool of workers: 1 + its rounds).
 */
function serialRoundTrips(spans: Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((s, i) => {
    depth[i] = 1 + Math.max(0, ...sorted.slice(0, i).map((t, j) => (t.end <= s.start ? depth[j]! : 0)));
  });
  return Math.max(0, ...depth);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Strategy = 'count' | 'marker';
interface Run { ms: number; requests: number; roundTrips: number; cinderMs: number; ids: string[] }

class Subject {
  private constructor(readonly strategy: Strategy, readonly backend: Backend, readonly rec: ReturnType<typeof recordingFetch>) {}

  static async make(strategy: Strategy, pageSize: number, latency: number, clouds: string): Promise<Subject> {
    const rec = recordingFetch(latency);
    const paging = { pageSize, marker: strategy === 'marker', ...(concurrency ? { concurrency } : {}) };
    const backend = await createBackend({ kind: 'openstack', cloud: PROJECT, cloudsYaml: clouds }, undefined, { fetch: rec.fetch, paging });
    return new Subject(strategy, backend, rec);
  }

  async list(scope: Scope): Promise<Run> {
    const from = this.rec.spans.length;
    const t0 = now();
    const volumes = await this.backend.listVolumes(scope);
    const ms = now() - t0;
    const pages = this.rec.spans.slice(from).filter((s) => s.path.endsWith('/volumes/detail'));
    const cinderMs = pages.reduce((sum, s) => sum + (s.end - s.sent), 0) / Math.max(1, pages.length);
    return { ms, requests: pages.length, roundTrips: serialRoundTrips(pages), cinderMs, ids: volumes.map((v) => v.id) };
  }
}

/** What bounds concurrency here: the stack's cinder-api workers (and page cap), from its rendered cinder.conf when it is beside the clouds file. */
async function cinderNote(): Promise<string> {
  const conf = await readFile(path.join(path.dirname(cloudsFile), 'etc', 'cinder.conf'), 'utf8').catch(() => '');
  if (!conf) return '';
  const setting = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, 'm').exec(conf)?.[1];
  return `The stack's cinder-api: osapi_volume_workers = ${setting('osapi_volume_workers') ?? 'unset (one per CPU)'}, `
    + `osapi_max_limit = ${setting('osapi_max_limit') ?? 'unset (1000)'}; concurrent pages share its process.`;
}

function verify(label: string, run: Run, expected: Set<string>): void {
  const got = new Set(run.ids);
  const missing = [...expected].filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !expected.has(id));
  if (run.ids.length !== N || got.size !== N || missing.length || extra.length) {
    throw new Error(`${label} listed ${run.ids.length} volumes (${got.size} distinct), expected exactly the ${N} seeded: ${missing.length} missing, ${extra.length} unexpected`);
  }
}

async function measure(clouds: string, scope: Scope, expected: Set<string>): Promise<void> {
  const rows: string[][] = [['latency', 'page', 'mode', 'requests', 'round trips', 'Cinder ms/page', 'median ms', 'min ms', 'marker ÷ count']];
  const t0 = now();
  let version = '';
  let counted: number | undefined;
  for (const latency of latencies) {
    for (const pageSize of pageSizes) {
      const subjects = [await Subject.make('count', pageSize, latency, clouds), await Subject.make('marker', pageSize, latency, clouds)];
      if (!version && 'microversions' in subjects[0]!.backend) {
        version = (await (subjects[0]!.backend as Backend & { microversions(p: string): Promise<{ volume: string }> }).microversions(scope.id)).volume;
      }
      // Warm-up: tokens, version documents, connections; checked like the rest.
      for (const s of subjects) verify(`warm-up ${s.strategy}`, await s.list(scope), expected);
      counted ??= subjects[0]!.rec.counted();
      const runs: Record<Strategy, Run[]> = { count: [], marker: [] };
      for (let r = 0; r < reps; r++) {
        // Alternating (and swapping who goes first) so drift in the stack hits both alike.
        for (const s of r % 2 ? [...subjects].reverse() : subjects) {
          const run = await s.list(scope);
          verify(`${s.strategy} (page ${pageSize}, ${latency} ms)`, run, expected);
          runs[s.strategy].push(run);
        }
      }
      const med = { count: median(runs.count.map((r) => r.ms)), marker: median(runs.marker.map((r) => r.ms)) };
      for (const strategy of ['count', 'marker'] as const) {
        const list = runs[strategy];
        rows.push([
          `${latency} ms`, String(pageSize), strategy === 'count' ? 'count+offset, concurrent' : 'marker-following',
          String(list[0]!.requests), String(list[0]!.roundTrips), median(list.map((r) => r.cinderMs)).toFixed(0),
          med[strategy].toFixed(0), Math.min(...list.map((r) => r.ms)).toFixed(0),
          strategy === 'marker' ? `${(med.marker / med.count).toFixed(2)}×` : '',
        ]);
      }
      log(`  page ${pageSize}, ${latency} ms: count+offset ${med.count.toFixed(0)} ms, marker ${med.marker.toFixed(0)} ms`);
    }
  }
  const c = concurrency ?? 4;
  console.log(`Listing ${N} volumes of project ${PROJECT} through listVolumes (Cinder volume ${version || '?'}; with_count ${counted === undefined ? 'not sent' : counted >= 0 ? `answered count=${counted}` : 'sent, no count in the answer'}), `
    + `concurrency ${c}${concurrency ? '' : ' (the backend default)'}, ${reps} runs each after a warm-up; + one Nova GET /servers/detail per listing`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  console.log('requests: Cinder volumes/detail pages of one listing; round trips: of them one after the other (the critical path); '
    + 'Cinder ms/page: mean time from send to last byte of a page (added latency not included), median over runs.');
  console.log(`Measured in ${seconds(now() - t0)}; both modes listed exactly the ${N} seeded ids every time. ${await cinderNote()}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const clouds = parseYaml(await readFile(cloudsFile, 'utf8')) as { clouds?: Record<string, RawCloud> };
  const cloud = clouds.clouds?.[adminCloud];
  if (!cloud?.auth?.auth_url || !cloud.auth.username || !cloud.auth.password) throw new Error(`${cloudsFile} has no password cloud ${adminCloud}`);
  const keystone = cloud.auth.auth_url.replace(/\/+$/, '');
  const admin = await signIn(cloud, cloud.auth.project_name ?? 'admin');

  if (cleanup) {
    const project = await findProject(admin, keystone);
    if (!project) return console.log(`No project ${PROJECT}: nothing to clean up.`);
    const t0 = now();
    if (!project.enabled) await setEnabled(admin, keystone, project.id, true);
    const bench = await signIn(cloud, PROJECT);
    const volumes = await rawVolumes(bench);
    await deleteVolumes(bench, volumes.filter((v) => v.status !== 'deleting'));
    await until('the bench volumes to go', 10 * 60_000, async () => {
      const left = await rawVolumes(bench);
      return left.length ? `${left.length} left (${tally(left)})` : true;
    });
    await admin.rest.call('DELETE', `${admin.cinder}/v3/${admin.projectId}/os-quota-sets/${project.id}`, undefined, [200, 202, 204, 404]);
    await setEnabled(admin, keystone, project.id, false);
    await admin.rest.call('DELETE', `${keystone}/projects/${project.id}`);
    return console.log(`Cleaned up: ${volumes.length} volumes, the quota set and project ${PROJECT} deleted in ${seconds(now() - t0)}.`);
  }

  const projectId = await ensureProject(admin, keystone);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-openstack-'));
  // The clouds file written there holds the admin's password (as the stack's own does): gone however the process ends.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  // Disable the project again however the run ends (Ctrl-C included).
  let disabled: Promise<void> | undefined;
  const disable = () => (disabled ??= setEnabled(admin, keystone, projectId, false).catch((err: unknown) => log(`could not disable project ${PROJECT}: ${String(err)}`)));
  const onSignal = () => void disable().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const bench = await signIn(cloud, PROJECT);
    const expected = await seed(bench);
    // The admin user signed in to project bench (a member there, not admin): a clouds.yaml of its own.
    const auth: Record<string, string> = { ...cloud.auth, project_name: PROJECT };
    delete auth.project_id;
    const file = path.join(dir, 'clouds.yaml');
    await writeFile(file, JSON.stringify({ clouds: { [PROJECT]: { ...cloud, auth } } }, null, 2), { mode: 0o600 });
    await measure(file, { id: projectId, kind: 'project', name: PROJECT }, expected);
  } finally {
    await disable();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeDir();
    process.off('exit', removeDir);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
