import type { Backend, NewVolume, NewVolumeType, ResourceDetails, VolumeChanges } from '../../core/backend';
import type { Capabilities } from '../../core/capabilities';
import type { Capacity, QuotaLine } from '../../core/capacity';
import { errorSection, field, instanceValue, longText, text, timeValue, yesNo, type DetailSection, type TableRow } from '../../core/details';
import { ApiError } from '../../core/errors';
import type { FetchOptions } from '../../core/http';
import type { RawKind } from '../../core/raw';
import { matchesFilter, singleStatus, type VolumeFilter } from '../../core/filter';
import type { CopyOptions, CopyTarget } from '../../core/copy-as';
import { webPage } from '../../core/web';

/**
 * What Cinder filters itself: the name as a substring (`name~`, the "like" filter of 3.34+, when
 * the cloud's resource_filters allow it) and one exact `status` (available, in-use); the rest is
 * checked on the rows.
 */
export function cinderFilters(api: Pick<ProjectApi, 'volumeVersion'>, filter: VolumeFilter | undefined, like = true): Record<string, string> {
  const out: Record<string, string> = {};
  if (filter?.name && like && atLeast(api.volumeVersion, 3, 34)) out['name~'] = filter.name;
  const status = singleStatus(filter);
  if (status === 'available' || status === 'in-use') out['status'] = status;
  return out;
}
import { checkedListing, PagesDidNotAddUp } from '../../core/listing';
import { formatGiB, type DeleteOutcome, type Identity, type Instance, type Scope, type Snapshot, type Volume, type VolumeType } from '../../core/model';
import { allServers, atLeast, call, listOf, novaOf, objectOf, projectApi, records, type ProjectApi } from './api';
import type { CloudConfig } from './clouds';
import { Keystone } from './keystone';
import {
  GIB_IN_MIB, openstackOf, toInstance, toSnapshot, toVolume, toVolumeType,
  type CinderSnapshot, type CinderVolume, type NovaServer,
} from './records';
import { OPENSTACK_RULES } from './rules';

/** What native OpenStack offers here: projects (no organizations), delete accepted (no order). */
export const OPENSTACK_CAPABILITIES: Capabilities = {
  displayName: 'OpenStack',
  volumeActions: ['attach', 'detach', 'extend', 'retype', 'snapshot', 'edit', 'delete'],
  snapshotActions: ['restore', 'revert', 'edit', 'delete'],
  scopeLevels: [{ kind: 'project', singular: 'project', plural: 'projects', icon: 'project' }],
  deleteVolume: 'accepted',
  editable: { volume: ['name', 'description', 'bootable', 'readOnly'], snapshot: ['name', 'description'] },
  anyStatusActions: [],
  createVolume: true,
  createFromSnapshot: true,
  cascadeDelete: true,
  volumeTypeAdmin: true,
  capacity: true,
};

/** Cinder's page size (its default cap, `osapi_max_limit`, is 1000). */
const PAGE = 500;
/** Nova's page size (its default cap, `max_limit`, is 1000). */
const nameCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const FOREIGN_CREATE = 'This project is seen as admin through all_tenants: a volume made from here would belong to the admin\'s own project. Sign in to this project to create volumes in it.';

/**
 * A native OpenStack cloud of clouds.yaml: Keystone for tokens and projects, Cinder for volumes,
 * snapshots and types, Nova for attachments and server names.
 */
export class OpenStackBackend implements Backend {
  readonly kind = 'openstack' as const;
  readonly capabilities = OPENSTACK_CAPABILITIES;
  readonly rules = OPENSTACK_RULES;
  readonly endpoint: string;
  private readonly keystone: Keystone;
  private readonly apis = new Map<string, Promise<ProjectApi>>();
  private readonly projectNames = new Map<string, string>();
  /** Which project a volume or snapshot id belongs to (ids are global, URLs are per project). */
  private readonly projectOf = new Map<string, string>();
  /**
   * Projects an admin sees without a role in them (`GET /v3/projects`): read through the admin's
   * own project with `all_tenants` and `project_id`, as openstacksdk's `volumes(all_tenants=True)`.
   */
  private readonly foreign = new Set<string>();
  private home: string | undefined;

  private readonly pageSize: number;
  private readonly concurrency: number;
  private readonly markerOnly: boolean;

  /** `paging.marker` follows `marker` even where counts exist (the bench compares the two). */
  constructor(readonly cloud: CloudConfig, secret: string | undefined, private readonly http: FetchOptions & { userAgent?: string; paging?: { pageSize?: number; concurrency?: number; marker?: boolean } } = {}, keystone?: Keystone) {
    this.keystone = keystone ?? new Keystone(cloud, secret, http);
    this.pageSize = Math.max(1, Math.min(1000, http.paging?.pageSize ?? PAGE));
    this.concurrency = Math.max(1, http.paging?.concurrency ?? 4);
    this.markerOnly = http.paging?.marker === true;
    this.endpoint = this.keystone.authUrl;
  }

  /** Authenticates once (a wrong password fails here, not at the first row). */
  async connect(signal?: AbortSignal): Promise<void> {
    await this.keystone.token(undefined, false, signal);
  }

  /** The clients for a project: its own scoped ones, or the admin's for a project seen through all_tenants. */
  private api(projectId: string): Promise<ProjectApi> {
    if (this.foreign.has(projectId) && this.home) projectId = this.home;
    let api = this.apis.get(projectId);
    if (!api) {
      api = projectApi(this.keystone, projectId, this.http);
      this.apis.set(projectId, api);
      api.catch(() => {
        if (this.apis.get(projectId) === api) this.apis.delete(projectId);
      });
    }
    return api;
  }

  /** The microversions a project's endpoints speak (rules read them: extend in-use needs 3.42). */
  async microversions(projectId: string): Promise<{ volume: string; compute: string }> {
    const api = await this.api(projectId);
    return { volume: api.volumeVersion.join('.'), compute: api.computeVersion.join('.') };
  }

  async whoAmI(signal?: AbortSignal): Promise<Identity> {
    const token = await this.keystone.token(undefined, false, signal);
    return { username: token.userName ?? this.cloud.auth.username ?? '', fullName: token.userName ?? '', isStaff: token.roles.includes('admin') };
  }

  /** A list filter that keeps to one project: nothing for the user's own, all_tenants + project_id for an admin's view of another. */
  private only(projectId: string): Record<string, string> {
    return this.foreign.has(projectId) ? { all_tenants: '1', project_id: projectId } : {};
  }

  /**
   * The projects the user can reach (`/v3/auth/projects`); for an admin also every other project
   * of the cloud, marked as seen through all_tenants (in-place actions only: anything created
   * from there would belong to the admin's project).
   */
  async listScopes(parent?: Scope, signal?: AbortSignal): Promise<Scope[]> {
    if (parent) return [];
    const projects = await this.keystone.projects(signal);
    const own = new Set(projects.map((p) => p.id));
    const token = await this.keystone.token(undefined, false, signal);
    const others = token.roles.includes('admin') && token.projectId && this.cloud.authType !== 'v3applicationcredential'
      ? await this.keystone.allProjects(signal).then((all) => all.filter((p) => !own.has(p.id)), () => [])
      : [];
    this.home = token.projectId;
    this.foreign.clear();
    for (const p of others) this.foreign.add(p.id);
    for (const p of [...projects, ...others]) this.projectNames.set(p.id, p.name);
    return [
      ...projects.map((p) => ({ id: p.id, kind: 'project' as const, name: p.name })),
      ...others.map((p) => ({ id: p.id, kind: 'project' as const, name: p.name, description: 'another project, seen as admin (all_tenants)', createBlocked: FOREIGN_CREATE })),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async projectsToSearch(signal?: AbortSignal): Promise<string[]> {
    if (!this.projectNames.size) await this.listScopes(undefined, signal);
    return [...this.projectNames.keys()];
  }

  /**
   * Every volume of a project. With a count (volume 3.45+): page 1 with `with_count`, then the
   * remaining pages by `offset`, several at once; else `marker` from page to page. Either way
   * the pages must add up (the count, unique ids), or the listing fails — never a silent partial.
   * Sorted by id so pages are stable while they are read.
   */
  private async allVolumes(api: ProjectApi, projectId: string, signal?: AbortSignal, filter?: VolumeFilter, onFirstPage?: (rows: CinderVolume[], total: number) => void): Promise<CinderVolume[]> {
    const list = (f: VolumeFilter | undefined): Promise<CinderVolume[]> =>
      this.allPages<CinderVolume>(api, '/v3/{project_id}/volumes/detail', 'volumes', { ...this.only(projectId), ...cinderFilters(api, f, this.likeFilter) }, signal, onFirstPage);
    try {
      return await list(filter);
    } catch (err) {
      // The like filter is Cinder's only when its resource_filters allow `name~` (not by default):
      // refused once, the name is checked on the rows from then on (a read, so asking again is safe).
      if (!(this.likeFilter && filter?.name && err instanceof ApiError && err.status === 400 && /name~/.test(err.message))) throw err;
      this.likeFilter = false;
      return list(filter);
    }
  }
  /** Does this cloud take `name~`? Believed until it says otherwise. */
  private likeFilter = true;

  /**
   * Every record of a Cinder list (volumes or snapshots), paged as described above. Each page is
   * checked against what the first promised — the count, exactly the rows its offset holds, no id
   * twice — and a listing that does not add up is read once more, then fails clearly (never a
   * silent partial list).
   */
  private allPages<T extends { id: string }>(
    api: ProjectApi, path: '/v3/{project_id}/volumes/detail' | '/v3/{project_id}/snapshots/detail', key: 'volumes' | 'snapshots',
    filter: Record<string, unknown>, signal?: AbortSignal, onFirstPage?: (rows: T[], total: number) => void,
  ): Promise<T[]> {
    return checkedListing(() => this.pagesOnce<T>(api, path, key, filter, signal, onFirstPage), key);
  }

  private async pagesOnce<T extends { id: string }>(
    api: ProjectApi, path: '/v3/{project_id}/volumes/detail' | '/v3/{project_id}/snapshots/detail', key: 'volumes' | 'snapshots',
    filter: Record<string, unknown>, signal?: AbortSignal, onFirstPage?: (rows: T[], total: number) => void,
  ): Promise<T[]> {
    const page = async (query: Record<string, unknown>): Promise<{ rows: T[]; count?: number }> => {
      const { data } = await call(api.cinder.GET(path, {
        params: { path: { project_id: api.projectId }, query: { limit: this.pageSize, sort: 'id:asc', ...filter, ...query } as never }, signal,
      }));
      const count = (data as { count?: unknown } | undefined)?.count;
      return { rows: records<T>(listOf<T>(data, key, key), key), count: typeof count === 'number' ? count : undefined };
    };
    const seen = new Set<string>();
    const unique = (rows: T[], where: string): T[] => {
      for (const r of rows) {
        if (seen.has(r.id)) throw new PagesDidNotAddUp(`the page ${where} repeated one of the ${key} of an earlier page`);
        seen.add(r.id);
      }
      return rows;
    };
    if (atLeast(api.volumeVersion, 3, 45) && !this.markerOnly) {
      const first = await page({ with_count: true });
      if (first.count === undefined) throw new PagesDidNotAddUp(`the first page had no count although with_count was asked for`);
      const total = first.count;
      // A cloud whose osapi_max_limit is below our page size answers short: page by what it served.
      const served = first.rows.length > 0 && first.rows.length < this.pageSize && first.rows.length < total ? first.rows.length : this.pageSize;
      if (first.rows.length !== Math.min(served, total)) throw new PagesDidNotAddUp(`the first page had ${first.rows.length} ${key} where ${Math.min(served, total)} were due (${total} counted)`);
      unique(first.rows, 'at offset 0');
      const offsets: number[] = [];
      for (let o = served; o < total; o += served) offsets.push(o);
      if (offsets.length) onFirstPage?.(first.rows, total);
      const rest: T[][] = new Array(offsets.length);
      let next = 0;
      let failed = false;
      const worker = async (): Promise<void> => {
        while (!failed && next < offsets.length) {
          const i = next++;
          const offset = offsets[i]!;
          try {
            const { rows } = await page({ offset, limit: served });
            const due = Math.min(served, total - offset);
            if (rows.length !== due) throw new PagesDidNotAddUp(`the page at offset ${offset} had ${rows.length} ${key} where ${due} were due (${total} counted)`);
            rest[i] = unique(rows, `at offset ${offset}`);
          } catch (err) {
            failed = true;
            throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, offsets.length) }, worker));
      return [...first.rows, ...rest.flat()];
    }
    const all: T[] = [];
    for (let marker: string | undefined; ;) {
      const { rows } = await page(marker ? { marker } : {});
      if (rows.length > this.pageSize) throw new PagesDidNotAddUp(`a page had ${rows.length} ${key}, more than the ${this.pageSize} asked for`);
      all.push(...unique(rows, marker ? `after ${marker}` : 'first'));
      if (rows.length < this.pageSize) return all;
      marker = rows[rows.length - 1]!.id;
    }
  }

  /** Every server of the project (or, for an admin, of a foreign project). */
  private async servers(api: ProjectApi, projectId: string, signal?: AbortSignal): Promise<NovaServer[]> {
    return allServers(novaOf(api), this.only(projectId), signal);
  }

  private async serverNames(api: ProjectApi, projectId: string, signal?: AbortSignal): Promise<Map<string, string>> {
    if (!api.nova) return new Map();
    return new Map((await this.servers(api, projectId, signal)).map((s) => [s.id, s.name ?? s.id]));
  }

  /** The model of a Cinder volume read for a project (marked when seen through all_tenants). */
  private volumeOf(r: CinderVolume, projectId: string, api: ProjectApi, names: ReadonlyMap<string, string>): Volume {
    const owner = r['os-vol-tenant-attr:tenant_id'] ?? projectId;
    const v = toVolume(r, projectId, this.projectNames.get(owner), names, api.volumeVersion);
    return this.foreign.has(owner) ? { ...v, native: { ...openstackOf(v), foreign: true } } : v;
  }

  private snapshotOf(s: CinderSnapshot, projectId: string, api: ProjectApi, volumeNames: ReadonlyMap<string, string>, latest?: boolean): Snapshot {
    const owner = s['os-extended-snapshot-attributes:project_id'] ?? projectId;
    const snap = toSnapshot(s, projectId, this.projectNames.get(owner), volumeNames, { latest, volumeVersion: api.volumeVersion });
    return this.foreign.has(owner) ? { ...snap, native: { ...openstackOf(snap), foreign: true } } : snap;
  }

  async listVolumes(scope?: Scope, signal?: AbortSignal, filter?: VolumeFilter, onFirstPage?: (first: Volume[], total: number) => void): Promise<Volume[]> {
    const projects = scope ? [scope.id] : await this.projectsToSearch(signal);
    const lists = await Promise.all(projects.map(async (projectId) => {
      const api = await this.api(projectId);
      // One project's first page can show while the rest arrive (instance names come with the whole list).
      const first = scope && onFirstPage
        ? (rows: CinderVolume[], total: number) => onFirstPage(rows.map((r) => this.volumeOf(r, projectId, api, new Map())).filter((v) => matchesFilter(v, filter)).sort((a, b) => nameCollator.compare(a.name, b.name)), total)
        : undefined;
      const [records, names] = await Promise.all([this.allVolumes(api, projectId, signal, filter, first), this.serverNames(api, projectId, signal).catch(() => new Map<string, string>())]);
      return records.map((r) => {
        this.projectOf.set(r.id, projectId);
        return this.volumeOf(r, projectId, api, names);
      });
    }));
    return lists.flat().filter((v) => matchesFilter(v, filter)).sort((a, b) => nameCollator.compare(a.name, b.name));
  }

  async listSnapshots(volumeId?: string, signal?: AbortSignal, scope?: Scope): Promise<Snapshot[]> {
    const projects = scope ? [scope.id] : volumeId && this.projectOf.has(volumeId) ? [this.projectOf.get(volumeId)!] : await this.projectsToSearch(signal);
    const lists = await Promise.all(projects.map(async (projectId) => {
      const api = await this.api(projectId);
      // Paged like volumes: a project with more snapshots than one page (Cinder caps at 1000) is never cut short.
      const records = (await this.allPages<CinderSnapshot>(api, '/v3/{project_id}/snapshots/detail', 'snapshots', { ...this.only(projectId), ...(volumeId ? { volume_id: volumeId } : {}) }, signal))
        .filter((s) => !volumeId || s.volume_id === volumeId);
      const latest = latestPerVolume(records);
      return records.map((s) => {
        this.projectOf.set(s.id, projectId);
        return this.snapshotOf(s, projectId, api, new Map(), latest.has(s.id));
      });
    }));
    return lists.flat().sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Reads a resource from its project, or from each project until it is found. */
  private async locate<T>(id: string, read: (api: ProjectApi) => Promise<T>, signal?: AbortSignal): Promise<{ value: T; projectId: string }> {
    const known = this.projectOf.get(id);
    // An admin reads any project's resource through its own project: one place to look for all the others.
    const candidates = known ? [known] : (await this.projectsToSearch(signal)).filter((p) => !this.foreign.has(p) || p === [...this.foreign][0]);
    let notFound: unknown;
    for (const projectId of candidates) {
      try {
        const value = await read(await this.api(projectId));
        this.projectOf.set(id, projectId);
        return { value, projectId };
      } catch (err) {
        if (!(err instanceof ApiError && err.isNotFound)) throw err;
        notFound = err;
      }
    }
    throw notFound ?? new ApiError({ kind: 'http', status: 404, message: 'Not found' });
  }

  private async rawVolume(id: string, signal?: AbortSignal): Promise<{ value: CinderVolume; projectId: string; api: ProjectApi }> {
    const found = await this.locate(id, async (api) => {
      const { data } = await call(api.cinder.GET('/v3/{project_id}/volumes/{id}', { params: { path: { project_id: api.projectId, id } }, signal }));
      return objectOf<CinderVolume>(data, 'volume', 'volume');
    }, signal);
    return { ...found, api: await this.api(found.projectId) };
  }

  private async serverName(api: ProjectApi, serverId: string | undefined, signal?: AbortSignal): Promise<Map<string, string>> {
    if (!serverId || !api.nova) return new Map();
    try {
      const { data } = await call(api.nova.GET('/v2.1/servers/{id}', { params: { path: { id: serverId } }, signal }));
      const s = objectOf<NovaServer>(data, 'server', 'server');
      return new Map([[s.id, s.name ?? s.id]]);
    } catch {
      return new Map();
    }
  }

  async getVolume(id: string, signal?: AbortSignal): Promise<Volume> {
    const { value, projectId, api } = await this.rawVolume(id, signal);
    const volume = this.volumeOf(value, projectId, api, await this.serverName(api, value.attachments?.[0]?.server_id, signal));
    return this.withUserMessage(api, volume, signal);
  }

  /**
   * An erred resource with Cinder's own user message (`GET /messages?resource_uuid=`, 3.3+), such
   * as "schedule allocate volume:Could not find any available weighted backend." — what a failed
   * job says. Without one, the status stays the explanation.
   */
  private async withUserMessage<R extends Volume | Snapshot>(api: ProjectApi, r: R, signal?: AbortSignal): Promise<R> {
    if (r.status.category !== 'error' || !atLeast(api.volumeVersion, 3, 3)) return r;
    try {
      const { data } = await call(api.cinder.GET('/v3/{project_id}/messages', {
        params: { path: { project_id: api.projectId }, query: { resource_uuid: r.id, sort: 'created_at:desc', limit: 1 } as never }, signal,
      }));
      const message = listOf<{ user_message?: string; resource_uuid?: string }>(data, 'messages', 'messages').find((m) => m.resource_uuid === r.id)?.user_message;
      return message ? { ...r, errorMessage: message } : r;
    } catch {
      return r;
    }
  }

  private async rawSnapshot(id: string, signal?: AbortSignal): Promise<{ value: CinderSnapshot; projectId: string; api: ProjectApi }> {
    const found = await this.locate(id, async (api) => {
      const { data } = await call(api.cinder.GET('/v3/{project_id}/snapshots/{id}', { params: { path: { project_id: api.projectId, id } }, signal }));
      return objectOf<CinderSnapshot>(data, 'snapshot', 'snapshot');
    }, signal);
    return { ...found, api: await this.api(found.projectId) };
  }

  async copyTarget(_kind: 'volume' | 'snapshot', resource: Volume | Snapshot, signal?: AbortSignal): Promise<{ target: CopyTarget; options: CopyOptions }> {
    const projectId = resource.projectId ?? this.projectOf.get(resource.id) ?? (await this.projectsToSearch(signal))[0]!;
    const api = await this.api(projectId);
    return { target: { kind: 'openstack', apiUrl: `${api.cinderBase}/v3/${api.projectId}`, cloud: this.cloud.name, microversion: api.volumeVersion.join('.') }, options: {} };
  }

  /** Horizon's page: `project/volumes/<id>/`, `project/snapshots/<id>/`; `admin/…` for another project's (an admin's view). */
  async webPageOf(kind: 'volume' | 'snapshot', resource: Volume | Snapshot, base: string): Promise<string> {
    const panel = resource.projectId && this.foreign.has(resource.projectId) ? 'admin' : 'project';
    return webPage(base, panel, kind === 'volume' ? 'volumes' : 'snapshots', resource.id);
  }

  async raw(kind: RawKind, id: string, signal?: AbortSignal): Promise<unknown> {
    if (kind === 'volume') return (await this.rawVolume(id, signal)).value;
    if (kind === 'snapshot') return (await this.rawSnapshot(id, signal)).value;
    const found = await this.locate(id, async (api) => {
      if (!api.nova) throw new ApiError({ kind: 'http', status: 404, message: 'This cloud has no compute endpoint.' });
      const { data } = await call(api.nova.GET('/v2.1/servers/{id}', { params: { path: { id } }, signal }));
      return objectOf<NovaServer>(data, 'server', 'server');
    }, signal);
    return found.value;
  }

  async getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot> {
    const { value, projectId, api } = await this.rawSnapshot(id, signal);
    const snapshot = this.snapshotOf(value, projectId, api, new Map(), await this.isLatest(api, value, signal));
    return this.withUserMessage(api, snapshot, signal);
  }

  /** Is this the newest snapshot of its volume (the only one Cinder reverts to)? */
  private async isLatest(api: ProjectApi, s: CinderSnapshot, signal?: AbortSignal): Promise<boolean | undefined> {
    // Only revert needs it, and only for an available snapshot: jobs polling a busy one make no extra request.
    if (!s.volume_id || s.status !== 'available') return undefined;
    try {
      const owner = s['os-extended-snapshot-attributes:project_id'];
      const { data } = await call(api.cinder.GET('/v3/{project_id}/snapshots/detail', { params: { path: { project_id: api.projectId }, query: { ...(owner ? this.only(owner) : {}), volume_id: s.volume_id } as never }, signal }));
      return latestPerVolume(listOf<CinderSnapshot>(data, 'snapshots', 'snapshots').filter((x) => x.volume_id === s.volume_id)).has(s.id);
    } catch {
      return undefined;
    }
  }

  async details(kind: 'volume' | 'snapshot', id: string, signal?: AbortSignal): Promise<ResourceDetails> {
    const now = new Date();
    if (kind === 'volume') {
      const { value: r, projectId, api } = await this.rawVolume(id, signal);
      const volume = await this.withUserMessage(api, this.volumeOf(r, projectId, api, await this.serverName(api, r.attachments?.[0]?.server_id, signal)), signal);
      const owner = volume.projectId ?? projectId;
      const { data } = await call(api.cinder.GET('/v3/{project_id}/snapshots/detail', { params: { path: { project_id: api.projectId }, query: { ...this.only(owner), volume_id: id } as never }, signal }));
      const snapshots = listOf<CinderSnapshot>(data, 'snapshots', 'snapshots').filter((s) => s.volume_id === id)
        .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));
      const rows: TableRow[] = snapshots.map((s) => ({
        cells: [{ ...text(s.name, '(unnamed snapshot)'), open: { kind: 'snapshot', id: s.id } }, { text: formatGiB((s.size ?? 0) * GIB_IN_MIB) }, text(s.status, 'Unknown'), timeValue(s.created_at, now)],
        open: { kind: 'snapshot', id: s.id },
      }));
      const sections: DetailSection[] = [
        ...errorSection(volume.status.category === 'error', volume.errorMessage ?? `Cinder reports ${volume.status.label} and left no message.`),
        {
          type: 'fields', id: 'overview', heading: 'Overview',
          fields: [
            field('Description', longText(r.description, 'No description')),
            field('Type', text(r.volume_type, 'Default')),
            field('Bootable', yesNo(volume.bootable)),
            field('Read-only', yesNo(volume.readOnly)),
            field('Availability zone', text(r.availability_zone)),
            field('Encrypted', yesNo(r.encrypted)),
            field('Multi-attach', yesNo(r.multiattach)),
            ...(r.migration_status ? [field('Migration', text(r.migration_status))] : []),
            ...(r.replication_status && r.replication_status !== 'disabled' ? [field('Replication', text(r.replication_status))] : []),
            field('Project', text(volume.projectName ?? volume.projectId)),
            field('ID', text(r.id)),
          ],
        },
        {
          type: 'fields', id: 'attachment', heading: 'Attachment',
          fields: volume.instanceId
            ? [field('Instance', instanceValue(volume.instanceId, volume.instanceName)), field('Device', text(volume.device, 'Unknown'))]
            : [field('Instance', { text: 'Not attached', muted: true })],
        },
        {
          type: 'fields', id: 'origin', heading: 'Origin',
          fields: [
            field('Source snapshot', r.snapshot_id ? { text: `Snapshot ${r.snapshot_id.slice(0, 8)}`, open: { kind: 'snapshot', id: r.snapshot_id } } : { text: 'Not created from a snapshot', muted: true }),
            ...(r.source_volid ? [field('Source volume', { text: `Volume ${r.source_volid.slice(0, 8)}`, open: { kind: 'volume', id: r.source_volid } })] : []),
            ...(r.volume_image_metadata?.image_name ? [field('Image', text(r.volume_image_metadata.image_name))] : []),
          ],
        },
        ...metadataSection(r.metadata),
        { type: 'table', id: 'snapshots', heading: `Snapshots (${rows.length})`, columns: ['Name', 'Size', 'Status', 'Created'], rows, empty: 'This volume has no snapshots.' },
        { type: 'fields', id: 'timestamps', heading: 'Timestamps', fields: [field('Created', timeValue(r.created_at, now)), field('Modified', timeValue(r.updated_at, now))] },
      ];
      return { resource: volume, sections };
    }
    const { value: s, projectId, api } = await this.rawSnapshot(id, signal);
    let sourceName: string | undefined;
    // Cinder has no `snapshot_id` list filter by default: the project's volumes, checked here.
    const [, restored] = await Promise.all([
      s.volume_id ? this.getVolume(s.volume_id, signal).then((v) => { sourceName = v.name || undefined; }, () => undefined) : undefined,
      this.allVolumes(api, projectId, signal).then((vs) => vs.filter((v) => v.snapshot_id === s.id)),
    ]);
    const restoredRows: TableRow[] = restored.sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '')).map((v) => ({
      cells: [{ ...text(v.name, `Volume ${v.id.slice(0, 8)}`), open: { kind: 'volume', id: v.id } }, { text: formatGiB((v.size ?? 0) * GIB_IN_MIB) }, text(v.status, 'Unknown'), timeValue(v.created_at, now)],
      open: { kind: 'volume', id: v.id },
    }));
    const snapshot = await this.withUserMessage(api, this.snapshotOf(s, projectId, api, new Map(sourceName && s.volume_id ? [[s.volume_id, sourceName]] : []), await this.isLatest(api, s, signal)), signal);
    const sections: DetailSection[] = [
      ...errorSection(snapshot.status.category === 'error', snapshot.errorMessage ?? `Cinder reports ${snapshot.status.label} and left no message.`),
      {
        type: 'fields', id: 'overview', heading: 'Overview',
        fields: [
          field('Description', longText(s.description, 'No description')),
          field('Source volume', s.volume_id
            ? sourceName !== undefined ? { text: sourceName, open: { kind: 'volume', id: s.volume_id } } : { text: `Volume ${s.volume_id.slice(0, 8)} (deleted or not readable)`, muted: true }
            : { text: 'Unknown', muted: true }),
          field('Project', text(snapshot.projectName ?? snapshot.projectId)),
          field('ID', text(s.id)),
        ],
      },
      { type: 'table', id: 'restorations', heading: `Volumes created from it (${restoredRows.length})`, columns: ['Name', 'Size', 'Status', 'Created'], rows: restoredRows, empty: 'No volume was created from this snapshot.' },
      { type: 'fields', id: 'timestamps', heading: 'Timestamps', fields: [field('Created', timeValue(s.created_at, now)), field('Modified', timeValue(s.updated_at, now))] },
    ];
    return { resource: snapshot, sections };
  }

  async listAttachableInstances(volume: Volume, signal?: AbortSignal): Promise<Instance[]> {
    const api = await this.volumeApi(volume);
    // The volume's own project's servers (an admin's view of another project included).
    return (await this.servers(api, openstackOf(volume).projectId ?? api.projectId, signal))
      .filter((s) => s.status === 'ACTIVE' || s.status === 'SHUTOFF')
      .map(toInstance)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async listVolumeTypes(where: Volume | Scope, signal?: AbortSignal): Promise<VolumeType[]> {
    const api = 'kind' in where && (where.kind === 'project' || where.kind === 'organization') ? await this.api(where.id) : await this.volumeApi(where as Volume);
    // Cinder lists only public types to an admin unless asked for all (`is_public=None`), as Horizon's admin panel does.
    const admin = (await this.keystone.token(undefined, false, signal)).roles.includes('admin');
    const { data } = await call(api.cinder.GET('/v3/{project_id}/types', { params: { path: { project_id: api.projectId }, query: (admin ? { is_public: 'None' } : {}) as never }, signal }));
    return listOf<{ id: string; name?: string; description?: string | null }>(data, 'volume_types', 'volume types').map(toVolumeType);
  }

  /** A project to call project-wide endpoints in (the token's own, else the first reachable). */
  private async anyProject(signal?: AbortSignal): Promise<ProjectApi> {
    const token = await this.keystone.token(undefined, false, signal);
    const projectId = token.projectId ?? (await this.projectsToSearch(signal))[0];
    if (!projectId) throw new Error('No project is reachable with these credentials.');
    return this.api(projectId);
  }

  /** Volume types for admins (as openstacksdk's `create_type`): name, extra specs (e.g. `volume_backend_name`). */
  async createVolumeType(input: NewVolumeType, signal?: AbortSignal): Promise<string> {
    const api = await this.anyProject(signal);
    const { data } = await call(api.cinder.POST('/v3/{project_id}/types', {
      params: { path: { project_id: api.projectId } }, signal,
      body: { volume_type: { name: input.name, ...(input.description ? { description: input.description } : {}), ...(input.extraSpecs ? { extra_specs: input.extraSpecs } : {}), ...(input.isPublic === false ? { 'os-volume-type-access:is_public': false } : {}) } } as never,
    }));
    return objectOf<{ id: string }>(data, 'volume_type', 'volume type').id;
  }

  /** As openstacksdk's `delete_type`; Cinder refuses while volumes use the type (its message is shown). */
  async deleteVolumeType(id: string, signal?: AbortSignal): Promise<void> {
    const api = await this.anyProject(signal);
    await call(api.cinder.DELETE('/v3/{project_id}/types/{id}', { params: { path: { project_id: api.projectId, id } }, signal, parseAs: 'text' }));
  }

  /**
   * Cinder's absolute limits of the project (`GET /limits`): storage (`gigabytes`, which counts
   * snapshots too), volumes and snapshots — what the project's own members may read. A project
   * seen as admin through all_tenants is read with `project_id` (3.39+), else it has none here.
   */
  async capacity(where: { scope: Scope } | { volume: Volume } | { snapshot: Snapshot }, signal?: AbortSignal): Promise<Capacity[]> {
    const projectId = 'scope' in where ? where.scope.id : openstackOf('volume' in where ? where.volume : where.snapshot).projectId ?? this.projectOf.get('volume' in where ? where.volume.id : where.snapshot.id);
    if (!projectId) return [];
    const foreign = this.foreign.has(projectId);
    const api = await this.api(projectId);
    if (foreign && !atLeast(api.volumeVersion, 3, 39)) return [];
    const { data } = await call(api.cinder.GET('/v3/{project_id}/limits', {
      params: { path: { project_id: api.projectId }, query: (foreign ? { project_id: projectId } : {}) as never }, signal,
    }));
    const absolute = objectOf<{ absolute?: Record<string, unknown> }>(data, 'limits', 'limits').absolute ?? {};
    const name = this.projectNames.get(projectId);
    return [{ id: projectId, owner: `project ${name ?? projectId}`, snapshotsUseStorage: true, lines: cinderQuotaLines(absolute) }];
  }

  private volumeApi(r: Volume | Snapshot): Promise<ProjectApi> {
    const projectId = openstackOf(r).projectId ?? this.projectOf.get(r.id);
    if (!projectId) throw new Error(`${r.name || 'It'} did not come from this cloud.`);
    return this.api(projectId);
  }

  private async action(volume: Volume, body: Record<string, unknown>): Promise<void> {
    const api = await this.volumeApi(volume);
    await call(api.cinder.POST('/v3/{project_id}/volumes/{id}/action', { params: { path: { project_id: api.projectId, id: volume.id } }, body: body as never, parseAs: 'text' }));
  }

  async attachVolume(volume: Volume, instance: Instance): Promise<void> {
    const api = await this.volumeApi(volume);
    await call(novaOf(api).POST('/v2.1/servers/{server_id}/os-volume_attachments', { params: { path: { server_id: instance.id } }, body: { volumeAttachment: { volumeId: volume.id } } as never }));
  }

  async detachVolume(volume: Volume): Promise<void> {
    const api = await this.volumeApi(volume);
    const serverId = openstackOf(volume).serverId ?? volume.instanceId;
    if (!serverId) throw new Error(`${volume.name || 'The volume'} is not attached.`);
    await call(novaOf(api).DELETE('/v2.1/servers/{server_id}/os-volume_attachments/{id}', { params: { path: { server_id: serverId, id: volume.id } }, parseAs: 'text' }));
  }

  async extendVolume(volume: Volume, newSizeMiB: number): Promise<void> {
    await this.action(volume, { 'os-extend': { new_size: Math.ceil(newSizeMiB / GIB_IN_MIB) } });
  }

  async retypeVolume(volume: Volume, type: VolumeType): Promise<void> {
    // On demand: an attached or differently placed volume may be migrated by Cinder.
    await this.action(volume, { 'os-retype': { new_type: type.name, migration_policy: 'on-demand' } });
  }

  async snapshotVolume(volume: Volume, input: { name: string; description?: string }): Promise<Snapshot> {
    const api = await this.volumeApi(volume);
    const force = volume.runtimeState === 'in-use' && !atLeast(api.volumeVersion, 3, 66);
    const { data } = await call(api.cinder.POST('/v3/{project_id}/snapshots', {
      params: { path: { project_id: api.projectId } },
      body: { snapshot: { volume_id: volume.id, name: input.name, description: input.description ?? '', ...(force ? { force: true } : {}) } } as never,
    }));
    const s = objectOf<CinderSnapshot>(data, 'snapshot', 'snapshot');
    this.projectOf.set(s.id, api.projectId);
    return toSnapshot(s, api.projectId, this.projectNames.get(api.projectId), new Map([[volume.id, volume.name]]), { latest: true, volumeVersion: api.volumeVersion });
  }

  async updateVolume(volume: Volume, changes: VolumeChanges): Promise<Volume> {
    const api = await this.volumeApi(volume);
    if (changes.bootable !== undefined) await this.action(volume, { 'os-set_bootable': { bootable: changes.bootable } });
    // Cinder's read-only flag: later attachments are read-only (`attach_mode` ro); Cinder refuses it while attached.
    if (changes.readOnly !== undefined) await this.action(volume, { 'os-update_readonly_flag': { readonly: changes.readOnly } });
    const fields = { ...(changes.name !== undefined ? { name: changes.name } : {}), ...(changes.description !== undefined ? { description: changes.description } : {}) };
    if (Object.keys(fields).length) {
      await call(api.cinder.PUT('/v3/{project_id}/volumes/{id}', { params: { path: { project_id: api.projectId, id: volume.id } }, body: { volume: fields } as never }));
    }
    return this.getVolume(volume.id);
  }

  async deleteVolume(volume: Volume, options: { cascade?: boolean } = {}): Promise<DeleteOutcome> {
    const api = await this.volumeApi(volume);
    await call(api.cinder.DELETE('/v3/{project_id}/volumes/{id}', {
      params: { path: { project_id: api.projectId, id: volume.id }, query: (options.cascade ? { cascade: true } : {}) as never }, parseAs: 'text',
    }));
    return { kind: 'accepted' };
  }

  /** A new volume in a project, blank or from a snapshot (size in GiB, Cinder's unit); it then moves `creating` → `available`. */
  async createVolume(scope: Scope, input: NewVolume): Promise<Volume> {
    const projectId = scope.id;
    const api = await this.api(projectId);
    const { data } = await call(api.cinder.POST('/v3/{project_id}/volumes', {
      params: { path: { project_id: projectId } },
      body: {
        volume: {
          name: input.name, size: input.sizeGiB, description: input.description ?? '',
          ...(input.typeName ? { volume_type: input.typeName } : {}), ...(input.availabilityZone ? { availability_zone: input.availabilityZone } : {}),
          ...(input.snapshotId ? { snapshot_id: input.snapshotId } : {}),
        },
      } as never,
    }));
    const v = objectOf<CinderVolume>(data, 'volume', 'volume');
    this.projectOf.set(v.id, projectId);
    return toVolume(v, projectId, this.projectNames.get(projectId), new Map(), api.volumeVersion);
  }

  /** Cinder's availability zones that are up (`GET /os-availability-zone`). */
  async listAvailabilityZones(scope: Scope, signal?: AbortSignal): Promise<string[]> {
    const api = await this.api(scope.id);
    const { data } = await call(api.cinder.GET('/v3/{project_id}/os-availability-zone', { params: { path: { project_id: api.projectId } }, signal }));
    return listOf<{ zoneName?: string; zoneState?: { available?: boolean } }>(data, 'availabilityZoneInfo', 'availability zones')
      .filter((z) => z.zoneName && z.zoneState?.available !== false).map((z) => z.zoneName!).sort();
  }

  async restoreSnapshot(snapshot: Snapshot, input: { name: string; description?: string }): Promise<Volume> {
    const api = await this.volumeApi(snapshot);
    const size = snapshot.sizeMiB !== undefined ? Math.ceil(snapshot.sizeMiB / GIB_IN_MIB) : undefined;
    const { data } = await call(api.cinder.POST('/v3/{project_id}/volumes', {
      params: { path: { project_id: api.projectId } },
      body: { volume: { snapshot_id: snapshot.id, name: input.name, description: input.description ?? '', ...(size ? { size } : {}) } } as never,
    }));
    const v = objectOf<CinderVolume>(data, 'volume', 'volume');
    this.projectOf.set(v.id, api.projectId);
    return toVolume(v, api.projectId, this.projectNames.get(api.projectId), new Map(), api.volumeVersion);
  }

  async updateSnapshot(snapshot: Snapshot, changes: { name?: string; description?: string }): Promise<Snapshot> {
    const api = await this.volumeApi(snapshot);
    const { data } = await call(api.cinder.PUT('/v3/{project_id}/snapshots/{id}', {
      params: { path: { project_id: api.projectId, id: snapshot.id } }, body: { snapshot: { ...(changes.name !== undefined ? { name: changes.name } : {}), ...(changes.description !== undefined ? { description: changes.description } : {}) } } as never,
    }));
    return this.snapshotOf(objectOf<CinderSnapshot>(data, 'snapshot', 'snapshot'), api.projectId, api, new Map());
  }

  /** Cinder's revert (3.40+): the volume gets the snapshot's data back, in place; it moves `reverting` → `available`. */
  async revertToSnapshot(snapshot: Snapshot): Promise<void> {
    const api = await this.volumeApi(snapshot);
    if (!snapshot.sourceVolumeId) throw new Error(`${snapshot.name || 'The snapshot'} has no volume to revert.`);
    await call(api.cinder.POST('/v3/{project_id}/volumes/{id}/action', {
      params: { path: { project_id: api.projectId, id: snapshot.sourceVolumeId } }, body: { revert: { snapshot_id: snapshot.id } } as never, parseAs: 'text',
    }));
  }

  async deleteSnapshot(snapshot: Snapshot): Promise<void> {
    const api = await this.volumeApi(snapshot);
    await call(api.cinder.DELETE('/v3/{project_id}/snapshots/{id}', { params: { path: { project_id: api.projectId, id: snapshot.id } }, parseAs: 'text' }));
  }
}

/** The volume's metadata (key = value; Cinder's own `readonly` / `attached_mode` are shown as fields). */
function metadataSection(metadata: Record<string, string> | undefined): DetailSection[] {
  const entries = Object.entries(metadata ?? {}).filter(([k]) => k !== 'readonly' && k !== 'attached_mode').sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return [];
  return [{ type: 'fields', id: 'metadata', heading: `Metadata (${entries.length})`, fields: entries.slice(0, 50).map(([k, v]) => field(k, longText(String(v), ''))) }];
}

/** Cinder's absolute limits as quota lines (GiB → MiB; -1 = no limit); a missing or odd value drops its line. */
export function cinderQuotaLines(absolute: Record<string, unknown>): QuotaLine[] {
  const num = (k: string): number | undefined => {
    const v = absolute[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const out: QuotaLine[] = [];
  const add = (key: string, label: string, unit: QuotaLine['unit'], usedKey: string, maxKey: string): void => {
    const used = num(usedKey);
    const max = num(maxKey);
    if (used === undefined || max === undefined || used < 0) return;
    const k = unit === 'MiB' ? GIB_IN_MIB : 1;
    out.push({ key, label, unit, used: used * k, limit: max < 0 ? undefined : max * k });
  };
  add('storage', 'Storage', 'MiB', 'totalGigabytesUsed', 'maxTotalVolumeGigabytes');
  add('volumes', 'Volumes', 'count', 'totalVolumesUsed', 'maxTotalVolumes');
  add('snapshots', 'Snapshots', 'count', 'totalSnapshotsUsed', 'maxTotalSnapshots');
  return out;
}

/** The newest snapshot of each volume, by creation time. */
function latestPerVolume(snapshots: CinderSnapshot[]): Set<string> {
  const newest = new Map<string, CinderSnapshot>();
  for (const s of snapshots) {
    if (!s.volume_id) continue;
    const seen = newest.get(s.volume_id);
    if (!seen || (s.created_at ?? '') > (seen.created_at ?? '')) newest.set(s.volume_id, s);
  }
  return new Set([...newest.values()].map((s) => s.id));
}
