/**
 * Legacy mode: a cloud whose catalog has no block-storage endpoint for its region and interface,
 * but has compute, reaches its volumes through Nova's deprecated os-volumes and os-snapshots
 * proxy (Nova calls Cinder itself). The proxy answers at compute microversions 2.1–2.35 and 404
 * from 2.36 on, so 2.1 is always sent. It lists, shows, creates and deletes volumes and snapshots
 * (a volume from a snapshot too); attach and detach go through `/servers/{id}/os-volume_attachments`
 * as usual. It has no update and no actions, so no extend, retype, edit or revert, and it passes
 * on no bootable flag and no error reason.
 *
 * Its records are camelCase (`displayName`, `availabilityZone`, `attachments[].serverId`), sizes
 * in GiB, and an unattached volume has `attachments: [{}]`; they are put into Cinder's words and
 * mapped by records.ts, so both backends' models agree.
 */
import type { Backend, NewVolume, ResourceDetails } from '../../core/backend';
import type { Capabilities, SnapshotAction, VolumeAction } from '../../core/capabilities';
import { errorSection, field, longText, text, timeValue, type DetailSection } from '../../core/details';
import { ApiError, Refusal } from '../../core/errors';
import type { FetchOptions } from '../../core/http';
import type { DeleteOutcome, Identity, Instance, Scope, Snapshot, Volume, VolumeType } from '../../core/model';
import type { RawKind } from '../../core/raw';
import { matchesFilter, type VolumeFilter } from '../../core/filter';
import type { CopyOptions, CopyTarget } from '../../core/copy-as';
import { webPage } from '../../core/web';
import type { BackendRules } from '../../core/rules';
import { checkedListing, PagesDidNotAddUp } from '../../core/listing';
import { allServers, call, computeApi, listOf, objectOf, parseMicroversion, records, type ComputeApi, type Microversion } from './api';
import type { CloudConfig } from './clouds';
import { COMPUTE_TYPES, Keystone } from './keystone';
import {
  GIB_IN_MIB, openstackOf, toInstance, toSnapshot, toVolume,
  type CinderSnapshot, type CinderVolume, type NovaServer,
} from './records';
import { OPENSTACK_RULES } from './rules';
import { attachmentSection, snapshotsSection, sourceSnapshotField, sourceVolumeField } from './sections';

/** A volume as the proxy words it (`GET /os-volumes/detail`, `/os-volumes/{id}`, `POST /os-volumes`). */
export interface ProxyVolume {
  id: string;
  status?: string;
  /** GiB. */
  size?: number;
  availabilityZone?: string | null;
  createdAt?: string;
  /** `[{}]` when unattached; else `{id, volumeId, serverId, device}` each. */
  attachments?: Array<{ id?: string; volumeId?: string; serverId?: string; device?: string | null }>;
  displayName?: string | null;
  displayDescription?: string | null;
  volumeType?: string | null;
  snapshotId?: string | null;
  metadata?: Record<string, string>;
}

/** A snapshot as the proxy words it (`GET /os-snapshots/detail`, `/os-snapshots/{id}`, `POST /os-snapshots`). */
export interface ProxySnapshot {
  id: string;
  volumeId?: string;
  status?: string;
  /** GiB. */
  size?: number;
  createdAt?: string;
  displayName?: string | null;
  displayDescription?: string | null;
}

/** A proxy volume in Cinder's words (no project attribute: the project asked is its project). */
export function cinderVolumeOf(r: ProxyVolume): CinderVolume {
  return {
    id: r.id, name: r.displayName, description: r.displayDescription, size: r.size, status: r.status,
    volume_type: r.volumeType, availability_zone: r.availabilityZone, snapshot_id: r.snapshotId, created_at: r.createdAt, metadata: r.metadata,
    attachments: (Array.isArray(r.attachments) ? r.attachments : [])
      .filter((a) => a && typeof a.serverId === 'string' && a.serverId)
      .map((a) => ({ server_id: a.serverId, device: a.device ?? undefined })),
  };
}

export function cinderSnapshotOf(r: ProxySnapshot): CinderSnapshot {
  return { id: r.id, name: r.displayName, description: r.displayDescription, size: r.size, status: r.status, volume_id: r.volumeId, created_at: r.createdAt };
}

/** A proxy volume → the neutral model (as a Cinder volume of `projectId`). */
export function fromProxyVolume(r: ProxyVolume, projectId: string, projectName: string | undefined, serverNames: ReadonlyMap<string, string>): Volume {
  return toVolume(cinderVolumeOf(r), projectId, projectName, serverNames);
}

export function fromProxySnapshot(r: ProxySnapshot, projectId: string, projectName: string | undefined, volumeNames: ReadonlyMap<string, string>): Snapshot {
  return toSnapshot(cinderSnapshotOf(r), projectId, projectName, volumeNames);
}

/** What the proxy offers: the Cinder actions it has a route for. */
export const LEGACY_CAPABILITIES: Capabilities = {
  displayName: 'OpenStack (legacy mode)',
  volumeActions: ['attach', 'detach', 'snapshot', 'delete'],
  snapshotActions: ['restore', 'delete'],
  scopeLevels: [{ kind: 'project', singular: 'project', plural: 'projects', icon: 'project' }],
  deleteVolume: 'accepted',
  editable: { volume: [], snapshot: [] },
  anyStatusActions: [],
  createVolume: true,
  createFromSnapshot: true,
};

const PROXY_VOLUME_ACTIONS: ReadonlySet<VolumeAction> = new Set(LEGACY_CAPABILITIES.volumeActions);
const PROXY_SNAPSHOT_ACTIONS: ReadonlySet<SnapshotAction> = new Set(LEGACY_CAPABILITIES.snapshotActions);
const noRoute = (action: string): string => `Nova's os-volumes proxy has no "${action}" (legacy mode: this cloud's catalog has no block-storage endpoint).`;

/**
 * The statuses are Cinder's (the proxy reports them as they are, and Cinder decides), so the
 * actions the proxy has follow OpenStack's rules; an in-use volume's snapshot is sent with
 * `force`, which the proxy takes at every microversion.
 */
export const LEGACY_RULES: BackendRules = {
  volumeBlocker: (action, v, viewer) => (PROXY_VOLUME_ACTIONS.has(action) ? OPENSTACK_RULES.volumeBlocker(action, v, viewer) : noRoute(action)),
  snapshotBlocker: (action, s, viewer) => (PROXY_SNAPSHOT_ACTIONS.has(action) ? OPENSTACK_RULES.snapshotBlocker(action, s, viewer) : noRoute(action)),
};

/** The only microversion sent: the proxy is gone from 2.36 on. */
export const PROXY_MICROVERSION: Microversion = [2, 1];
/** Nova's words for a path it has no route for at the microversion asked (an id that is gone reads "Volume <id> could not be found."). */
const NO_ROUTE_MESSAGE = 'The resource could not be found.';
/** Nova caps a page at `[api] max_limit`, 1000 by default; each proxy page is cut from one full Cinder listing. */
const PAGE = 1000;
const nameCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Collection = '/v2.1/os-volumes' | '/v2.1/os-snapshots';
type Answer<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/** The proxy is gone: a 404 that is about the route, not about a volume or snapshot. */
function proxyGone(err: ApiError, servedVersion: string | null): ApiError {
  const served = parseMicroversion(servedVersion?.replace(/^\s*compute\s+/i, ''));
  const at = served ? ` at compute microversion ${served.join('.')}` : '';
  return new ApiError({
    kind: 'bad-response', status: 404, method: err.method, path: err.path, detail: err.detail, cause: err,
    message: `Nova answered 404 for ${err.path && err.path !== '/' ? err.path : 'its os-volumes proxy'}${at}: its os-volumes proxy is gone from compute microversion 2.36 on, so this cloud's volumes cannot be reached without a block-storage endpoint in its catalog.`,
  });
}

/**
 * A cloud of clouds.yaml without a block-storage endpoint: Keystone for tokens and projects
 * (each project its own token, as {@link OpenStackBackend}), Nova's proxy for volumes and snapshots.
 */
export class NovaVolumesBackend implements Backend {
  readonly kind = 'openstack' as const;
  readonly capabilities = LEGACY_CAPABILITIES;
  readonly rules = LEGACY_RULES;
  readonly endpoint: string;
  readonly notice: string;
  private readonly keystone: Keystone;
  private readonly apis = new Map<string, Promise<ComputeApi>>();
  private readonly projectNames = new Map<string, string>();
  /** Which project a volume or snapshot id belongs to (the proxy lists one project's). */
  private readonly projectOf = new Map<string, string>();
  private readonly pageSize: number;

  /** `keystone`: one already signed in (createBackend's, so the cloud is not asked twice). */
  constructor(readonly cloud: CloudConfig, secret: string | undefined, private readonly http: FetchOptions & { userAgent?: string; paging?: { pageSize?: number } } = {}, keystone?: Keystone) {
    this.keystone = keystone ?? new Keystone(cloud, secret, http);
    this.endpoint = this.keystone.authUrl;
    this.pageSize = Math.max(1, Math.min(PAGE, http.paging?.pageSize ?? PAGE));
    const where = cloud.regionName ? `in ${cloud.regionName}` : `for the ${cloud.interface} interface`;
    this.notice = `Legacy mode: this cloud's catalog has no block-storage endpoint ${where}, so volumes go through Nova's deprecated os-volumes proxy — list, create, attach, detach, snapshot, restore and delete only.`;
  }

  /** Authenticates once and checks the catalog has compute (a wrong password fails here, not at the first row). */
  async connect(signal?: AbortSignal): Promise<void> {
    this.keystone.endpoint(await this.keystone.token(undefined, false, signal), COMPUTE_TYPES);
  }

  private api(projectId: string): Promise<ComputeApi> {
    let api = this.apis.get(projectId);
    if (!api) {
      api = computeApi(this.keystone, projectId, PROXY_MICROVERSION, this.http);
      this.apis.set(projectId, api);
      api.catch(() => {
        if (this.apis.get(projectId) === api) this.apis.delete(projectId);
      });
    }
    return api;
  }

  /**
   * A proxy call, its 404s sorted out: on a listing, or a 404 in Nova's words for a missing route
   * that a one-row listing confirms, the proxy itself is gone (a clear error, not a not-found);
   * "Volume <id> could not be found." stays an ordinary not-found, so jobs see a deletion.
   */
  private async proxy<T>(api: ComputeApi, collection: Collection, answer: Answer<T>, listing = false): Promise<{ data: T; response: Response }> {
    let served: string | null = null;
    try {
      return await call(answer.then((r) => {
        served = r.response.headers.get('OpenStack-API-Version');
        return r;
      }));
    } catch (err) {
      if (!(err instanceof ApiError && err.isNotFound)) throw err;
      if (listing) throw proxyGone(err, served);
      const aboutTheRoute = err.detail === undefined || err.detail === NO_ROUTE_MESSAGE || !/could not be found/i.test(err.detail);
      if (aboutTheRoute && (await this.routeMissing(api, collection))) throw proxyGone(err, served);
      throw err;
    }
  }

  private async routeMissing(api: ComputeApi, collection: Collection): Promise<boolean> {
    try {
      const { response } = await api.nova.GET(collection, { params: { query: { limit: 1 } } });
      return response.status === 404;
    } catch {
      return false;
    }
  }

  async whoAmI(signal?: AbortSignal): Promise<Identity> {
    const token = await this.keystone.token(undefined, false, signal);
    return { username: token.userName ?? this.cloud.auth.username ?? '', fullName: token.userName ?? '', isStaff: token.roles.includes('admin') };
  }

  async listScopes(parent?: Scope, signal?: AbortSignal): Promise<Scope[]> {
    if (parent) return [];
    const projects = await this.keystone.projects(signal);
    for (const p of projects) this.projectNames.set(p.id, p.name);
    return projects.map((p) => ({ id: p.id, kind: 'project' as const, name: p.name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async projectIds(signal?: AbortSignal): Promise<string[]> {
    if (!this.projectNames.size) await this.listScopes(undefined, signal);
    return [...this.projectNames.keys()];
  }

  /**
   * Every record of a proxy listing, by `limit` and `offset` (the proxy has no marker and no
   * sort). A page shorter than asked is the last; an id seen twice (a volume created while the
   * pages were read shifts the offsets) fails the listing rather than show it twice.
   */
  private async everyPage<T extends { id: string }>(
    api: ComputeApi, collection: Collection, read: (query: { limit: number; offset: number }) => Answer<unknown>, key: 'volumes' | 'snapshots',
  ): Promise<T[]> {
    return checkedListing(async () => {
      const all: T[] = [];
      const seen = new Set<string>();
      for (let offset = 0; ;) {
        const { data } = await this.proxy(api, collection, read({ limit: this.pageSize, offset }), true);
        const page = records<T>(listOf<T>(data, key, key), key);
        if (page.length > this.pageSize) throw new PagesDidNotAddUp(`Nova's page at offset ${offset} had ${page.length} ${key}, more than the ${this.pageSize} asked for`);
        for (const r of page) {
          if (seen.has(r.id)) throw new PagesDidNotAddUp(`Nova's page at offset ${offset} repeated one of the ${key} of an earlier page`);
          seen.add(r.id);
        }
        all.push(...page);
        if (page.length < this.pageSize) return all;
        offset += page.length;
      }
    }, key);
  }

  private proxyVolumes(api: ComputeApi, signal?: AbortSignal): Promise<ProxyVolume[]> {
    return this.everyPage<ProxyVolume>(api, '/v2.1/os-volumes', (query) => api.nova.GET('/v2.1/os-volumes/detail', { params: { query }, signal }), 'volumes');
  }

  private proxySnapshots(api: ComputeApi, signal?: AbortSignal): Promise<ProxySnapshot[]> {
    return this.everyPage<ProxySnapshot>(api, '/v2.1/os-snapshots', (query) => api.nova.GET('/v2.1/os-snapshots/detail', { params: { query }, signal }), 'snapshots');
  }

  /** The project's servers, following Nova's `next` links by `marker`. */
  private async servers(api: ComputeApi, signal?: AbortSignal): Promise<NovaServer[]> {
    return allServers(api.nova, {}, signal);
  }

  private async serverNames(api: ComputeApi, serverId?: string, signal?: AbortSignal): Promise<Map<string, string>> {
    try {
      if (!serverId) return new Map((await this.servers(api, signal)).map((s) => [s.id, s.name ?? s.id]));
      const { data } = await call(api.nova.GET('/v2.1/servers/{id}', { params: { path: { id: serverId } }, signal }));
      const s = objectOf<NovaServer>(data, 'server', 'server');
      return new Map([[s.id, s.name ?? s.id]]);
    } catch {
      // Names only: the volume still shows with its server's id.
      return new Map();
    }
  }

  /** The proxy filters nothing: every row is checked here. */
  async listVolumes(scope?: Scope, signal?: AbortSignal, filter?: VolumeFilter): Promise<Volume[]> {
    const projects = scope ? [scope.id] : await this.projectIds(signal);
    const lists = await Promise.all(projects.map(async (projectId) => {
      const api = await this.api(projectId);
      const [records, names] = await Promise.all([this.proxyVolumes(api, signal), this.serverNames(api, undefined, signal)]);
      return records.map((r) => {
        this.projectOf.set(r.id, projectId);
        return fromProxyVolume(r, projectId, this.projectNames.get(projectId), names);
      });
    }));
    return lists.flat().filter((v) => matchesFilter(v, filter)).sort((a, b) => nameCollator.compare(a.name, b.name));
  }

  async listSnapshots(volumeId?: string, signal?: AbortSignal, scope?: Scope): Promise<Snapshot[]> {
    const known = scope?.id ?? (volumeId ? this.projectOf.get(volumeId) : undefined);
    const projects = known ? [known] : await this.projectIds(signal);
    const lists = await Promise.all(projects.map(async (projectId) => {
      // The proxy filters by nothing: the volume's snapshots are picked from the project's.
      const records = (await this.proxySnapshots(await this.api(projectId), signal)).filter((s) => !volumeId || s.volumeId === volumeId);
      return records.map((s) => {
        this.projectOf.set(s.id, projectId);
        return fromProxySnapshot(s, projectId, this.projectNames.get(projectId), new Map());
      });
    }));
    return lists.flat().sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Reads a resource from its project, or from each project until one has it. */
  private async locate<T>(id: string, read: (api: ComputeApi) => Promise<T>, signal?: AbortSignal): Promise<{ value: T; api: ComputeApi }> {
    const known = this.projectOf.get(id);
    let notFound: unknown;
    for (const projectId of known ? [known] : await this.projectIds(signal)) {
      const api = await this.api(projectId);
      try {
        const value = await read(api);
        this.projectOf.set(id, projectId);
        return { value, api };
      } catch (err) {
        if (!(err instanceof ApiError && err.isNotFound)) throw err;
        notFound = err;
      }
    }
    throw notFound ?? new ApiError({ kind: 'http', status: 404, message: 'Not found' });
  }

  private rawVolume(id: string, signal?: AbortSignal): Promise<{ value: ProxyVolume; api: ComputeApi }> {
    return this.locate(id, async (api) => {
      const { data } = await this.proxy(api, '/v2.1/os-volumes', api.nova.GET('/v2.1/os-volumes/{id}', { params: { path: { id } }, signal }));
      return objectOf<ProxyVolume>(data, 'volume', 'volume');
    }, signal);
  }

  private rawSnapshot(id: string, signal?: AbortSignal): Promise<{ value: ProxySnapshot; api: ComputeApi }> {
    return this.locate(id, async (api) => {
      const { data } = await this.proxy(api, '/v2.1/os-snapshots', api.nova.GET('/v2.1/os-snapshots/{id}', { params: { path: { id } }, signal }));
      return objectOf<ProxySnapshot>(data, 'snapshot', 'snapshot');
    }, signal);
  }

  private async volumeOf(value: ProxyVolume, api: ComputeApi, signal?: AbortSignal): Promise<Volume> {
    const serverId = cinderVolumeOf(value).attachments?.[0]?.server_id;
    const names = serverId ? await this.serverNames(api, serverId, signal) : new Map<string, string>();
    return fromProxyVolume(value, api.projectId, this.projectNames.get(api.projectId), names);
  }

  async getVolume(id: string, signal?: AbortSignal): Promise<Volume> {
    const { value, api } = await this.rawVolume(id, signal);
    return this.volumeOf(value, api, signal);
  }

  /** The CLI, Cinder's API and Terraform's blockstorage resources all need the block-storage endpoint this cloud lacks. */
  async copyTarget(): Promise<{ target: CopyTarget; options: CopyOptions }> {
    throw new Refusal('This cloud has no block-storage endpoint (legacy mode): the openstack CLI\'s volume commands, Cinder\'s API and Terraform\'s blockstorage resources all need one, so there is nothing to copy that would work.');
  }

  /** Horizon's pages are the same whichever API reaches the volumes. */
  async webPageOf(kind: 'volume' | 'snapshot', resource: Volume | Snapshot, base: string): Promise<string> {
    return webPage(base, 'project', kind === 'volume' ? 'volumes' : 'snapshots', resource.id);
  }

  async raw(kind: RawKind, id: string, signal?: AbortSignal): Promise<unknown> {
    if (kind === 'volume') return (await this.rawVolume(id, signal)).value;
    if (kind === 'snapshot') return (await this.rawSnapshot(id, signal)).value;
    return (await this.locate(id, async (api) => {
      const { data } = await call(api.nova.GET('/v2.1/servers/{id}', { params: { path: { id } }, signal }));
      return objectOf<NovaServer>(data, 'server', 'server');
    }, signal)).value;
  }

  async getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot> {
    const { value, api } = await this.rawSnapshot(id, signal);
    return fromProxySnapshot(value, api.projectId, this.projectNames.get(api.projectId), new Map());
  }

  async details(kind: 'volume' | 'snapshot', id: string, signal?: AbortSignal): Promise<ResourceDetails> {
    return kind === 'volume' ? this.volumeDetails(id, signal) : this.snapshotDetails(id, signal);
  }

  private async volumeDetails(id: string, signal?: AbortSignal): Promise<ResourceDetails> {
    const now = new Date();
    const { value: r, api } = await this.rawVolume(id, signal);
    const [volume, snapshots] = await Promise.all([this.volumeOf(r, api, signal), this.proxySnapshots(api, signal)]);
    const sections: DetailSection[] = [
      ...errorSection(volume.status.category === 'error', `Cinder reports ${volume.status.label}; Nova's os-volumes proxy passes on no reason.`),
      {
        type: 'fields', id: 'overview', heading: 'Overview',
        fields: [
          field('Description', longText(r.displayDescription, 'No description')),
          field('Type', text(r.volumeType, 'Default')),
          field('Availability zone', text(r.availabilityZone)),
          field('Project', text(this.projectNames.get(api.projectId) ?? api.projectId)),
          field('Reached through', text("Nova's os-volumes proxy (legacy mode)")),
          field('ID', text(r.id)),
        ],
      },
      attachmentSection(volume),
      { type: 'fields', id: 'origin', heading: 'Origin', fields: [sourceSnapshotField(r.snapshotId)] },
      snapshotsSection(snapshots.filter((s) => s.volumeId === id).map((s) => fromProxySnapshot(s, api.projectId, undefined, new Map())), now),
      { type: 'fields', id: 'timestamps', heading: 'Timestamps', fields: [field('Created', timeValue(r.createdAt, now))] },
    ];
    return { resource: volume, sections };
  }

  private async snapshotDetails(id: string, signal?: AbortSignal): Promise<ResourceDetails> {
    const now = new Date();
    const { value: s, api } = await this.rawSnapshot(id, signal);
    const sourceName = s.volumeId ? await this.getVolume(s.volumeId, signal).then((v) => v.name || undefined, () => undefined) : undefined;
    const snapshot = fromProxySnapshot(s, api.projectId, this.projectNames.get(api.projectId), new Map(sourceName && s.volumeId ? [[s.volumeId, sourceName]] : []));
    const sections: DetailSection[] = [
      ...errorSection(snapshot.status.category === 'error', `Cinder reports ${snapshot.status.label}; Nova's os-volumes proxy passes on no reason.`),
      {
        type: 'fields', id: 'overview', heading: 'Overview',
        fields: [
          field('Description', longText(s.displayDescription, 'No description')),
          sourceVolumeField(s.volumeId, sourceName),
          field('Project', text(this.projectNames.get(api.projectId) ?? api.projectId)),
          field('ID', text(s.id)),
        ],
      },
      { type: 'fields', id: 'timestamps', heading: 'Timestamps', fields: [field('Created', timeValue(s.createdAt, now))] },
    ];
    return { resource: snapshot, sections };
  }

  private resourceApi(r: Volume | Snapshot): Promise<ComputeApi> {
    const projectId = openstackOf(r).projectId ?? this.projectOf.get(r.id);
    if (!projectId) throw new Error(`${r.name || 'It'} did not come from this cloud.`);
    return this.api(projectId);
  }

  async listAttachableInstances(volume: Volume, signal?: AbortSignal): Promise<Instance[]> {
    return (await this.servers(await this.resourceApi(volume), signal))
      .filter((s) => s.status === 'ACTIVE' || s.status === 'SHUTOFF')
      .map(toInstance)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Nova has no list of volume types: the types the project's volumes use (and the volume's
   * own), so Create Volume can offer a type known to exist besides the default.
   */
  async listVolumeTypes(where: Volume | Scope, signal?: AbortSignal): Promise<VolumeType[]> {
    const volume = 'kind' in where ? undefined : where;
    const api = volume ? await this.resourceApi(volume) : await this.api(where.id);
    const names = new Set((await this.proxyVolumes(api, signal)).map((v) => v.volumeType).filter((t): t is string => typeof t === 'string' && t !== ''));
    if (volume?.typeName) names.add(volume.typeName);
    return [...names].sort().map((name) => ({ id: name, name, description: 'in use in this project (Nova cannot list volume types)' }));
  }

  async attachVolume(volume: Volume, instance: Instance): Promise<void> {
    const api = await this.resourceApi(volume);
    await call(api.nova.POST('/v2.1/servers/{server_id}/os-volume_attachments', { params: { path: { server_id: instance.id } }, body: { volumeAttachment: { volumeId: volume.id } } }));
  }

  async detachVolume(volume: Volume): Promise<void> {
    const api = await this.resourceApi(volume);
    const serverId = openstackOf(volume).serverId ?? volume.instanceId;
    if (!serverId) throw new Error(`${volume.name || 'The volume'} is not attached.`);
    await call(api.nova.DELETE('/v2.1/servers/{server_id}/os-volume_attachments/{id}', { params: { path: { server_id: serverId, id: volume.id } }, parseAs: 'text' }));
  }

  /** In-use: sent with `force` (Cinder refuses a plain snapshot of an attached volume at the version Nova speaks to it). */
  async snapshotVolume(volume: Volume, input: { name: string; description?: string }): Promise<Snapshot> {
    const api = await this.resourceApi(volume);
    const { data } = await this.proxy(api, '/v2.1/os-snapshots', api.nova.POST('/v2.1/os-snapshots', {
      body: { snapshot: { volume_id: volume.id, display_name: input.name, ...(input.description ? { display_description: input.description } : {}), ...(volume.runtimeState === 'in-use' ? { force: true } : {}) } },
    }));
    const s = objectOf<ProxySnapshot>(data, 'snapshot', 'snapshot');
    this.projectOf.set(s.id, api.projectId);
    return fromProxySnapshot(s, api.projectId, this.projectNames.get(api.projectId), new Map([[volume.id, volume.name]]));
  }

  async deleteVolume(volume: Volume): Promise<DeleteOutcome> {
    const api = await this.resourceApi(volume);
    await this.proxy(api, '/v2.1/os-volumes', api.nova.DELETE('/v2.1/os-volumes/{id}', { params: { path: { id: volume.id } }, parseAs: 'text' }));
    return { kind: 'accepted' };
  }

  async deleteSnapshot(snapshot: Snapshot): Promise<void> {
    const api = await this.resourceApi(snapshot);
    await this.proxy(api, '/v2.1/os-snapshots', api.nova.DELETE('/v2.1/os-snapshots/{id}', { params: { path: { id: snapshot.id } }, parseAs: 'text' }));
  }

  /** A new volume through the proxy, blank or from a snapshot (Nova answers 200 with it `creating`). */
  async createVolume(scope: Scope, input: NewVolume): Promise<Volume> {
    return this.newVolume(await this.api(scope.id), input);
  }

  private async newVolume(api: ComputeApi, input: NewVolume): Promise<Volume> {
    const { data } = await this.proxy(api, '/v2.1/os-volumes', api.nova.POST('/v2.1/os-volumes', {
      body: {
        volume: {
          size: input.sizeGiB, display_name: input.name,
          ...(input.description ? { display_description: input.description } : {}),
          ...(input.typeName ? { volume_type: input.typeName } : {}),
          ...(input.availabilityZone ? { availability_zone: input.availabilityZone } : {}),
          ...(input.snapshotId ? { snapshot_id: input.snapshotId } : {}),
        },
      },
    }));
    const v = objectOf<ProxyVolume>(data, 'volume', 'volume');
    this.projectOf.set(v.id, api.projectId);
    return fromProxyVolume(v, api.projectId, this.projectNames.get(api.projectId), new Map());
  }

  /** `POST /os-volumes` with `snapshot_id`; the proxy needs the size, the snapshot's. */
  async restoreSnapshot(snapshot: Snapshot, input: { name: string; description?: string }): Promise<Volume> {
    const api = await this.resourceApi(snapshot);
    const sizeMiB = snapshot.sizeMiB ?? (await this.getSnapshot(snapshot.id)).sizeMiB;
    if (sizeMiB === undefined) throw new Error(`Nova did not say how large ${snapshot.name || 'the snapshot'} is, so no volume can be made of it.`);
    return this.newVolume(api, { name: input.name, description: input.description, sizeGiB: Math.ceil(sizeMiB / GIB_IN_MIB), snapshotId: snapshot.id });
  }

  // The proxy has no update and no volume actions; the capabilities leave these out, so they are never offered.
  extendVolume(): Promise<void> {
    return Promise.reject(new Refusal(noRoute('extend')));
  }

  retypeVolume(): Promise<void> {
    return Promise.reject(new Refusal(noRoute('retype')));
  }

  updateVolume(): Promise<Volume> {
    return Promise.reject(new Refusal(noRoute('edit')));
  }

  updateSnapshot(): Promise<Snapshot> {
    return Promise.reject(new Refusal(noRoute('edit')));
  }
}
