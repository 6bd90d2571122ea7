import { connect, disconnect, tryDemo } from './connect';
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
};
