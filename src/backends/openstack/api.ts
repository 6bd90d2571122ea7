/**
 * The typed Cinder and Nova clients of one project: `openapi-fetch` over the generated paths,
 * the project-scoped token in `X-Auth-Token` (re-issued once after a 401: Keystone refused the
 * request before anything was applied), and the microversion the cloud supports.
 */
import createClient, { type Client } from 'openapi-fetch';
import { ApiError } from '../../core/errors';
import { checkedListing, PagesDidNotAddUp } from '../../core/listing';
import { timedFetch, unwrap, type FetchOptions } from '../../core/http';
import type { paths as BlockStoragePaths } from './block-storage.gen';
import type { paths as ComputePaths } from './compute.gen';
import { parseOpenStackError } from './errors';
import { BLOCK_STORAGE_TYPES, COMPUTE_TYPES, type Keystone } from './keystone';
import type { NovaServer } from './records';

/** The highest microversions this client knows how to speak (the schemas it was typed from go further). */
export const WANTED = { volume: [3, 66] as const, compute: [2, 89] as const };

export type Microversion = readonly [number, number];

export function parseMicroversion(text: unknown): Microversion | undefined {
  const m = typeof text === 'string' ? /^(\d+)\.(\d+)$/.exec(text.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const atLeast = (v: Microversion | undefined, major: number, minor: number): boolean =>
  !!v && (v[0] > major || (v[0] === major && v[1] >= minor));

const lower = (a: Microversion, b: Microversion): Microversion => (atLeast(a, b[0], b[1]) ? b : a);

export interface ProjectApi {
  projectId: string;
  cinder: Client<BlockStoragePaths>;
  /** Cinder's address without the version (`http://h:8776`): `/v3/<project>/…` goes below it. */
  cinderBase: string;
  /** Undefined when the catalog has no compute service (volumes still work; attach does not). */
  nova: Client<ComputePaths> | undefined;
  /** The microversions sent (the lower of ours and the server's maximum). */
  volumeVersion: Microversion;
  computeVersion: Microversion;
}

/** `http://h:8776/v3/<project>` → `http://h:8776` (generated paths start with `/v3/{project_id}`). */
function serviceBase(url: string, version: RegExp): string {
  return url.replace(/\/+$/, '').replace(version, '');
}

/** The version (and project) at the end of a compute endpoint: `…/v2.1`, `…/v2.1/<project>`, `…/v2/<project>`. */
const NOVA_VERSION = /\/v2(\.1)?(\/[^/]+)?$/;

/** A fetch that sends the project's token and asks for a fresh one once after a 401. */
function authFetch(keystone: Keystone, projectId: string, http: FetchOptions): (request: Request) => Promise<Response> {
  // Over the cloud's own transport (its cacert / verify: false), like Keystone's requests.
  const send = timedFetch({ ...http, fetch: keystone.fetch });
  return async (request: Request) => {
    const retry = request.clone();
    const token = await keystone.token(projectId, false, request.signal);
    request.headers.set('X-Auth-Token', token.id);
    const first = await send(request);
    if (first.status !== 401) return first;
    const fresh = await keystone.token(projectId, true, request.signal);
    retry.headers.set('X-Auth-Token', fresh.id);
    return send(retry);
  };
}

/** Reads a version document (`{version: {...}}` or `{versions: [...]}`) for the maximum microversion. */
async function maxVersion(base: string, path: string, http: FetchOptions, token: string): Promise<Microversion | undefined> {
  try {
    const response = await timedFetch(http)(new Request(`${base}${path}`, { headers: { 'X-Auth-Token': token, Accept: 'application/json' } }));
    if (!response.ok) return undefined;
    const body = (await response.json()) as { version?: { version?: string }; versions?: Array<{ version?: string; status?: string }> };
    return parseMicroversion(body.version?.version) ?? parseMicroversion(body.versions?.find((v) => v.status === 'CURRENT')?.version);
  } catch {
    return undefined;
  }
}

export async function projectApi(keystone: Keystone, projectId: string, http: FetchOptions & { userAgent?: string }): Promise<ProjectApi> {
  const token = await keystone.token(projectId);
  const cinderUrl = keystone.endpoint(token, BLOCK_STORAGE_TYPES);
  let novaUrl: string | undefined;
  try {
    novaUrl = keystone.endpoint(token, COMPUTE_TYPES);
  } catch {
    novaUrl = undefined;
  }
  const cinderBase = serviceBase(cinderUrl, /\/v3(\/[^/]+)?$/);
  const novaBase = novaUrl ? serviceBase(novaUrl, NOVA_VERSION) : undefined;
  const versions = { ...http, fetch: keystone.fetch };
  const [volumeMax, computeMax] = await Promise.all([maxVersion(cinderBase, '/v3/', versions, token.id), novaBase ? maxVersion(novaBase, '/v2.1/', versions, token.id) : undefined]);
  const volumeVersion = lower(volumeMax ?? [3, 0], WANTED.volume);
  const computeVersion = lower(computeMax ?? [2, 1], WANTED.compute);
  const cinder = createClient<BlockStoragePaths>({ baseUrl: cinderBase, fetch: authFetch(keystone, projectId, http), headers: versionHeaders('volume', volumeVersion, http) });
  const nova = novaBase ? novaClient(keystone, projectId, novaBase, computeVersion, http) : undefined;
  return { projectId, cinder, cinderBase, nova, volumeVersion, computeVersion };
}

function versionHeaders(service: string, v: Microversion, http: { userAgent?: string }): Record<string, string> {
  return { 'OpenStack-API-Version': `${service} ${v[0]}.${v[1]}`, Accept: 'application/json', 'User-Agent': http.userAgent ?? 'volume-explorer' };
}

/** Nova at microversion `v`, with the old header as well (Nova before 2.27 reads only that one). */
function novaClient(keystone: Keystone, projectId: string, novaBase: string, v: Microversion, http: FetchOptions & { userAgent?: string }): Client<ComputePaths> {
  return createClient<ComputePaths>({
    baseUrl: novaBase, fetch: authFetch(keystone, projectId, http),
    headers: { ...versionHeaders('compute', v, http), 'X-OpenStack-Nova-API-Version': `${v[0]}.${v[1]}` },
  });
}

/** Nova alone for one project, at a fixed microversion (the legacy backend's os-volumes proxy). */
export interface ComputeApi {
  projectId: string;
  nova: Client<ComputePaths>;
  computeVersion: Microversion;
}

/**
 * Nova for one project at `version`, sent as is — not the cloud's maximum: the os-volumes and
 * os-snapshots proxy answers only up to 2.35. No version document is read. Fails with Keystone's
 * clear error when the catalog has no compute endpoint for the cloud's region and interface.
 */
export async function computeApi(keystone: Keystone, projectId: string, version: Microversion, http: FetchOptions & { userAgent?: string }): Promise<ComputeApi> {
  const token = await keystone.token(projectId);
  const novaBase = serviceBase(keystone.endpoint(token, COMPUTE_TYPES), NOVA_VERSION);
  return { projectId, nova: novaClient(keystone, projectId, novaBase, version, http), computeVersion: version };
}

/** `unwrap` with OpenStack's error bodies. */
export function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<{ data: T; response: Response }> {
  return unwrap(request, parseOpenStackError);
}

/** A list field of a response, or a typed `bad-response` error naming what was expected. */
export function listOf<T>(data: unknown, key: string, what: string): T[] {
  const list = (data as Record<string, unknown> | undefined)?.[key];
  if (!Array.isArray(list)) throw new ApiError({ kind: 'bad-response', message: `The server's answer has no list of ${what}.` });
  return list as T[];
}

/** The rows of a list, each checked to be a record with its string `id` (else `bad-response`). */
export function records<T>(rows: T[], what: string): T[] {
  for (const r of rows as unknown[]) {
    const id = (r as { id?: unknown } | null)?.id;
    if (!r || typeof r !== 'object' || Array.isArray(r) || typeof id !== 'string' || !id) {
      throw new ApiError({ kind: 'bad-response', message: `The server's list of ${what} holds something other than records with an id.` });
    }
  }
  return rows;
}

/** A single object field of a response. */
export function objectOf<T>(data: unknown, key: string, what: string): T {
  const value = (data as Record<string, unknown> | undefined)?.[key];
  if (!value || typeof value !== 'object') throw new ApiError({ kind: 'bad-response', message: `The server's answer has no ${what}.` });
  return value as T;
}

/** Nova, or a clear error when the cloud has none. */
export function novaOf(api: ProjectApi): Client<ComputePaths> {
  if (!api.nova) throw new ApiError({ kind: 'bad-response', message: 'This cloud has no compute (Nova) service in its catalog, so volumes cannot be attached or detached here.' });
  return api.nova;
}

/** Nova's page size for servers (it caps a page at `max_limit`, 1000 by default). */
const SERVER_PAGE = 1000;

/**
 * Every server `query` selects, following Nova's `next` links by `marker`; a page that repeats a
 * server of an earlier one reads the list once more, then fails (never a partial list).
 */
export function allServers(nova: Client<ComputePaths>, query: Record<string, unknown>, signal?: AbortSignal): Promise<NovaServer[]> {
  return checkedListing(async () => {
    const all: NovaServer[] = [];
    const seen = new Set<string>();
    for (let marker: string | undefined; ;) {
      const { data } = await call(nova.GET('/v2.1/servers/detail', { params: { query: { limit: SERVER_PAGE, ...query, ...(marker ? { marker } : {}) } as never }, signal }));
      const page = records<NovaServer>(listOf<NovaServer>(data, 'servers', 'servers'), 'servers');
      for (const r of page) {
        if (seen.has(r.id)) throw new PagesDidNotAddUp('a page of servers repeated one of an earlier page');
        seen.add(r.id);
      }
      all.push(...page);
      // Nova says whether more follow with a `next` link; a full page without one is the end too.
      const more = (data as { servers_links?: Array<{ rel?: string }> }).servers_links?.some((l) => l.rel === 'next');
      if (!more || !page.length) return all;
      marker = page[page.length - 1]!.id;
    }
  }, 'servers');
}
