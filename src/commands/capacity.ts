import type { Backend } from '../core/backend';
import { preflight, quotaRefusal, type Capacity, type Demand, type Preflight } from '../core/capacity';
import { Refusal, describeForLog } from '../core/errors';
import type { Scope, Snapshot, Volume } from '../core/model';
import type { CommandContext } from './registry';
import { withProgress } from './target';

/**
 * The quota an action counts against, read just before it is asked for (one request), or
 * undefined where the backend has none or the read failed — the server still checks, so a
 * failed read never blocks an action (it is logged).
 */
export async function capacityFor(
  ctx: CommandContext, backend: Backend, where: { scope: Scope; capacityId?: string } | { volume: Volume } | { snapshot: Snapshot },
): Promise<Capacity | undefined> {
  if (!backend.capabilities.capacity || !backend.capacity) return undefined;
  try {
    const arg = 'scope' in where ? { scope: where.scope } : where;
    const all = await withProgress('Checking the quota…', (signal) => backend.capacity!(arg, signal));
    if ('scope' in where && where.capacityId) return all.find((c) => c.id === where.capacityId);
    return all.length === 1 ? all[0] : undefined;
  } catch (err) {
    ctx.log.warn(`[quota] couldn't read the quota before an action: ${describeForLog(err)}`);
    return undefined;
  }
}

/**
 * What the action would do to the quota: the sentence for the prompt ("This takes storage to 92%
 * of the quota of tenant x (920 of 1000 GiB)."), or a refusal naming the quota before anything
 * is sent.
 */
export function checkQuota(capacity: Capacity | undefined, demand: Demand, what: string): Preflight | undefined {
  if (!capacity) return undefined;
  const check = preflight(capacity, demand);
  const refusal = quotaRefusal(what, check);
  if (refusal) throw new Refusal(refusal);
  return check;
}

/** For validateInput: the quota message when `demand` would exceed it, else undefined. */
export function quotaProblem(capacity: Capacity | undefined, demand: Demand): string | undefined {
  if (!capacity) return undefined;
  const check = preflight(capacity, demand);
  return check.exceeded ? check.text : undefined;
}
