/**
 * The status the UI understands, whatever the backend: stable, busy (an operation is running)
 * or error — with the backend's own words as the label (`in-use`, `Update scheduled`,
 * `extending`, `error_extending`). Jobs, tree icons, menus and panels read only this.
 */
export type StatusCategory = 'stable' | 'busy' | 'error';

export interface Status {
  readonly category: StatusCategory;
  /** The backend's own word for it, for display. */
  readonly label: string;
}

export const isBusy = (r: { status: Status }): boolean => r.status.category === 'busy';
export const isErred = (r: { status: Status }): boolean => r.status.category === 'error';

const BUSY_WITHOUT_ING = new Set(['reserved', 'maintenance']);

/**
 * Cinder's volume/snapshot status (the runtime state both backends report), lower-case:
 * `…ing` is busy (except `error_…`), and so are `reserved` (an attachment Nova has not completed
 * yet) and `maintenance`; `error…` is an error, anything else is stable.
 */
export function blockStorageStatus(raw: string | null | undefined): Status {
  const label = (raw ?? '').trim().toLowerCase();
  if (label.startsWith('error')) return { category: 'error', label };
  if (/ing$/.test(label) || BUSY_WITHOUT_ING.has(label)) return { category: 'busy', label };
  return { category: 'stable', label };
}

/** The gerund shown on a row the moment an action is accepted (`extend` → `extending`). */
export function actionGerund(action: string): string {
  const irregular: Record<string, string> = { snapshot: 'snapshotting', edit: 'updating', create: 'creating', delete: 'deleting', retype: 'retyping', revert: 'reverting' };
  if (irregular[action]) return irregular[action];
  return action.endsWith('e') ? `${action.slice(0, -1)}ing` : `${action}ing`;
}
