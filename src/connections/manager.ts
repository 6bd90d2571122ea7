import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Backend } from '../core/backend';
import { ApiError, describeError, describeForLog } from '../core/errors';
import type { Identity } from '../core/model';
import type { Viewer } from '../core/rules';
import { createBackend, type BackendOptions } from '../backends/create';
import { plainText, uiText } from '../util/escape';
import { ConnectionStore, DEMO_ID, hostOf, uniqueLabel, type ConnectionDescriptor, type ConnectionRecord } from './store';

/** How a connection is doing: `connecting` until its user is read, `unauthorized` after a 401. */
export type ConnectionState = 'connecting' | 'ready' | 'unauthorized' | 'offline';

/** A live connection: its saved record, its backend, who we are there, and how it is doing. */
export interface Connection {
  readonly id: string;
  readonly record: ConnectionRecord;
  backend: Backend | undefined;
  identity: Identity | undefined;
  state: ConnectionState;
  /** Why it is unauthorized or offline (shown on its root row). */
  problem?: string;
  /** The URL the backend talks to (for a demo, its loopback address). */
  url: string | undefined;
  /** Set for the embedded demo server, which stops when the connection is removed. */
  demo?: { close(): Promise<void> };
}

/** The embedded sandbox module (dist/sandbox.js), loaded only when the demo is asked for. */
interface SandboxModule {
  startSandbox(options: { port?: number; transitionMs?: number }): Promise<{ url: string; token: string; close(): Promise<void> }>;
}

/**
 * Every connection side by side: restored after a reload, added, renamed, marked read-only,
 * reconnected and removed here, and nowhere else. One connection failing (401, unreachable)
 * changes only that connection. Context keys: `volumeExplorer.connected` (any connection).
 */
export class ConnectionManager implements vscode.Disposable {
  private readonly connections = new Map<string, Connection>();
  readonly store: ConnectionStore;
  private readonly changed = new vscode.EventEmitter<Connection | undefined>();
  /** A connection changed (state, identity, label, read-only), or undefined: the list changed. */
  readonly onDidChange = this.changed.event;
  private readonly removed = new vscode.EventEmitter<string>();
  /** A connection was removed (its panels close, its jobs stop). */
  readonly onDidRemove = this.removed.event;
  private readonly reconnectShown = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new ConnectionStore(context.globalState, context.secrets);
  }

  /** Every connection, in the order they were added. */
  all(): Connection[] {
    return [...this.connections.values()];
  }

  get(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  get count(): number {
    return this.connections.size;
  }

  /**
   * The connection's backend once it has one (a restored connection is still opening, a demo
   * still starting); undefined when it ends without one or after `timeoutMs`.
   */
  waitForBackend(id: string, timeoutMs = 30_000): Promise<Backend | undefined> {
    const now = (): Backend | undefined | null => {
      const c = this.connections.get(id);
      if (!c) return undefined;
      if (c.backend) return c.backend;
      return c.state === 'connecting' ? null : undefined;
    };
    const first = now();
    if (first !== null) return Promise.resolve(first);
    return new Promise((resolve) => {
      const done = (b: Backend | undefined): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve(b);
      };
      const sub = this.changed.event(() => {
        const b = now();
        if (b !== null) done(b);
      });
      const timer = setTimeout(() => done(undefined), timeoutMs);
    });
  }

  /**
   * Builds a backend with the user's settings (timeout, User-Agent, request log without
   * secrets). A 401 on any request of connection `connectionId` marks that connection, wherever
   * the request came from (tree, command, job, panel).
   */
  createBackend(url: string, token: string, connectionId?: string): Promise<Backend> {
    return createBackend({ kind: 'waldur', url }, token, this.backendOptions(connectionId));
  }

  /** Options every backend of this window gets; `connectionId` ties 401s to that connection. */
  backendOptions(connectionId?: string): BackendOptions {
    const timeoutSeconds = vscode.workspace.getConfiguration('volumeExplorer').get<number>('requestTimeoutSeconds', 30);
    return {
      timeoutMs: Math.max(1, timeoutSeconds) * 1000,
      userAgent: `volume-explorer/${this.context.extension.packageJSON.version} vscode/${vscode.version}`,
      onRequestDone: ({ method, url: where, status, ms }) => {
        // Every write the server answered is in the log at info level (accepted or refused); reads at debug.
        const write = method !== 'GET' && method !== 'HEAD';
        const line = `[api] ${method} ${where} → ${status} in ${ms} ms${write ? (status < 300 ? ' (accepted)' : ' (refused)') : ''}`;
        if (!write) this.log.debug(line);
        else if (status < 300) this.log.info(line);
        else this.log.warn(line);
        if (!connectionId) return;
        if (status === 401) this.markUnauthorized(connectionId);
        else if (status < 400) this.markAccepted(connectionId);
      },
      onRetry: ({ method, where, attempt, tries, delayMs, reason }) => {
        // Only reads are retried (src/core/http.ts); the line says so while it waits.
        this.log.warn(`[api] ${method} ${where}: ${reason}; retrying in ${delayMs} ms (try ${attempt} of ${tries})`);
        const host = uiText(where.split('/')[0], 80);
        vscode.window.setStatusBarMessage(`$(sync~spin) Volume Explorer: ${host} — ${uiText(reason, 80)}; retrying (try ${attempt} of ${tries})…`, Math.max(1500, delayMs + 1000));
      },
    };
  }

  /** Restores the saved connections at start-up; each reads who we are in the background. */
  async restore(): Promise<void> {
    await this.store.migrateLegacy();
    for (const record of this.store.list()) {
      const connection: Connection = { id: record.id, record, backend: undefined, identity: undefined, state: 'connecting', url: undefined };
      this.connections.set(record.id, connection);
    }
    await this.updateContext();
    this.changed.fire(undefined);
    // None waits for another: an unreachable server never holds up the rest.
    await Promise.all(this.all().map((c) => this.open(c)));
  }

  private async open(c: Connection): Promise<void> {
    try {
      const d = c.record.descriptor;
      if (d.kind === 'demo') {
        await this.startDemoServer(c);
      } else if (d.kind === 'openstack') {
        // The secret may live in clouds.yaml/secure.yaml; SecretStorage holds it only when it was asked.
        const backend = await createBackend(d, await this.store.secret(c.id), this.backendOptions(c.id));
        c.url = backend.endpoint;
        c.backend = backend;
        if (backend.notice) this.log.info(`[connection] ${plainText(c.record.label, 80)}: ${backend.notice}`);
      } else {
        const token = await this.store.secret(c.id);
        if (!token) {
          this.setState(c, 'unauthorized', 'No token saved — Reconnect');
          return;
        }
        c.url = d.url;
        c.backend = await this.createBackend(d.url, token, c.id);
      }
      this.changed.fire(c);
      void this.readIdentity(c);
    } catch (err) {
      this.log.warn(`[connection] ${c.record.label}: ${describeForLog(err)}`);
      if (err instanceof ApiError && err.isUnauthorized) this.setState(c, 'unauthorized', 'Credentials no longer accepted — Reconnect');
      else this.setState(c, 'offline', describeError(err));
    }
  }

  /**
   * Saves a verified OpenStack connection: the descriptor names the cloud of clouds.yaml; a
   * secret that was asked (not in the files) goes to SecretStorage under the connection's key.
   */
  async addOpenStack(descriptor: Extract<ConnectionDescriptor, { kind: 'openstack' }>, secret: string | undefined, identity: Identity): Promise<Connection> {
    const label = uniqueLabel(descriptor.cloud, this.all().map((c) => c.record.label));
    const record = await this.store.add({ label, descriptor, readOnly: false }, secret);
    const backend = await createBackend(descriptor, secret, this.backendOptions(record.id));
    const connection: Connection = { id: record.id, record, backend, identity, state: 'ready', url: backend.endpoint };
    this.logState(connection, 'ready');
    this.connections.set(record.id, connection);
    await this.updateContext();
    this.changed.fire(undefined);
    return connection;
  }

  private async readIdentity(c: Connection): Promise<void> {
    const backend = c.backend;
    if (!backend) return;
    try {
      const identity = await backend.whoAmI();
      if (c.backend !== backend || !this.connections.has(c.id)) return;
      c.identity = identity;
      this.setState(c, 'ready');
    } catch (err) {
      if (c.backend !== backend) return;
      if (!(err instanceof ApiError && err.isUnauthorized)) {
        // The tree shows its own "Couldn't load" rows; the root says why too.
        this.log.warn(`[connection] could not read the current user of ${c.record.label}: ${describeForLog(err)}`);
        this.setState(c, 'offline', describeError(err));
      }
    }
  }

  private setState(c: Connection, state: ConnectionState, problem?: string): void {
    if (c.state !== state || c.problem !== problem) this.logState(c, state, problem);
    c.state = state;
    c.problem = problem;
    void this.updateContext();
    this.changed.fire(c);
  }

  /** One line per change of a connection's state (never a secret: label, host, user name, the reason). */
  private logState(c: Pick<Connection, 'record' | 'url' | 'identity'>, state: ConnectionState, problem?: string): void {
    const who = `[connection] ${plainText(c.record.label, 80)}`;
    if (state === 'ready') this.log.info(`${who}: connected${c.url ? ` to ${plainText(c.url, 200)}` : ''}${c.identity ? ` as ${plainText(c.identity.username, 80)}` : ''}`);
    else if (state === 'connecting') this.log.info(`${who}: connecting`);
    else this.log.warn(`${who}: ${state}${problem ? ` — ${plainText(problem, 300)}` : ''}`);
  }

  /** Saves a verified Waldur connection (token to SecretStorage under the connection's own key). */
  async addWaldur(url: string, token: string, identity: Identity): Promise<Connection> {
    const label = uniqueLabel(hostOf(url), this.all().map((c) => c.record.label));
    const record = await this.store.add({ label, descriptor: { kind: 'waldur', url }, readOnly: false }, token);
    const backend = await this.createBackend(url, token, record.id);
    const connection: Connection = { id: record.id, record, backend, identity, state: 'ready', url };
    this.logState(connection, 'ready');
    this.connections.set(record.id, connection);
    await this.updateContext();
    this.changed.fire(undefined);
    return connection;
  }

  /** A new token for an existing connection: saved under its key, the backend replaced. */
  async reconnect(id: string, token: string, identity: Identity): Promise<Connection | undefined> {
    const c = this.connections.get(id);
    const d = c?.record.descriptor;
    if (!c || !d || d.kind === 'demo') return undefined;
    await this.store.setSecret(id, token);
    c.backend = d.kind === 'waldur' ? await this.createBackend(d.url, token, id) : await createBackend(d, token, this.backendOptions(id));
    c.identity = identity;
    this.reconnectShown.delete(id);
    this.setState(c, 'ready');
    return c;
  }

  /** Opens a connection again with what it has (an OpenStack cloud whose files hold the secret). */
  async reopen(id: string): Promise<void> {
    const c = this.connections.get(id);
    if (!c) return;
    c.backend = undefined;
    this.reconnectShown.delete(id);
    this.setState(c, 'connecting');
    await this.open(c);
  }

  /** Starts the demo server again (its data starts afresh). */
  async restartDemo(id: string): Promise<void> {
    const c = this.connections.get(id);
    if (!c || c.record.descriptor.kind !== 'demo') return;
    await this.stopDemo(c);
    this.setState(c, 'connecting');
    await this.open(c);
  }

  /** Adds the built-in demo connection (one at a time; a second click reuses the first). */
  startDemo(): Promise<Connection> {
    this.demoStarting ??= this.doStartDemo().finally(() => {
      this.demoStarting = undefined;
    });
    return this.demoStarting;
  }
  private demoStarting: Promise<Connection> | undefined;

  private async doStartDemo(): Promise<Connection> {
    const existing = this.connections.get(DEMO_ID);
    if (existing?.backend) return existing;
    if (existing) {
      await this.restartDemo(DEMO_ID);
      return existing;
    }
    const record: ConnectionRecord = { id: DEMO_ID, label: 'Demo data', descriptor: { kind: 'demo' }, readOnly: false };
    const connection: Connection = { id: DEMO_ID, record, backend: undefined, identity: undefined, state: 'connecting', url: undefined };
    await this.startDemoServer(connection);
    try {
      connection.identity = await connection.backend!.whoAmI();
      connection.state = 'ready';
    } catch (err) {
      await this.stopDemo(connection);
      throw err;
    }
    await this.store.add(record);
    this.connections.set(DEMO_ID, connection);
    await this.updateContext();
    this.changed.fire(undefined);
    return connection;
  }

  private async startDemoServer(c: Connection): Promise<void> {
    const modulePath = path.join(this.context.extensionPath, 'dist', 'sandbox.js');
    // A runtime require keeps the server out of the extension bundle until it is asked for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sandbox = require(modulePath) as SandboxModule;
    const seconds = vscode.workspace.getConfiguration('volumeExplorer').get<number>('demo.transitionSeconds', 2);
    const server = await sandbox.startSandbox({ port: 0, transitionMs: Math.max(0, seconds) * 1000 });
    this.log.info(`[demo] sandbox started at ${server.url}`);
    c.demo = server;
    c.url = server.url;
    c.backend = await this.createBackend(server.url, server.token, c.id);
  }

  private async stopDemo(c: Connection): Promise<void> {
    const demo = c.demo;
    c.demo = undefined;
    c.backend = undefined;
    if (!demo) return;
    await demo.close().catch((err: unknown) => this.log.warn(`[demo] stop failed: ${String(err)}`));
    this.log.info('[demo] sandbox stopped');
  }

  setWebUrl(id: string, webUrl: string): Promise<void> {
    return this.updateRecord(id, { webUrl });
  }

  rename(id: string, label: string): Promise<void> {
    return this.updateRecord(id, { label });
  }

  setReadOnly(id: string, readOnly: boolean): Promise<void> {
    return this.updateRecord(id, { readOnly });
  }

  private async updateRecord(id: string, changes: Partial<Pick<ConnectionRecord, 'label' | 'readOnly' | 'webUrl'>>): Promise<void> {
    const c = this.connections.get(id);
    const record = await this.store.update(id, changes);
    if (!c || !record) return;
    (c as { record: ConnectionRecord }).record = record;
    this.changed.fire(c);
  }

  /** Removes a connection: its secret is deleted, a demo server stops, listeners close its panels and jobs. */
  async remove(id: string): Promise<void> {
    const c = this.connections.get(id);
    if (!c) return;
    this.connections.delete(id);
    this.log.info(`[connection] ${plainText(c.record.label, 80)}: disconnected${c.record.descriptor.kind === 'demo' ? ' (demo stopped)' : '; its saved secret, if any, was removed'}`);
    // Listeners first (panels close, jobs stop, rows go) so nothing offers an action on it meanwhile; then the slow parts.
    this.removed.fire(id);
    this.changed.fire(undefined);
    await this.store.remove(id);
    await this.stopDemo(c);
    await this.updateContext();
  }

  async removeAll(): Promise<void> {
    for (const id of [...this.connections.keys()]) await this.remove(id);
  }

  /**
   * A request of this connection got 401: mark its root ("Token no longer accepted — Reconnect")
   * and offer to reconnect, once at a time. The other connections are untouched.
   */
  markUnauthorized(id: string): void {
    const c = this.connections.get(id);
    if (!c) return;
    if (c.state !== 'unauthorized') this.setState(c, 'unauthorized', c.record.descriptor.kind === 'demo' ? 'The demo server no longer accepts its token — Reconnect' : 'Token no longer accepted — Reconnect');
    void this.offerReconnect(c);
  }

  /** A request of this connection succeeded: a token refused earlier is accepted again (restored server side). */
  private markAccepted(id: string): void {
    const c = this.connections.get(id);
    if (c?.state !== 'unauthorized' || !c.backend) return;
    if (c.identity) this.setState(c, 'ready');
    else void this.readIdentity(c);
  }

  private async offerReconnect(c: Connection): Promise<void> {
    if (this.reconnectShown.has(c.id)) return;
    this.reconnectShown.add(c.id);
    try {
      const where = uiText(c.record.label, 80);
      const choice = await vscode.window.showWarningMessage(`${where} no longer accepts the saved token (HTTP 401). Reconnect with a new token?`, 'Reconnect', 'Disconnect');
      if (choice === 'Reconnect') await vscode.commands.executeCommand('volumeExplorer.reconnect', { connectionId: c.id });
      if (choice === 'Disconnect') await vscode.commands.executeCommand('volumeExplorer.disconnect', { connectionId: c.id });
    } finally {
      this.reconnectShown.delete(c.id);
    }
  }

  /** Who looks at resources of this connection, for the action rules. */
  viewer(id: string): Viewer {
    const c = this.connections.get(id);
    return { isStaff: c?.identity?.isStaff ?? false, readOnly: c?.record.readOnly ?? false, connectionLabel: c ? plainText(c.record.label, 80) : undefined };
  }

  /** The connection's label, for naming it next to a resource when there are several (else ''). */
  labelWhenSeveral(id: string): string {
    return this.connections.size > 1 ? plainText(this.connections.get(id)?.record.label, 80) : '';
  }

  /** `alice @ waldur.example.com` / `alice @ 127.0.0.1:PORT (demo data)`. */
  describe(c: Connection): string {
    const who = plainText(c.identity?.username, 80) || '…';
    const d = c.record.descriptor;
    const host = c.url ? hostOf(c.url) : d.kind === 'waldur' ? hostOf(d.url) : d.kind === 'openstack' ? d.cloud : 'demo';
    return `${who} @ ${host}${c.record.descriptor.kind === 'demo' ? ' (demo data)' : ''}`;
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'volumeExplorer.connected', this.connections.size > 0);
  }

  dispose(): void {
    for (const c of this.connections.values()) void this.stopDemo(c);
    this.changed.dispose();
    this.removed.dispose();
  }
}

export type { ConnectionDescriptor, ConnectionRecord };
