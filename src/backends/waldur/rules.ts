/**
 * Waldur's own action rules, after the neutral ones (src/core/rules.ts): what HomePort allows
 * and the server enforces — state OK for most actions, OK or Erred for pull and delete, a
 * backend id to pull from, a marketplace resource to delete, unlink for staff only, and no
 * detach or extend of a system (bootable) volume, no retype of an attached one.
 */
import type { SnapshotAction, VolumeAction } from '../../core/capabilities';
import type { Snapshot, Volume } from '../../core/model';
import type { BackendRules, Viewer } from '../../core/rules';
import { waldurOf } from './records';
import { displayState } from './states';

function volumeBlocker(action: VolumeAction, v: Volume, viewer: Viewer): string | undefined {
  const name = v.name || 'The volume';
  const { state, backendId, marketplaceResourceId } = waldurOf(v);
  if (action === 'unlink') return viewer.isStaff ? undefined : 'Only staff can unlink a volume.';
  const ok = state === 'OK';
  const notOk = `${name} is ${displayState(state)}; this needs state OK.`;
  switch (action) {
    case 'attach':
      if (!ok) return notOk;
      return v.runtimeState === 'available' ? undefined : `${name} is ${v.runtimeState || 'not available'}; only an available volume can be attached.`;
    case 'detach':
      if (!ok) return notOk;
      return v.bootable ? "A system volume can't be detached." : undefined;
    case 'extend':
      if (!ok) return notOk;
      return v.bootable ? "A system (bootable) volume can't be extended here." : undefined;
    case 'retype':
      if (!ok) return notOk;
      return v.runtimeState === 'available' ? undefined : `${name} is ${v.runtimeState || 'not available'}; only an available (detached) volume can be retyped.`;
    case 'snapshot':
    case 'edit':
      return ok ? undefined : notOk;
    case 'pull':
      if (!ok && state !== 'ERRED') return `${name} is ${displayState(state)}; pull needs state OK or Erred.`;
      return backendId ? undefined : `${name} has no backend ID yet, so there is nothing to pull from.`;
    case 'delete':
      if (!ok && state !== 'ERRED') return `${name} is ${displayState(state)}; delete needs state OK or Erred.`;
      return marketplaceResourceId ? undefined : `${name} is not a marketplace resource, so it cannot be deleted from here.`;
  }
}

function snapshotBlocker(action: SnapshotAction, s: Snapshot, viewer: Viewer): string | undefined {
  const name = s.name || 'The snapshot';
  const { state, backendId } = waldurOf(s);
  if (action === 'unlink') return viewer.isStaff ? undefined : 'Only staff can unlink a snapshot.';
  const ok = state === 'OK';
  switch (action) {
    case 'restore':
    case 'edit':
      return ok ? undefined : `${name} is ${displayState(state)}; this needs state OK.`;
    case 'pull':
      if (!ok && state !== 'ERRED') return `${name} is ${displayState(state)}; pull needs state OK or Erred.`;
      return backendId ? undefined : `${name} has no backend ID yet, so there is nothing to pull from.`;
    case 'delete':
      return ok || state === 'ERRED' ? undefined : `${name} is ${displayState(state)}; delete needs state OK or Erred.`;
    case 'revert':
      return 'Waldur has no revert to snapshot.';
  }
}

export const WALDUR_RULES: BackendRules = { volumeBlocker, snapshotBlocker };
