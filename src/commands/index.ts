import { connect, disconnect, tryDemo } from './connect';
import { deleteSnapshot, editSnapshot, pullSnapshot, restoreSnapshot, unlinkSnapshot } from './snapshot-actions';
import {
  attachVolume, deleteVolume, detachVolume, editVolume, extendVolume, pullVolume, retypeVolume, snapshotVolume, unlinkVolume,
} from './volume-actions';
import type { CommandHandler } from './registry';
import type { TreeNode } from '../tree/nodes';

/** Every command of the extension, by id (the contributions in package.json list the same ids). */
export const COMMANDS: Record<string, CommandHandler> = {
  'volumeExplorer.connect': connect,
  'volumeExplorer.disconnect': disconnect,
  'volumeExplorer.tryDemo': tryDemo,
  'volumeExplorer.refresh': (ctx) => ctx.tree.refresh(),
  'volumeExplorer.refreshNode': (ctx, node?: TreeNode) => ctx.tree.refresh(node),
  /** Retry on a "Couldn't load …" row reloads its parent. */
  'volumeExplorer.retry': (ctx, node?: TreeNode) => ctx.tree.refresh(node?.kind === 'message' ? node.parent : node),
  'volumeExplorer.showLog': (ctx) => ctx.log.show(),
  'volumeExplorer.attachVolume': attachVolume,
  'volumeExplorer.detachVolume': detachVolume,
  'volumeExplorer.extendVolume': extendVolume,
  'volumeExplorer.retypeVolume': retypeVolume,
  'volumeExplorer.snapshotVolume': snapshotVolume,
  'volumeExplorer.editVolume': editVolume,
  'volumeExplorer.pullVolume': pullVolume,
  'volumeExplorer.unlinkVolume': unlinkVolume,
  'volumeExplorer.deleteVolume': deleteVolume,
  'volumeExplorer.restoreSnapshot': restoreSnapshot,
  'volumeExplorer.editSnapshot': editSnapshot,
  'volumeExplorer.pullSnapshot': pullSnapshot,
  'volumeExplorer.unlinkSnapshot': unlinkSnapshot,
  'volumeExplorer.deleteSnapshot': deleteSnapshot,
};
