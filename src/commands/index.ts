import { showJobs } from '../jobs/list';
import type { TreeNode } from '../tree/nodes';
import { addConnection, allowActions, connect, connectOpenStack, disconnect, reconnect, renameConnection, setReadOnly, tryDemo } from './connections';
import { cleanUp } from './cleanup';
import { clearFilter, filterVolumes } from './filter';
import { copyAsCommand, copyField, goToResource, revealFinding, openAsJson, openInBrowser, openInstanceAsJson, setWebUrl } from './inspect';
import type { CommandHandler } from './registry';
import { deleteSnapshot, editSnapshot, pullSnapshot, restoreSnapshot, revertSnapshot, unlinkResource } from './snapshot-actions';
import { createVolumeType, deleteVolumeType } from './volume-types';
import { attachVolume, createVolume, deleteVolume, detachVolume, editVolume, extendVolume, pullVolume, retypeVolume, snapshotVolume } from './volume-actions';

/** Every command of the extension, by id — the one table (the contributions in package.json list the same ids). */
export const COMMANDS: Record<string, CommandHandler> = {
  'volumeExplorer.addConnection': addConnection,
  'volumeExplorer.connect': connect,
  'volumeExplorer.connectOpenStack': connectOpenStack,
  'volumeExplorer.tryDemo': tryDemo,
  'volumeExplorer.disconnect': disconnect,
  'volumeExplorer.reconnect': reconnect,
  'volumeExplorer.renameConnection': renameConnection,
  'volumeExplorer.setReadOnly': setReadOnly,
  'volumeExplorer.allowActions': allowActions,
  'volumeExplorer.refresh': (ctx) => ctx.refresh.all(),
  'volumeExplorer.refreshNode': (ctx, node) => ctx.refresh.node(node as TreeNode | undefined),
  /** Retry on a "Couldn't load …" row reloads its parent. */
  'volumeExplorer.retry': (ctx, node) => ctx.refresh.node(node as TreeNode | undefined),
  'volumeExplorer.showLog': (ctx) => ctx.log.show(),
  'volumeExplorer.showDetails': (ctx, arg) => ctx.panels.showFromCommand(arg),
  // Internal: a row's click (keeps focus in the tree) and Enter on a row (moves it to the panel).
  'volumeExplorer.openRow': (ctx, arg) => ctx.panels.openFromRow(arg),
  'volumeExplorer.openFocusedRow': (ctx) => ctx.panels.openFocusedRow(),
  'volumeExplorer.showJobs': (ctx) => showJobs(ctx),
  'volumeExplorer.goToResource': (ctx, arg) => goToResource(ctx, arg),
  'volumeExplorer.revealFinding': (ctx, arg) => revealFinding(ctx, arg),
  'volumeExplorer.refreshInsights': (ctx) => ctx.insights.refresh(),
  'volumeExplorer.cleanUp': (ctx, arg, nodes) => cleanUp(ctx, arg, nodes),
  'volumeExplorer.filter': (ctx, arg) => filterVolumes(ctx, arg),
  'volumeExplorer.clearFilter': (ctx, arg) => clearFilter(ctx, arg),
  'volumeExplorer.copyId': (ctx, arg, nodes) => copyField(ctx, 'id', arg, nodes),
  'volumeExplorer.copyName': (ctx, arg, nodes) => copyField(ctx, 'name', arg, nodes),
  'volumeExplorer.copyAs': (ctx, arg) => copyAsCommand(ctx, arg),
  'volumeExplorer.openAsJson': (ctx, arg) => openAsJson(ctx, arg),
  'volumeExplorer.openInstanceAsJson': (ctx, arg) => openInstanceAsJson(ctx, arg),
  'volumeExplorer.openInBrowser': (ctx, arg) => openInBrowser(ctx, arg),
  'volumeExplorer.setWebUrl': (ctx, arg) => setWebUrl(ctx, arg),
  'volumeExplorer.createVolume': createVolume,
  'volumeExplorer.attachVolume': attachVolume,
  'volumeExplorer.detachVolume': detachVolume,
  'volumeExplorer.extendVolume': extendVolume,
  'volumeExplorer.retypeVolume': retypeVolume,
  'volumeExplorer.snapshotVolume': snapshotVolume,
  'volumeExplorer.editVolume': editVolume,
  'volumeExplorer.pullVolume': pullVolume,
  'volumeExplorer.unlinkVolume': (ctx, arg) => unlinkResource(ctx, 'volume', arg),
  'volumeExplorer.deleteVolume': deleteVolume,
  'volumeExplorer.restoreSnapshot': restoreSnapshot,
  'volumeExplorer.revertSnapshot': revertSnapshot,
  'volumeExplorer.editSnapshot': editSnapshot,
  'volumeExplorer.pullSnapshot': pullSnapshot,
  'volumeExplorer.unlinkSnapshot': (ctx, arg) => unlinkResource(ctx, 'snapshot', arg),
  'volumeExplorer.deleteSnapshot': deleteSnapshot,
  'volumeExplorer.createVolumeType': createVolumeType,
  'volumeExplorer.deleteVolumeType': deleteVolumeType,
};
