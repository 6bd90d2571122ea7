import { ApiError, describeError } from '../core/errors';
import { DEFAULT_SCHEDULE, formatDuration, nextDelay, type PollSchedule } from './schedule';

/**
 * Long jobs without VS Code: an accepted action becomes a job that reads its resource on a
 * backoff schedule until the resource is stable again (or gone, failed, timed out, cancelled).
 * Resources that are moving without a job (a volume already "Creating" when the tree loaded)
 * are followed by watchers on the same schedule; watchers pause while the view is hidden, jobs
 * do not. Nothing is scheduled when nothing moves.
 */

/** Time source, injected so tests run the schedule with a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type JobState = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'cancelled';

/** What to follow and how to judge it. `R` is the resource as read (a Volume, a Snapshot…). */
export interface JobSpec<R> {
  /** The resource's key (`refKey` of src/core/ref.ts, which is also its tree row id). */
  resourceKey: string;
  /** `extend`, `attach`, `delete`, … — with the key, what makes a job a duplicate. */
  action: string;
  /** `Extending data-01`. */
  title: string;
  /** Reads the resource; undefined (or a thrown 404) means it is gone. */
  read(signal: AbortSignal): Promise<R | undefined>;
  isStable(r: R): boolean;
  /** The error message when the resource ended up failed; checked before {@link isStable}. */
  isFailed(r: R): string | undefined;
  /** `data-01 is now 40 GiB`; called with undefined when the resource is gone and that is success. */
  successMessage(r: R | undefined): string;
  /** `Extend failed` — the failure notification is `<failureTitle>: <error message>`. */
  failureTitle: string;
  /** A delete: the resource disappearing is the success. Otherwise it is a failure. */
  goneIsSuccess?: boolean;
  /** The failure message when the resource disappeared and that is not success. */
  goneMessage?: string;
  /** Every fresh read (push it into the tree). */
  onUpdate?(r: R): void;
  /** Stop following after this long (default: the tracker's, 30 min). */
  timeoutMs?: number;
  /** `Stopped following extend of data-01 after 30 min; it is still Updating on the server`. */
  timeoutMessage?(last: R | undefined, elapsedMs: number): string;
}

/** A job as listeners and the job list see it. */
export interface Job<R = unknown> {
  readonly id: number;
  readonly resourceKey: string;
  readonly action: string;
  readonly title: string;
  readonly state: JobState;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  /** The notification text once ended (success, failure or timeout message). */
  readonly message: string | undefined;
  /** The last resource read. */
  readonly last: R | undefined;
  /** Ended because the resource disappeared. */
  readonly gone: boolean;
  /** Ended because the server no longer accepts the credentials (HTTP 401). */
  readonly unauthorized: boolean;
  readonly reads: number;
  /** Failed reads so far (network blips); polling went on. */
  readonly errors: number;
  readonly lastError: string | undefined;
}

export interface JobEvent {
  type: 'started' | 'updated' | 'ended';
  job: Job;
}

export interface Disposable {
  dispose(): void;
}

/** A job-less moving resource to follow until it is stable (or gone). */
export interface WatchSpec<R> {
  read(signal: AbortSignal): Promise<R | undefined>;
  isStable(r: R): boolean;
  /** Every read, including the final stable one. */
  onUpdate(r: R): void;
  onGone?(): void;
  /** Stop watching after this long (default: the tracker's job timeout): a stuck row is not read forever. */
  timeoutMs?: number;
  onTimeout?(): void;
  /** Keeps reading while the tree view is hidden (a visible detail panel asked for it). */
  keepWhenPaused?: boolean;
}

export type TrackerLog = (level: 'debug' | 'warn' | 'error', message: string) => void;

export interface TrackerOptions {
  clock?: Clock;
  schedule?: PollSchedule;
  /** Default job timeout; 30 min. */
  defaultTimeoutMs?: number;
  /** Ended jobs kept for the job list; 20. */
  keepRecent?: number;
  log?: TrackerLog;
}

interface JobRecord<R> {
  id: number;
  resourceKey: string;
  action: string;
  title: string;
  state: JobState;
  startedAt: number;
  endedAt: number | undefined;
  message: string | undefined;
  last: R | undefined;
  gone: boolean;
  unauthorized: boolean;
  reads: number;
  errors: number;
  lastError: string | undefined;
}

interface RunningJob<R> {
  record: JobRecord<R>;
  spec: JobSpec<R>;
  attempt: number;
  deadline: number;
  timer: unknown;
  abort: AbortController;
}

interface Watcher<R> {
  key: string;
  spec: WatchSpec<R>;
  attempt: number;
  deadline: number;
  timer: unknown;
  inFlight: boolean;
  abort: AbortController;
}

/** A 404 from the API: the resource is gone. */
function isGoneError(err: unknown): boolean {
  return err instanceof ApiError && err.isNotFound;
}

/** Errors that will not go away by reading again: bad credentials, no permission. */
function isFatalError(err: unknown): boolean {
  return err instanceof ApiError && err.kind === 'http' && (err.status === 401 || err.status === 403);
}

function isCancelled(err: unknown): boolean {
  return (err instanceof ApiError && err.kind === 'cancelled') || (err instanceof Error && err.name === 'AbortError');
}

export class JobTracker implements Disposable {
  private readonly clock: Clock;
  private readonly schedule: PollSchedule;
  private readonly defaultTimeoutMs: number;
  private readonly keepRecent: number;
  private readonly log: TrackerLog;
  private readonly running = new Map<number, RunningJob<unknown>>();
  private readonly ended: JobRecord<unknown>[] = [];
  private readonly watchers = new Map<string, Watcher<unknown>>();
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private nextId = 1;
  private isPaused = false;
  private disposed = false;

  constructor(options: TrackerOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.schedule = options.schedule ?? DEFAULT_SCHEDULE;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30 * 60_000;
    this.keepRecent = options.keepRecent ?? 20;
    this.log = options.log ?? (() => undefined);
  }

  // --- events -------------------------------------------------------------------------------

  onDidChange(listener: (e: JobEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(type: JobEvent['type'], job: Job): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ type, job });
      } catch (err) {
        this.log('error', `[jobs] a listener failed on ${type} of job ${job.id}: ${describeError(err)}`);
      }
    }
  }

  // --- jobs ---------------------------------------------------------------------------------

  /**
   * Starts following. An identical job (same resource and action) that is still running is
   * returned instead of a second one; commands should ask {@link isRunning} first and refuse.
   */
  start<R>(spec: JobSpec<R>): Job<R> {
    if (this.disposed) throw new Error('The job tracker was disposed.');
    const existing = this.find(spec.resourceKey, spec.action);
    if (existing) return existing.record as Job<R>;
    // The job reads this resource anyway; a watcher on it would only double the requests.
    this.unwatch(spec.resourceKey);
    const now = this.clock.now();
    const record: JobRecord<R> = {
      id: this.nextId++, resourceKey: spec.resourceKey, action: spec.action, title: spec.title, state: 'running',
      startedAt: now, endedAt: undefined, message: undefined, last: undefined, gone: false, unauthorized: false,
      reads: 0, errors: 0, lastError: undefined,
    };
    const job: RunningJob<R> = {
      record, spec, attempt: 0, deadline: now + Math.max(0, spec.timeoutMs ?? this.defaultTimeoutMs), timer: undefined, abort: new AbortController(),
    };
    this.running.set(record.id, job as RunningJob<unknown>);
    this.log('debug', `[jobs] #${record.id} started: ${spec.title} (${spec.resourceKey}, ${spec.action})`);
    this.emit('started', record);
    this.scheduleJob(job);
    return record;
  }

  /** Is a job running on `resourceKey` (for `action`, or for any action when omitted)? */
  isRunning(resourceKey: string, action?: string): boolean {
    return this.find(resourceKey, action) !== undefined;
  }

  /** The running job on `resourceKey` (for `action`, or any). */
  runningJob(resourceKey: string, action?: string): Job | undefined {
    return this.find(resourceKey, action)?.record;
  }

  private find(resourceKey: string, action?: string): RunningJob<unknown> | undefined {
    for (const job of this.running.values()) {
      if (job.record.resourceKey === resourceKey && (action === undefined || job.record.action === action)) return job;
    }
    return undefined;
  }

  /** Running jobs, oldest first. */
  runningJobs(): Job[] {
    return [...this.running.values()].map((j) => j.record);
  }

  /** Ended jobs, newest first (at most `keepRecent`). */
  recentJobs(): Job[] {
    return [...this.ended];
  }

  get(id: number): Job | undefined {
    return this.running.get(id)?.record ?? this.ended.find((j) => j.id === id);
  }

  /** Stops following a job (the server work goes on); no-op when it already ended. */
  cancel(id: number, message?: string): void {
    const job = this.running.get(id);
    if (job) this.finish(job, 'cancelled', message ?? `Stopped following ${job.record.title}.`);
  }

  cancelAll(message?: string): void {
    for (const id of [...this.running.keys()]) this.cancel(id, message);
  }

  /** Stops following the jobs whose resource key matches (e.g. every job of a removed connection). */
  cancelWhere(matches: (resourceKey: string) => boolean, message?: string): number {
    const ids = [...this.running.values()].filter((j) => matches(j.record.resourceKey)).map((j) => j.record.id);
    ids.forEach((id) => this.cancel(id, message));
    return ids.length;
  }

  private scheduleJob<R>(job: RunningJob<R>): void {
    if (job.record.state !== 'running') return;
    const now = this.clock.now();
    const delay = Math.max(0, Math.min(nextDelay(job.attempt, this.schedule), job.deadline - now));
    job.timer = this.clock.setTimeout(() => void this.pollJob(job), delay);
  }

  private async pollJob<R>(job: RunningJob<R>): Promise<void> {
    job.timer = undefined;
    const { record, spec } = job;
    if (record.state !== 'running') return;
    if (this.clock.now() >= job.deadline) {
      const elapsed = this.clock.now() - record.startedAt;
      const message = spec.timeoutMessage?.(record.last, elapsed) ?? `Stopped following ${spec.title} after ${formatDuration(elapsed)}; it is still running on the server.`;
      this.finish(job, 'timed-out', message);
      return;
    }
    job.attempt++;
    let resource: R | undefined;
    try {
      resource = await spec.read(job.abort.signal);
    } catch (err) {
      if (record.state !== 'running') return;
      if (isGoneError(err)) {
        resource = undefined;
      } else if (isFatalError(err)) {
        record.unauthorized = err instanceof ApiError && err.isUnauthorized;
        record.lastError = describeError(err);
        this.finish(job, 'failed', `Stopped following ${spec.title}: ${describeError(err)}`);
        return;
      } else {
        record.errors++;
        record.lastError = describeError(err);
        if (!isCancelled(err)) this.log('warn', `[jobs] #${record.id} read ${job.attempt} of ${spec.resourceKey} failed (${record.errors} so far), retrying: ${describeError(err)}`);
        this.emit('updated', record);
        this.scheduleJob(job);
        return;
      }
    }
    if (record.state !== 'running') return;
    record.reads++;
    if (resource === undefined) {
      record.gone = true;
      if (spec.goneIsSuccess) this.finish(job, 'succeeded', this.safe(() => spec.successMessage(undefined), `${spec.title}: done.`));
      else this.finish(job, 'failed', `${spec.failureTitle}: ${spec.goneMessage ?? 'it no longer exists on the server'}`);
      return;
    }
    record.last = resource;
    record.lastError = undefined;
    if (spec.onUpdate) this.safe(() => spec.onUpdate!(resource as R), undefined);
    const failure = this.safe(() => spec.isFailed(resource as R), undefined);
    if (failure !== undefined) {
      this.finish(job, 'failed', `${spec.failureTitle}: ${failure}`);
      return;
    }
    if (this.safe(() => spec.isStable(resource as R), false)) {
      this.finish(job, 'succeeded', this.safe(() => spec.successMessage(resource), `${spec.title}: done.`));
      return;
    }
    this.emit('updated', record);
    this.scheduleJob(job);
  }

  private finish<R>(job: RunningJob<R>, state: Exclude<JobState, 'running'>, message: string): void {
    const { record } = job;
    if (record.state !== 'running') return;
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    job.timer = undefined;
    job.abort.abort();
    record.state = state;
    record.endedAt = this.clock.now();
    record.message = message;
    this.running.delete(record.id);
    this.ended.unshift(record as JobRecord<unknown>);
    this.ended.splice(this.keepRecent);
    this.log(state === 'succeeded' || state === 'cancelled' ? 'debug' : 'warn', `[jobs] #${record.id} ${state}: ${message}`);
    this.emit('ended', record);
  }

  /** Runs spec code (which may throw) without breaking the tracker. */
  private safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.log('error', `[jobs] job callback failed: ${describeError(err)}`);
      return fallback;
    }
  }

  // --- watchers -----------------------------------------------------------------------------

  /**
   * Follows a moving resource that has no job until it is stable or gone. Watching a key again
   * replaces the callbacks but keeps the schedule; a key with a running job is not watched (the
   * job reads it already). Returns whether it is watched.
   */
  watch<R>(key: string, spec: WatchSpec<R>): boolean {
    if (this.disposed || this.isRunning(key)) return false;
    const existing = this.watchers.get(key);
    if (existing) {
      existing.spec = spec as WatchSpec<unknown>;
      this.scheduleWatcher(existing);
      return true;
    }
    const deadline = this.clock.now() + Math.max(0, spec.timeoutMs ?? this.defaultTimeoutMs);
    const watcher: Watcher<R> = { key, spec, attempt: 0, deadline, timer: undefined, inFlight: false, abort: new AbortController() };
    this.watchers.set(key, watcher as Watcher<unknown>);
    this.scheduleWatcher(watcher);
    return true;
  }

  unwatch(key: string): void {
    const watcher = this.watchers.get(key);
    if (!watcher) return;
    this.watchers.delete(key);
    if (watcher.timer !== undefined) this.clock.clearTimeout(watcher.timer);
    watcher.timer = undefined;
    watcher.abort.abort();
  }

  unwatchAll(): void {
    for (const key of [...this.watchers.keys()]) this.unwatch(key);
  }

  unwatchWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.watchers.keys()]) if (matches(key)) this.unwatch(key);
  }

  isWatching(key: string): boolean {
    return this.watchers.has(key);
  }

  watchedKeys(): string[] {
    return [...this.watchers.keys()];
  }

  /** The view is hidden: watchers stop reading (jobs go on). */
  pause(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    for (const watcher of this.watchers.values()) {
      if (watcher.spec.keepWhenPaused) continue;
      if (watcher.timer !== undefined) this.clock.clearTimeout(watcher.timer);
      watcher.timer = undefined;
    }
  }

  /** The view is visible again: watchers restart from the first (short) delay. */
  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    for (const watcher of this.watchers.values()) {
      if (watcher.spec.keepWhenPaused) continue;
      watcher.attempt = 0;
      this.scheduleWatcher(watcher);
    }
  }

  get paused(): boolean {
    return this.isPaused;
  }

  private scheduleWatcher<R>(watcher: Watcher<R>): void {
    if ((this.isPaused && !watcher.spec.keepWhenPaused) || watcher.inFlight || watcher.timer !== undefined || this.watchers.get(watcher.key) !== watcher) return;
    const delay = Math.max(0, Math.min(nextDelay(watcher.attempt, this.schedule), watcher.deadline - this.clock.now()));
    watcher.timer = this.clock.setTimeout(() => void this.pollWatcher(watcher), delay);
  }

  private async pollWatcher<R>(watcher: Watcher<R>): Promise<void> {
    watcher.timer = undefined;
    if (this.watchers.get(watcher.key) !== watcher || (this.isPaused && !watcher.spec.keepWhenPaused)) return;
    if (this.clock.now() >= watcher.deadline) {
      this.log('debug', `[jobs] stopped watching ${watcher.key}: still moving after ${formatDuration(this.clock.now() - (watcher.deadline - (watcher.spec.timeoutMs ?? this.defaultTimeoutMs)))}`);
      this.unwatch(watcher.key);
      if (watcher.spec.onTimeout) this.safe(() => watcher.spec.onTimeout!(), undefined);
      return;
    }
    watcher.attempt++;
    watcher.inFlight = true;
    let resource: R | undefined;
    try {
      resource = await watcher.spec.read(watcher.abort.signal);
    } catch (err) {
      watcher.inFlight = false;
      if (this.watchers.get(watcher.key) !== watcher) return;
      if (isGoneError(err)) {
        resource = undefined;
      } else if (isFatalError(err)) {
        this.log('warn', `[jobs] stopped watching ${watcher.key}: ${describeError(err)}`);
        this.unwatch(watcher.key);
        return;
      } else {
        if (!isCancelled(err)) this.log('warn', `[jobs] reading ${watcher.key} failed, retrying: ${describeError(err)}`);
        this.scheduleWatcher(watcher);
        return;
      }
    }
    watcher.inFlight = false;
    if (this.watchers.get(watcher.key) !== watcher) return;
    if (resource === undefined) {
      this.unwatch(watcher.key);
      if (watcher.spec.onGone) this.safe(() => watcher.spec.onGone!(), undefined);
      return;
    }
    this.safe(() => watcher.spec.onUpdate(resource as R), undefined);
    if (this.safe(() => watcher.spec.isStable(resource as R), false)) {
      this.unwatch(watcher.key);
      return;
    }
    this.scheduleWatcher(watcher);
  }

  // --- lifecycle ----------------------------------------------------------------------------

  dispose(): void {
    if (this.disposed) return;
    this.cancelAll('The extension stopped.');
    this.unwatchAll();
    this.listeners.clear();
    this.disposed = true;
  }
}
