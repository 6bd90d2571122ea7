/**
 * Keystone v3 for one cloud of clouds.yaml: a token from `POST /v3/auth/tokens` (password,
 * application credential or token), the service catalog → endpoints for the region and
 * interface, the projects the user can reach (`GET /v3/auth/projects`), one project-scoped
 * token per project, re-authentication before a token expires and once after a 401.
 * The secret is kept in this object only; it is never logged or put into an error.
 */
import createClient, { type Client } from 'openapi-fetch';
import { ApiError } from '../../core/errors';
import { timedFetch, unwrap, type FetchOptions } from '../../core/http';
import type { CloudConfig } from './clouds';
import { parseOpenStackError } from './errors';
import type { components, paths } from './identity.gen';
import { cloudFetch } from './tls';

type AuthRequest = NonNullable<components['schemas']['AuthTokensPostRequest']['auth']>;
type TokenBody = NonNullable<components['schemas']['AuthTokensPostResponse']['token']>;

export interface CatalogEndpoint { url: string; interface: string; region?: string }
export interface CatalogService { type: string; name?: string; endpoints: CatalogEndpoint[] }

/** A token and what came with it. */
export interface Token {
  id: string;
  expiresAt: number;
  projectId?: string;
  projectName?: string;
  userId?: string;
  userName?: string;
  roles: string[];
  catalog: CatalogService[];
}

export interface KeystoneProject { id: string; name: string; domainId?: string; enabled: boolean }

/** Re-authenticate this long before a token expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Catalog types of the block-storage service, in the order the SDK looks for them. */
export const BLOCK_STORAGE_TYPES = ['block-storage', 'volumev3', 'volume'];
export const COMPUTE_TYPES = ['compute'];

export class Keystone {
  private readonly client: Client<paths>;
  private readonly tokens = new Map<string, Promise<Token>>();
  readonly authUrl: string;
  /**
   * The transport of every request of this cloud — Keystone's here, Cinder's and Nova's in
   * api.ts — with its `cacert` / `verify: false` applied (tls.ts); an injected `http.fetch` is used as is.
   */
  readonly fetch: (request: Request) => Promise<Response>;

  constructor(readonly cloud: CloudConfig, private readonly secret: string | undefined, http: FetchOptions & { userAgent?: string } = {}, private readonly now: () => number = Date.now) {
    this.authUrl = cloud.auth.auth_url.replace(/\/+$/, '');
    this.fetch = cloudFetch(cloud, http.fetch);
    // Generated paths start with /v3: the base is the auth URL without its version.
    const base = this.authUrl.replace(/\/v3$/, '');
    this.client = createClient<paths>({ baseUrl: base, fetch: timedFetch({ ...http, fetch: this.fetch }) });
    this.client.use({
      onRequest: ({ request }) => {
        request.headers.set('Accept', 'application/json');
        request.headers.set('User-Agent', http.userAgent ?? 'volume-explorer');
        return request;
      },
    });
  }

  /** The body that proves who we are, scoped to `projectId` (or to the configured project). */
  private authBody(projectId?: string): { auth: AuthRequest } {
    const a = this.cloud.auth;
    const domain = (name?: string, id?: string) => (id ? { id } : name ? { name } : undefined);
    if (this.cloud.authType === 'v3applicationcredential') {
      const secret = this.secret ?? a.application_credential_secret;
      if (!secret) throw new ApiError({ kind: 'http', status: 401, message: 'The application credential secret is missing.' });
      const user = a.application_credential_id ? undefined : { name: a.username, id: a.user_id, domain: domain(a.user_domain_name, a.user_domain_id) };
      // An application credential carries its own project: no scope may be asked for.
      return { auth: { identity: { methods: ['application_credential'], application_credential: { id: a.application_credential_id, name: a.application_credential_name, secret, ...(user ? { user } : {}) } } } };
    }
    const scope = projectId
      ? { project: { id: projectId } }
      : a.project_id ? { project: { id: a.project_id } }
        : a.project_name ? { project: { name: a.project_name, domain: domain(a.project_domain_name ?? a.domain_name, a.project_domain_id ?? a.domain_id) } } : undefined;
    if (this.cloud.authType === 'token') {
      const token = this.secret ?? a.token;
      if (!token) throw new ApiError({ kind: 'http', status: 401, message: 'The token is missing.' });
      return { auth: { identity: { methods: ['token'], token: { id: token } }, ...(scope ? { scope } : {}) } };
    }
    const password = this.secret ?? a.password;
    if (!password) throw new ApiError({ kind: 'http', status: 401, message: 'The password is missing.' });
    const user = a.user_id ? { id: a.user_id, password } : { name: a.username, password, domain: domain(a.user_domain_name ?? a.domain_name, a.user_domain_id ?? a.domain_id) };
    return { auth: { identity: { methods: ['password'], password: { user } }, ...(scope ? { scope } : {}) } };
  }

  private async issue(projectId: string | undefined, signal?: AbortSignal): Promise<Token> {
    const { data, response } = await unwrap(this.client.POST('/v3/auth/tokens', { body: this.authBody(projectId), signal }), parseOpenStackError);
    const id = response.headers.get('X-Subject-Token');
    const t = (data as { token?: TokenBody }).token;
    if (!id || !t) throw new ApiError({ kind: 'bad-response', message: `${new URL(this.authUrl).host} answered without a token (no X-Subject-Token header).` });
    const expires = Date.parse(t.expires_at ?? '');
    return {
      id,
      expiresAt: Number.isFinite(expires) ? expires : this.now() + 60 * 60_000,
      projectId: t.project?.id, projectName: t.project?.name, userId: t.user?.id, userName: t.user?.name,
      roles: (t.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
      catalog: (t.catalog ?? []).map((s) => ({
        type: s.type ?? '', name: s.name,
        endpoints: (s.endpoints ?? []).filter((e) => e.url).map((e) => ({ url: e.url!, interface: e.interface ?? 'public', region: e.region ?? (e as { region_id?: string }).region_id })),
      })),
    };
  }

  /**
   * A token scoped to `projectId` (the configured project when omitted), from the cache unless
   * it expires within five minutes or `fresh` asks for a new one (after a 401).
   */
  token(projectId?: string, fresh = false, signal?: AbortSignal): Promise<Token> {
    const key = this.cloud.authType === 'v3applicationcredential' ? '' : projectId ?? '';
    const cached = this.tokens.get(key);
    if (cached && !fresh) {
      return cached.then((t) => (t.expiresAt - this.now() > EXPIRY_MARGIN_MS ? t : this.token(projectId, true, signal)), () => this.token(projectId, true, signal));
    }
    const issued = this.issue(this.cloud.authType === 'v3applicationcredential' ? undefined : projectId, signal);
    this.tokens.set(key, issued);
    issued.catch(() => {
      if (this.tokens.get(key) === issued) this.tokens.delete(key);
    });
    return issued;
  }

  /** The projects the user can reach; an application credential reaches its own project only. */
  async projects(signal?: AbortSignal): Promise<KeystoneProject[]> {
    const token = await this.token(undefined, false, signal);
    if (this.cloud.authType !== 'v3applicationcredential') {
      const { data } = await unwrap(this.client.GET('/v3/auth/projects', { headers: { 'X-Auth-Token': token.id }, signal }), parseOpenStackError);
      const list = (data as { projects?: Array<{ id?: string; name?: string; domain_id?: string; enabled?: boolean }> }).projects;
      if (!Array.isArray(list)) throw new ApiError({ kind: 'bad-response', message: 'Keystone listed the projects in an unexpected shape.' });
      return list.filter((p) => p.id && p.enabled !== false).map((p) => ({ id: p.id!, name: p.name ?? p.id!, domainId: p.domain_id, enabled: true }));
    }
    return token.projectId ? [{ id: token.projectId, name: token.projectName ?? token.projectId, enabled: true }] : [];
  }

  /**
   * Every project of the cloud (`GET /v3/projects`), which Keystone answers for admins only; for
   * anyone else it refuses (403) and the caller keeps to {@link projects}.
   */
  async allProjects(signal?: AbortSignal): Promise<KeystoneProject[]> {
    const token = await this.token(undefined, false, signal);
    const { data } = await unwrap(this.client.GET('/v3/projects', { headers: { 'X-Auth-Token': token.id }, params: { query: { enabled: true } as never }, signal }), parseOpenStackError);
    const list = (data as { projects?: Array<{ id?: string; name?: string; domain_id?: string; enabled?: boolean; is_domain?: boolean }> }).projects;
    if (!Array.isArray(list)) throw new ApiError({ kind: 'bad-response', message: 'Keystone listed the projects in an unexpected shape.' });
    return list.filter((p) => p.id && p.enabled !== false && !p.is_domain).map((p) => ({ id: p.id!, name: p.name ?? p.id!, domainId: p.domain_id, enabled: true }));
  }

  /** The endpoint of a service for the cloud's region and interface, from a token's catalog. */
  endpoint(token: Token, types: readonly string[]): string {
    const wanted = this.cloud.interface;
    for (const type of types) {
      const service = token.catalog.find((s) => s.type === type);
      if (!service) continue;
      const found = service.endpoints.find((e) => e.interface.replace(/URL$/, '') === wanted && (!this.cloud.regionName || e.region === this.cloud.regionName));
      if (found) return found.url.replace(/\/+$/, '');
    }
    const where = `${this.cloud.regionName ? `region ${this.cloud.regionName}, ` : ''}interface ${wanted}`;
    throw new ApiError({ kind: 'bad-response', message: `The catalog of ${this.cloud.name} has no ${types[0]} endpoint for ${where}.` });
  }
}
