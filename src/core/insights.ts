/**
 * Storage hygiene: findings computed from the lists the tree already has (no request of its
 * own) — volumes unattached for long, snapshots whose volume is gone, snapshots past their
 * keep-until or simply old, resources in error, resources stuck in a transitional state — and
 * the plan of a clean-up (what will be deleted, never anything in use, never more than chosen).
 * Pure: the clock is passed in.
 */
import { MIB_PER_GIB, isAttached, type Resource, type Snapshot, type Volume } from './model';

export type FindingKind = 'unattached' | 'orphan-snapshot' | 'expired-snapshot' | 'old-snapshot' | 'error' | 'stuck';

export interface Finding {
  kind: FindingKind;
  resourceKind: 'volume' | 'snapshot';
  resource: Resource;
  /** "unattached for 41 days", "its volume is gone", "kept until 2026-11-01 (31 days ago)". */
  reason: string;
  /** Size counted in totals (MiB). */
  sizeMiB: number;
  /** Only unattached volumes and snapshots are ever offered for deletion. */
  deletable: boolean;
}

export interface InsightSettings {
  /** A volume not attached for longer than this is a finding. */
  unattachedDays: number;
  /** A snapshot older than this is a finding (0: off). */
  snapshotAgeDays: number;
  /** A resource in a transitional state for longer than this is stuck. */
  stuckMinutes: number;
}

export const DEFAULT_INSIGHTS: InsightSettings = { unattachedDays: 30, snapshotAgeDays: 180, stuckMinutes: 60 };

const DAY_MS = 86_400_000;

const ageMs = (iso: string | undefined, now: Date): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? now.getTime() - t : undefined;
};

const days = (ms: number): string => {
  const d = Math.floor(ms / DAY_MS);
  return d === 1 ? '1 day' : `${d} days`;
};

/** How long something has been stuck: `90 min`, `8 h`, `3 days`. */
const stuckFor = (ms: number): string => (ms >= DAY_MS ? days(ms) : ms >= 120 * 60_000 ? `${Math.floor(ms / 3_600_000)} h` : `${Math.floor(ms / 60_000)} min`);

/**
 * The findings of one project's volumes and snapshots (both lists complete). The last status
 * change (`modified`, Cinder's `updated_at`) stands for "since when unattached": neither backend
 * keeps an attachment history in its lists.
 */
export function findInsights(volumes: readonly Volume[], snapshots: readonly Snapshot[], now: Date, settings: InsightSettings = DEFAULT_INSIGHTS): Finding[] {
  const out: Finding[] = [];
  const volumeIds = new Set(volumes.map((v) => v.id));
  for (const v of volumes) {
    const since = ageMs(v.modified ?? v.created, now);
    if (v.status.category === 'error') {
      out.push({ kind: 'error', resourceKind: 'volume', resource: v, reason: `in error (${v.status.label || v.runtimeState})`, sizeMiB: v.sizeMiB ?? 0, deletable: !isAttached(v) });
    } else if (v.status.category === 'busy') {
      if (since !== undefined && since > settings.stuckMinutes * 60_000) {
        out.push({ kind: 'stuck', resourceKind: 'volume', resource: v, reason: `${v.status.label || v.runtimeState} for ${stuckFor(since)}`, sizeMiB: v.sizeMiB ?? 0, deletable: false });
      }
    } else if (!isAttached(v) && v.runtimeState === 'available' && since !== undefined && since > settings.unattachedDays * DAY_MS) {
      out.push({ kind: 'unattached', resourceKind: 'volume', resource: v, reason: `unattached for ${days(since)}`, sizeMiB: v.sizeMiB ?? 0, deletable: true });
    }
  }
  for (const s of snapshots) {
    const size = s.sizeMiB ?? 0;
    const busy = s.status.category === 'busy';
    if (s.status.category === 'error') {
      out.push({ kind: 'error', resourceKind: 'snapshot', resource: s, reason: `in error (${s.status.label || s.runtimeState})`, sizeMiB: size, deletable: true });
      continue;
    }
    if (busy) {
      const since = ageMs(s.modified ?? s.created, now);
      if (since !== undefined && since > settings.stuckMinutes * 60_000) {
        out.push({ kind: 'stuck', resourceKind: 'snapshot', resource: s, reason: `${s.status.label || s.runtimeState} for ${stuckFor(since)}`, sizeMiB: size, deletable: false });
      }
      continue;
    }
    if (!s.sourceVolumeId || !volumeIds.has(s.sourceVolumeId)) {
      out.push({ kind: 'orphan-snapshot', resourceKind: 'snapshot', resource: s, reason: 'its volume is gone', sizeMiB: size, deletable: true });
      continue;
    }
    const pastKeep = ageMs(s.keptUntil, now);
    if (pastKeep !== undefined && pastKeep > 0) {
      out.push({ kind: 'expired-snapshot', resourceKind: 'snapshot', resource: s, reason: `kept until ${s.keptUntil!.slice(0, 10)} (${days(pastKeep)} ago)`, sizeMiB: size, deletable: true });
      continue;
    }
    const age = ageMs(s.created, now);
    if (settings.snapshotAgeDays > 0 && age !== undefined && age > settings.snapshotAgeDays * DAY_MS) {
      out.push({ kind: 'old-snapshot', resourceKind: 'snapshot', resource: s, reason: `${days(age)} old`, sizeMiB: size, deletable: true });
    }
  }
  return out;
}

/** "12 unattached volumes, 3.4 TiB". */
export function describeTotal(findings: readonly Finding[], kind: FindingKind): string {
  const mine = findings.filter((f) => f.kind === kind);
  const noun: Record<FindingKind, [string, string]> = {
    unattached: ['unattached volume', 'unattached volumes'],
    'orphan-snapshot': ['snapshot of a deleted volume', 'snapshots of deleted volumes'],
    'expired-snapshot': ['snapshot past its keep-until', 'snapshots past their keep-until'],
    'old-snapshot': ['old snapshot', 'old snapshots'],
    error: ['resource in error', 'resources in error'],
    stuck: ['stuck resource', 'stuck resources'],
  };
  return `${mine.length} ${noun[kind][mine.length === 1 ? 0 : 1]}, ${formatSize(mine.reduce((n, f) => n + f.sizeMiB, 0))}`;
}

/** MiB in the largest whole-ish unit: `512 GiB`, `3.4 TiB`. */
export function formatSize(mib: number): string {
  const gib = mib / MIB_PER_GIB;
  if (gib >= 1024) return `${(gib / 1024).toFixed(1).replace(/\.0$/, '')} TiB`;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

export interface CleanupPlan {
  /** What will be deleted, in order: one request each. */
  delete: Finding[];
  /** Chosen but not deletable now (attached, busy), with why. */
  skipped: Array<{ finding: Finding; why: string }>;
  totalMiB: number;
}

/**
 * The clean-up of the chosen findings: only deletable ones, each resource once, never one that
 * is attached or busy now (a re-read may have changed it), never more than were chosen.
 */
export function cleanupPlan(chosen: readonly Finding[]): CleanupPlan {
  const seen = new Set<string>();
  const plan: CleanupPlan = { delete: [], skipped: [], totalMiB: 0 };
  for (const f of chosen) {
    const key = `${f.resourceKind}:${f.resource.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (f.resourceKind === 'volume' && isAttached(f.resource as Volume)) plan.skipped.push({ finding: f, why: 'it is attached' });
    else if (f.resource.status.category === 'busy') plan.skipped.push({ finding: f, why: `it is ${f.resource.status.label || 'busy'}` });
    else if (!f.deletable) plan.skipped.push({ finding: f, why: 'it is not offered for deletion' });
    else {
      plan.delete.push(f);
      plan.totalMiB += f.sizeMiB;
    }
  }
  return plan;
}
