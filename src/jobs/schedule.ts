/**
 * How often a moving resource is read: about 2.5 s first, then ×1.5 per attempt, never more
 * than 30 s apart. Pure, so tests (and a different cadence for the demo) can swap it.
 */
export interface PollSchedule {
  /** Delay before the first read, in ms. */
  readonly initialMs: number;
  /** Growth per attempt (1 = constant). */
  readonly factor: number;
  /** Cap, in ms. */
  readonly maxMs: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { initialMs: 2500, factor: 1.5, maxMs: 30_000 };

/** Delay before read number `attempt` (0-based): 2500, 3750, 5625, … capped at 30000. */
export function nextDelay(attempt: number, schedule: PollSchedule = DEFAULT_SCHEDULE): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const raw = schedule.initialMs * Math.pow(Math.max(1, schedule.factor), n);
  return Math.round(Math.min(schedule.maxMs, Math.max(0, raw)));
}

/** "45 s", "3 min", "1 h 5 min" — for elapsed times in the job list and timeout messages. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}
