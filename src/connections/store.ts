/**
 * The saved connections: their descriptors, labels and read-only flags in global state, each
 * secret in SecretStorage under that connection's own key. vscode-free (a Memento and
 * SecretStorage fit the two small interfaces), so it is unit-tested in plain Node.
 */
import type { BackendDescriptor } from '../core/backend';
import { isConnectionId } from '../core/ref';

/** A Waldur server, or the built-in demo server (started on demand; no secret kept). */
export type ConnectionDescriptor = BackendDescriptor | { kind: 'demo' };

export interface ConnectionRecord {
  id: string;
  label: string;
  descriptor: ConnectionDescriptor;
  readOnly: boolean;
  /** The web console (HomePort, Horizon) Open in Browser uses; asked once (prefilled with a guess), then kept. */
  webUrl?: string;
}

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface SecretStore {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

export const CONNECTIONS_KEY = 'volumeExplorer.connections';
/** The single connection of 0.1.0 (URL in global state, token keyed by URL), migrated on first load. */
const LEGACY_URL_KEY = 'volumeExplorer.url';
const legacyTokenKey = (url: string): string => `volumeExplorer.token:${url}`;

export const secretKey = (connectionId: string): string => `volumeExplorer.connection.${connectionId}.secret`;
export const DEMO_ID = 'demo';

function isRecord(value: unknown): value is ConnectionRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<ConnectionRecord>;
  const d = r.descriptor as Partial<BackendDescriptor> | { kind?: string } | undefined;
  const descriptorOk = d?.kind === 'demo' || (d?.kind === 'waldur' && typeof (d as { url?: unknown }).url === 'string')
    || (d?.kind === 'openstack' && typeof (d as { cloud?: unknown }).cloud === 'string' && ['string', 'undefined'].includes(typeof (d as { cloudsYaml?: unknown }).cloudsYaml));
  return isConnectionId(r.id) && typeof r.label === 'string' && typeof r.readOnly === 'boolean' && descriptorOk && ['string', 'undefined'].includes(typeof r.webUrl);
}

export class ConnectionStore {
  constructor(
    private readonly state: KeyValueStore,
    private readonly secrets: SecretStore,
    private readonly newId: () => string = () => `c-${Math.random().toString(36).slice(2, 10)}`,
  ) {}

  /** Saved connections in the order they were added; unreadable entries are dropped. */
  list(): ConnectionRecord[] {
    const raw = this.state.get<unknown[]>(CONNECTIONS_KEY);
    return Array.isArray(raw) ? raw.filter(isRecord).map((r) => ({ ...r })) : [];
  }

  get(id: string): ConnectionRecord | undefined {
    return this.list().find((r) => r.id === id);
  }

  /** Moves a 0.1.0 connection (one URL + its token) into the list, once. */
  async migrateLegacy(): Promise<void> {
    const url = this.state.get<string>(LEGACY_URL_KEY);
    if (!url) return;
    const token = await this.secrets.get(legacyTokenKey(url));
    if (token) await this.add({ label: hostOf(url), descriptor: { kind: 'waldur', url }, readOnly: false }, token);
    await this.secrets.delete(legacyTokenKey(url));
    await this.state.update(LEGACY_URL_KEY, undefined);
  }

  /** Saves a new connection (and its secret, if any); returns it with its id. */
  async add(record: Omit<ConnectionRecord, 'id'> & { id?: string }, secret?: string): Promise<ConnectionRecord> {
    const list = this.list();
    let id = record.id ?? this.newId();
    while (list.some((r) => r.id === id) && !record.id) id = this.newId();
    const saved: ConnectionRecord = { id, label: record.label, descriptor: record.descriptor, readOnly: record.readOnly };
    if (secret !== undefined) await this.secrets.store(secretKey(id), secret);
    await this.state.update(CONNECTIONS_KEY, [...list.filter((r) => r.id !== id), saved]);
    return saved;
  }

  async update(id: string, changes: Partial<Pick<ConnectionRecord, 'label' | 'readOnly' | 'webUrl'>>): Promise<ConnectionRecord | undefined> {
    const list = this.list();
    const found = list.find((r) => r.id === id);
    if (!found) return undefined;
    Object.assign(found, changes);
    await this.state.update(CONNECTIONS_KEY, list);
    return found;
  }

  /** Removes a connection and deletes its secret. */
  async remove(id: string): Promise<void> {
    await this.secrets.delete(secretKey(id));
    await this.state.update(CONNECTIONS_KEY, this.list().filter((r) => r.id !== id));
  }

  secret(id: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(secretKey(id)));
  }

  async setSecret(id: string, secret: string): Promise<void> {
    await this.secrets.store(secretKey(id), secret);
  }
}

/** `waldur.example.com` from a URL, or the text itself. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A label not used yet: `waldur.example.com`, then `waldur.example.com (2)`, … */
export function uniqueLabel(wanted: string, taken: readonly string[]): string {
  if (!taken.includes(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.includes(`${wanted} (${n})`)) return `${wanted} (${n})`;
}
