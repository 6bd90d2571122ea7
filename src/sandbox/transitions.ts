/**
 * Asynchronous state transitions of sandbox resources: the timers that move a volume or snapshot
 * through "Update Scheduled" → "Updating" → "OK"/"Erred", and removal of records (which also
 * cancels whatever is pending for them).
 */
import type { Factory } from './factory';
import { storeMayChange } from './listing';
import { fakeTraceback, marketplaceState } from './records';
import type { OrderRecord, SnapshotRecord, StateDisplay, Store, VolumeRecord } from './types';

/** A failure is simulated for any resource whose name contains this word. */
const FAIL_WORD = 'fail';
export const fails = (...names: Array<string | undefined>) => names.some((n) => n?.toLowerCase().includes(FAIL_WORD));

export class Transitions {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new WeakMap<object, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly factory: Factory,
    private readonly opts: { transitionMs: number },
  ) {}

  /** Stops all pending transitions. */
  dispose(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * The usual Waldur update cycle: "Update Scheduled" now, "Updating" (with a transitional
   * runtime state) after one step, then "OK" with `apply()` done, or "Erred" when the resource
   * name contains "fail".
   */
  transition(
    resource: VolumeRecord | SnapshotRecord,
    action: string,
    spec: { during: string; errorRuntime: string; errorMessage?: string; apply?: () => void; scheduled?: StateDisplay },
  ): void {
    const failed = fails(resource.name);
    const finalRuntime = resource.runtime_state;
    setState(resource, spec.scheduled ?? 'Update Scheduled', resource.runtime_state, this.factory);
    resource.action = action;
    this.schedule(resource, [
      () => setState(resource, 'Updating', spec.during, this.factory),
      () => {
        if (failed) {
          const message = spec.errorMessage ?? `Failed to ${action} ${resource.name}: the OpenStack API answered 500 Internal Server Error.`;
          fail(resource, spec.errorRuntime, message, `${action}_volume`, this.factory);
          return;
        }
        resource.runtime_state = finalRuntime;
        spec.apply?.();
        resource.error_message = '';
        resource.error_traceback = '';
        setState(resource, 'OK', resource.runtime_state, this.factory);
        resource.action = '';
      },
    ]);
  }

  /** Runs `steps` one per `transitionMs`; stops if the resource (or order) is gone or a new cycle replaced it. */
  schedule(resource: VolumeRecord | SnapshotRecord | OrderRecord, steps: Array<() => void>): void {
    this.cancel(resource);
    const run = (i: number) => {
      const step = steps[i];
      if (!step || this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.pending.delete(resource);
        if (!this.exists(resource)) return;
        step();
        storeMayChange();
        run(i + 1);
      }, this.opts.transitionMs);
      timer.unref();
      this.timers.add(timer);
      this.pending.set(resource, timer);
    };
    run(0);
  }

  cancel(resource: object): void {
    const timer = this.pending.get(resource);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.pending.delete(resource);
    }
  }

  private exists(resource: VolumeRecord | SnapshotRecord | OrderRecord): boolean {
    return (this.store.volumes as object[]).includes(resource) || (this.store.snapshots as object[]).includes(resource) || (this.store.orders as object[]).includes(resource);
  }

  removeVolume(volume: VolumeRecord): void {
    this.cancel(volume);
    this.store.volumes = this.store.volumes.filter((v) => v !== volume);
    this.store.restorations = this.store.restorations.filter((r) => r._volume_uuid !== volume.uuid);
    for (const s of this.store.snapshots) {
      if (s._source_volume_uuid === volume.uuid) {
        s.source_volume = null;
        s.source_volume_marketplace_uuid = undefined;
      }
    }
  }

  removeSnapshot(snapshot: SnapshotRecord): void {
    this.cancel(snapshot);
    this.store.snapshots = this.store.snapshots.filter((s) => s !== snapshot);
    this.store.restorations = this.store.restorations.filter((r) => r._snapshot_uuid !== snapshot.uuid);
  }
}

export function setState(resource: VolumeRecord | SnapshotRecord, state: StateDisplay, runtime: string, factory: Factory): void {
  resource.state = state;
  resource.runtime_state = runtime;
  resource.modified = factory.now();
  if (resource.marketplace_resource_uuid) resource.marketplace_resource_state = marketplaceState(state);
}

export function fail(resource: VolumeRecord | SnapshotRecord, runtime: string, message: string, method: string, factory: Factory): void {
  setState(resource, 'Erred', runtime, factory);
  resource.error_message = message;
  resource.error_traceback = fakeTraceback(method, message);
  resource.action = '';
}
