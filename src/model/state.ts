/**
 * Waldur resource states. The schema's enum is upper-case (`CREATION_SCHEDULED`), servers in the
 * field send display strings (`Creation Scheduled`, `Erred`): both normalise to the enum form.
 */
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

/**
 * Any `*_SCHEDULED`, `CREATING`, `UPDATING`, `DELETING`, or a runtime state ending in `-ing`
 * (but not Cinder's `error_extending`-style failures, which are final).
 */
export function isTransitional(state: string, runtimeState = ''): boolean {
  const s = normalizeState(state);
  if (s.endsWith('_SCHEDULED') || s === 'CREATING' || s === 'UPDATING' || s === 'DELETING') return true;
  const rt = normalizeRuntimeState(runtimeState);
  return /ing$/.test(rt) && !rt.startsWith('error');
}

export function isErred(state: string, runtimeState = ''): boolean {
  return normalizeState(state) === 'ERRED' || normalizeRuntimeState(runtimeState).startsWith('error');
}

/** How a person reads a state: `UPDATE_SCHEDULED` → `Update scheduled`. */
export function displayState(state: string): string {
  const s = normalizeState(state);
  if (s === 'OK') return 'OK';
  const words = s.toLowerCase().split('_');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

/** A one-word bucket for icons and `contextValue`. */
export type StateCategory = 'error' | 'busy' | 'in-use' | 'available' | 'other';

export function stateCategory(state: string, runtimeState = ''): StateCategory {
  if (isErred(state, runtimeState)) return 'error';
  if (isTransitional(state, runtimeState)) return 'busy';
  const rt = normalizeRuntimeState(runtimeState);
  if (rt === 'in-use') return 'in-use';
  if (rt === 'available') return 'available';
  return 'other';
}
