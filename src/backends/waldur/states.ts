/**
 * Waldur resource states. The schema's enum is upper-case (`CREATION_SCHEDULED`), servers in the
 * field send display strings (`Creation Scheduled`, `Erred`): both normalise to the enum form.
 * Together with the runtime state (Cinder's status) they make the neutral {@link Status}.
 */
import { blockStorageStatus, type Status } from '../../core/status';

export type CoreState =
  | 'CREATION_SCHEDULED'
  | 'CREATING'
  | 'UPDATE_SCHEDULED'
  | 'UPDATING'
  | 'DELETION_SCHEDULED'
  | 'DELETING'
  | 'OK'
  | 'ERRED';

/** `Creation Scheduled` → `CREATION_SCHEDULED`; unknown values are kept (upper-cased) so nothing is lost. */
export function normalizeState(raw: string | null | undefined): CoreState | string {
  if (!raw) return 'UNKNOWN';
  return raw.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

/** Cinder status, lower-case (`in-use`, `available`, `extending`, …). */
export function normalizeRuntimeState(raw: string | null | undefined): string {
  return (raw ?? '').trim().toLowerCase();
}

/** Any `*_SCHEDULED`, `CREATING`, `UPDATING`, `DELETING`. */
export function isTransitionalState(state: string): boolean {
  const s = normalizeState(state);
  return s.endsWith('_SCHEDULED') || s === 'CREATING' || s === 'UPDATING' || s === 'DELETING';
}

/** How a person reads a state: `UPDATE_SCHEDULED` → `Update scheduled`. */
export function displayState(state: string): string {
  const s = normalizeState(state);
  if (s === 'OK') return 'OK';
  const words = s.toLowerCase().split('_');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

/**
 * Waldur state + runtime state → the neutral status. Erred (or a Cinder `error…`) is an error;
 * a transitional state or a runtime `…ing` is busy (labelled by the runtime word when it moves,
 * e.g. `extending`); otherwise stable, labelled by the runtime state (`in-use`).
 */
export function waldurStatus(state: string, runtimeState: string): Status {
  const s = normalizeState(state);
  const runtime = blockStorageStatus(runtimeState);
  if (s === 'ERRED') return { category: 'error', label: 'Erred' };
  if (runtime.category === 'error') return runtime;
  if (runtime.category === 'busy') return runtime;
  if (isTransitionalState(s)) return { category: 'busy', label: displayState(s) };
  return { category: 'stable', label: runtime.label || displayState(s) };
}
