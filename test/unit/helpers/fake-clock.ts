import type { Clock } from '../../../src/jobs/tracker';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** Lets pending promise callbacks (async reads) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A manual clock for the job tracker: timers fire only in {@link advance}, in due order, with
 * async work settled between them. `delays` records every requested delay.
 */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private nextId = 1;
  private timers: Timer[] = [];
  readonly delays: number[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.time + ms, fn };
    this.timers.push(timer);
    this.delays.push(ms);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Delay until the next timer, or undefined when none. */
  nextIn(): number | undefined {
    if (!this.timers.length) return undefined;
    return Math.min(...this.timers.map((t) => t.due)) - this.time;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling async work after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.due;
      next.fn();
      await flush();
    }
    this.time = target;
  }

  /** Fires the next timer (however far away) and settles. */
  async runNext(): Promise<void> {
    const inMs = this.nextIn();
    if (inMs !== undefined) await this.advance(inMs);
  }
}
