/**
 * OpenStack's own action rules, after the neutral ones (src/core/rules.ts): what Cinder and
 * Nova accept in each status (as Horizon offers them). Extending an attached volume needs
 * microversion 3.42, which the backend checks when sending; the rule allows only `available`
 * and `in-use`.
 */
import type { SnapshotAction, VolumeAction } from '../../core/capabilities';
import type { Snapshot, Volume } from '../../core/model';
import type { BackendRules } from '../../core/rules';
import { parseMicroversion } from './api';
import { openstackOf } from './records';

/** Made by an admin from another project's resource, the new one would belong to the admin's project. */
const FOREIGN = 'This is another project\'s, seen as admin (all_tenants): what this makes would belong to your own project, not to its. Sign in to its project for this.';

const DELETABLE = new Set(['available', 'error', 'error_restoring', 'error_extending', 'error_managing']);

function volumeBlocker(action: VolumeAction, v: Volume): string | undefined {
  const name = v.name || 'The volume';
  const status = v.runtimeState;
  switch (action) {
    case 'attach':
      return status === 'available' ? undefined : `${name} is ${status || 'not available'}; only an available volume can be attached.`;
    case 'detach':
      return status === 'in-use' ? undefined : `${name} is ${status}; only an in-use volume can be detached.`;
    case 'extend': {
      if (status === 'available') return undefined;
      if (status !== 'in-use') return `${name} is ${status}; this needs available or in-use.`;
      // Cinder extends an attached volume from microversion 3.42 on.
      const v3 = parseMicroversion(openstackOf(v).volumeMicroversion);
      return !v3 || v3[0] > 3 || v3[1] >= 42 ? undefined : `Extending an attached volume needs block-storage microversion 3.42; this cloud speaks ${v3.join('.')}. Detach it first.`;
    }
    case 'snapshot':
      if (openstackOf(v).foreign) return FOREIGN;
      return status === 'available' || status === 'in-use' ? undefined : `${name} is ${status}; this needs available or in-use.`;
    case 'retype':
      return status === 'available' || status === 'in-use' ? undefined : `${name} is ${status}; this needs available or in-use.`;
    case 'edit':
      return undefined;
    case 'delete':
      return DELETABLE.has(status) ? undefined : `${name} is ${status}; Cinder deletes only available or erred volumes.`;
    default:
      return `OpenStack has no "${action}".`;
  }
}

function snapshotBlocker(action: SnapshotAction, s: Snapshot): string | undefined {
  const name = s.name || 'The snapshot';
  switch (action) {
    case 'restore':
      if (openstackOf(s).foreign) return FOREIGN;
      return s.runtimeState === 'available' ? undefined : `${name} is ${s.runtimeState}; only an available snapshot can be restored.`;
    case 'revert': {
      if (s.runtimeState !== 'available') return `${name} is ${s.runtimeState}; only an available snapshot can be reverted to.`;
      const n = openstackOf(s);
      const v3 = parseMicroversion(n.volumeMicroversion);
      if (v3 && v3[0] === 3 && v3[1] < 40) return `Revert to snapshot needs block-storage microversion 3.40; this cloud speaks ${v3.join('.')}.`;
      return n.latest === false ? 'Cinder reverts only to the latest snapshot of a volume; this one is older.' : undefined;
    }
    case 'edit':
      return undefined;
    case 'delete':
      return s.runtimeState === 'available' || s.runtimeState.startsWith('error') ? undefined : `${name} is ${s.runtimeState}; Cinder deletes only available or erred snapshots.`;
    default:
      return `OpenStack has no "${action}".`;
  }
}

export const OPENSTACK_RULES: BackendRules = { volumeBlocker, snapshotBlocker };
