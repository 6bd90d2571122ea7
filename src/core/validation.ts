import { hiddenCharacter, withoutHidden } from '../util/escape';
import { MIB_PER_GIB, formatGiB } from './model';

/** Schema limits (OpenStackVolume/OpenStackSnapshot): name ≤ 150, description ≤ 4096, size ≤ 2^31-1 MiB. */
export const MAX_NAME_LENGTH = 150;
export const MAX_DESCRIPTION_LENGTH = 4096;
export const MAX_SIZE_MIB = 2_147_483_647;

/** Smallest size an extend may ask for: current + 1 GiB, rounded up to a whole GiB (what the server requires). */
export function minimumExtendGiB(currentMiB: number | undefined): number {
  return Math.ceil(((currentMiB ?? 0) + MIB_PER_GIB) / MIB_PER_GIB);
}

/** Validates the new size typed for Extend; returns an error message or undefined. */
export function validateExtendGiB(input: string, currentMiB: number | undefined): string | undefined {
  const text = input.trim();
  const min = minimumExtendGiB(currentMiB);
  if (!text) return `Enter the new size in GiB (at least ${min}).`;
  if (!/^\d+$/.test(text)) return `Enter a whole number of GiB, at least ${min}.`;
  const gib = Number(text);
  if (gib < min) return `The new size must be at least ${min} GiB (the volume is ${formatGiB(currentMiB)} now).`;
  if (gib * MIB_PER_GIB > MAX_SIZE_MIB) return `That is more than the largest possible volume (${Math.floor(MAX_SIZE_MIB / MIB_PER_GIB)} GiB).`;
  return undefined;
}

/** The size typed for a new volume: a whole number of GiB, at least 1. */
export function validateNewSizeGiB(input: string, minimumGiB = 1): string | undefined {
  const text = input.trim();
  const min = Math.max(1, Math.ceil(minimumGiB));
  if (!/^\d+$/.test(text) || Number(text) < min) return `Enter the size as a whole number of GiB, at least ${min}${min > 1 ? ' (the snapshot\'s size)' : ''}.`;
  if (Number(text) * MIB_PER_GIB > MAX_SIZE_MIB) return `That is more than the largest possible volume (${Math.floor(MAX_SIZE_MIB / MIB_PER_GIB)} GiB).`;
  return undefined;
}

/** GiB typed by a person → MiB sent to the API. */
export function gibToMiB(gib: number): number {
  return gib * MIB_PER_GIB;
}

/** A required name (volume, snapshot, restored volume). */
export function validateName(input: string, what = 'name'): string | undefined {
  const text = input.trim();
  if (!text) return `The ${what} can't be empty.`;
  if (text.length > MAX_NAME_LENGTH) return `The ${what} can have at most ${MAX_NAME_LENGTH} characters (this one has ${text.length}).`;
  const hidden = hiddenCharacter(text);
  if (hidden) return `The ${what} contains ${hidden}, which would make it read differently from what it is; remove it.`;
  return undefined;
}

/** A description: may keep line breaks and tabs, never other control, bidirectional or invisible characters. */
export function validateDescription(input: string): string | undefined {
  if (input.length > MAX_DESCRIPTION_LENGTH) return `The description can have at most ${MAX_DESCRIPTION_LENGTH} characters (this one has ${input.length}).`;
  const hidden = hiddenCharacter(input, true);
  return hidden ? `The description contains ${hidden}, which would make it read differently from what it is; remove it.` : undefined;
}

/**
 * Parses a keep-until date typed as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (UTC). Empty = keep
 * forever (`null`). Returns `{ value }` (ISO string or null) or `{ error }`.
 */
export function parseKeptUntil(input: string, now: Date = new Date()): { value: string | null; error?: undefined } | { error: string; value?: undefined } {
  const text = input.trim();
  if (!text) return { value: null };
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return { error: 'Use YYYY-MM-DD (or YYYY-MM-DD HH:MM, UTC), or leave empty to keep forever.' };
  const [, y, mo, d, h = '00', mi = '00'] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59) {
    return { error: `${text} is not a real date.` };
  }
  if (date.getTime() <= now.getTime()) return { error: 'The keep-until date must be in the future (or empty to keep forever).' };
  return { value: date.toISOString() };
}

/** `name` + `suffix` within the name limit, without the characters `validateName` refuses (so a default always passes). */
function derivedName(name: string, suffix: string): string {
  const base = withoutHidden(name).slice(0, MAX_NAME_LENGTH - suffix.length);
  return `${/[\ud800-\udbff]$/.test(base) ? base.slice(0, -1) : base}${suffix}`;
}

/** Default name of a snapshot of `volumeName`, kept within the name limit. */
export function defaultSnapshotName(volumeName: string): string {
  return derivedName(volumeName, '-snapshot');
}

/** Default name of a volume restored from `snapshotName`. */
export function defaultRestoreName(snapshotName: string): string {
  return derivedName(snapshotName, '-restored');
}

export function defaultRestoreDescription(snapshotName: string): string {
  return `Restored from snapshot ${withoutHidden(snapshotName)}`.slice(0, MAX_DESCRIPTION_LENGTH);
}
