import { holdsVolumes } from '../core/capabilities';
import type { Snapshot, Volume } from '../core/model';
import { ref as makeRef, type ResourceRef } from '../core/ref';
import type { CommandContext } from '../commands/registry';
import type { ScopeNode, TreeNode } from './nodes';

/** At most this many scope rows are opened while looking for a resource's project. */
const MAX_SCOPE_LOADS = 200;

/**
 * The tree row of a resource, loading (and so opening) its parents as needed: the project that
 * holds a volume (looking first in the organization the volume names), the volume of a snapshot.
 * Undefined when the tree has no place for it (a project the account does not list).
 */
export async function rowOf(ctx: CommandContext, r: ResourceRef, resource: Volume | Snapshot): Promise<TreeNode | undefined> {
  const known = ctx.tree.find(r);
  if (known) return known;
  if (r.kind === 'snapshot') {
    const s = resource as Snapshot;
    if (!s.sourceVolumeId) return undefined;
    const volumeRef = makeRef(r.connectionId, 'volume', s.sourceVolumeId);
    let volume = ctx.tree.find(volumeRef);
    if (!volume) {
      const backend = ctx.connections.get(r.connectionId)?.backend;
      if (!backend) return undefined;
      volume = await rowOf(ctx, volumeRef, await backend.getVolume(s.sourceVolumeId));
    }
    if (volume?.kind !== 'volume') return undefined;
    await ctx.tree.getChildren(volume);
    return ctx.tree.find(r);
  }
  const v = resource as Volume;
  const project = await scopeRow(ctx, r.connectionId, v);
  if (!project) return undefined;
  await ctx.tree.getChildren(project);
  return ctx.tree.find(r);
}

/** The row of the scope that holds `v`, breadth first from the connection's root. */
async function scopeRow(ctx: CommandContext, connectionId: string, v: Volume): Promise<ScopeNode | undefined> {
  const root = ctx.tree.root(connectionId);
  const backend = ctx.connections.get(connectionId)?.backend;
  if (!root || !backend || !v.projectId) return undefined;
  const queue: TreeNode[] = [root];
  let loads = 0;
  while (queue.length && loads++ < MAX_SCOPE_LOADS) {
    const children = await ctx.tree.getChildren(queue.shift()!);
    const scopes = children.filter((c): c is ScopeNode => c.kind === 'scope');
    const hit = scopes.find((s) => s.scope.id === v.projectId);
    if (hit) return hit;
    const deeper = scopes.filter((s) => !holdsVolumes(backend.capabilities, s.scope.kind));
    // The organization the volume names is opened first.
    deeper.sort((a, b) => Number(b.scope.name === v.organizationName) - Number(a.scope.name === v.organizationName));
    queue.push(...deeper);
  }
  return undefined;
}
