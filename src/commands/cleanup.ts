import * as vscode from 'vscode';
import { ApiError, Refusal, describeError, describeForLog } from '../core/errors';
import { cleanupPlan, formatSize, type Finding } from '../core/insights';
import type { Snapshot, Volume } from '../core/model';
import { ref as makeRef, type ResourceRef } from '../core/ref';
import type { Job } from '../jobs/tracker';
import type { InsightNode } from '../tree/insights';
import { uiText } from '../util/escape';
import { confirmModal } from './prompts';
import type { CommandContext } from './registry';
import { blockerOf, withProgress } from './target';

/** A finding of one connection, as chosen in the Insights view or the palette. */
interface Chosen {
  connectionId: string;
  finding: Finding;
}

/** A planned deletion, with the connection it belongs to. */
interface Planned extends Chosen {
  ref: ResourceRef;
}

const nameOf = (f: Finding): string => uiText(f.resource.name, 80) || `(unnamed ${f.resourceKind})`;
/** The longest list a modal shows before "…and 12 more". */
const LIST_MAX = 15;

/**
 * Clean Up…: the chosen findings (rows of the Insights view, a project's or a connection's
 * deletable ones, or picked from the palette) are re-read, planned (never anything attached or
 * busy, each once, never more than chosen), shown in a preview with the total size, confirmed by
 * typing their number, then deleted one by one — one request each, never retried — and followed
 * as jobs until gone; one summary says how it went.
 */
export async function cleanUp(ctx: CommandContext, arg?: unknown, nodes?: readonly unknown[]): Promise<void> {
  const picked = (nodes && nodes.length > 1 && nodes.includes(arg) ? nodes : arg ? [arg] : []) as InsightNode[];
  const chosen = picked.length ? await findingsOfNodes(ctx, picked) : await pickFindings(ctx);
  if (!chosen) return;
  if (!chosen.length) {
    void vscode.window.showInformationMessage('Nothing to clean up here: none of these findings can be deleted (stuck and attached resources are never offered).');
    return;
  }
  const { plan, skipped } = await withProgress('Checking the resources again…', () => replan(ctx, chosen));
  if (!plan.length) {
    void vscode.window.showWarningMessage(uiText(`Nothing was deleted: ${skipped.map((s) => `${s.name} — ${s.why}`).join('; ')}.`, 1500));
    return;
  }
  const total = plan.reduce((n, p) => n + p.finding.sizeMiB, 0);
  const count = plan.length;
  const noun = count === 1 ? 'resource' : 'resources';
  const several = new Set(plan.map((p) => p.connectionId)).size > 1;
  const line = (p: Planned): string => {
    const f = p.finding;
    const where = several ? ` (${uiText(ctx.connections.get(p.connectionId)?.record.label ?? '', 40)})` : '';
    return `• ${nameOf(f)} — ${f.resourceKind}, ${formatSize(f.sizeMiB)}, ${uiText(f.reason, 80)}${where}`;
  };
  const list = (lines: string[]): string => [...lines.slice(0, LIST_MAX), ...(lines.length > LIST_MAX ? [`…and ${lines.length - LIST_MAX} more`] : [])].join('\n');
  const byOrder = plan.some((p) => p.finding.resourceKind === 'volume' && ctx.connections.get(p.connectionId)?.backend?.capabilities.deleteVolume === 'order');
  const detail = [
    list(plan.map(line)),
    skipped.length ? `\nNot deleted (${skipped.length}):\n${list(skipped.map((s) => `• ${s.name} — ${s.why}`))}` : '',
    `\nEach is deleted by its own request, one after another, and followed until it is gone.${byOrder ? ' Waldur volumes are deleted through termination orders, which may need approval first.' : ''} This cannot be undone.`,
  ].filter(Boolean).join('\n');
  const ok = await confirmModal(`Delete ${count} ${noun} (${formatSize(total)})?`, detail, `Delete ${count}…`);
  if (!ok) return;
  const typed = await vscode.window.showInputBox({
    title: `Clean up: type ${count} to confirm`,
    prompt: `Type ${count} (the number of ${noun}) to delete ${count === 1 ? 'it' : `these ${count}`}: ${formatSize(total)} in all`,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === String(count) ? undefined : `Type ${count}, the number of ${noun} to delete`),
  });
  if (typed === undefined || typed.trim() !== String(count)) return;
  await run(ctx, plan, skipped.length);
}

/** The deletable findings behind the chosen rows (a project or connection row: all of its deletable ones). */
async function findingsOfNodes(ctx: CommandContext, nodes: InsightNode[]): Promise<Chosen[]> {
  const out: Chosen[] = [];
  for (const n of nodes) {
    if (n.kind === 'finding') out.push({ connectionId: n.connectionId, finding: n.finding });
    else if (n.kind === 'project') out.push(...n.findings.map((finding) => ({ connectionId: n.connectionId, finding })));
    else if (n.kind === 'connection') out.push(...(await ctx.insights.findingsOf(n.connection.id)));
  }
  return out.filter((c) => c.finding.deletable);
}

/** From the palette: every deletable finding of every connection, picked (several). */
async function pickFindings(ctx: CommandContext): Promise<Chosen[] | undefined> {
  const connections = ctx.connections.all().filter((c) => c.backend);
  if (!connections.length) throw new Refusal('Not connected. Use "Add Connection…" or "Try the demo data" first.');
  const all = await withProgress('Computing the findings…', async () => (await Promise.all(connections.map((c) => ctx.insights.findingsOf(c.id)))).flat());
  const deletable = all.filter((c) => c.finding.deletable);
  if (!deletable.length) {
    void vscode.window.showInformationMessage(`Nothing to clean up: no unattached volume, orphaned, expired or old snapshot, or resource in error${all.length ? ' that may be deleted' : ''}.`);
    return undefined;
  }
  type Item = vscode.QuickPickItem & { chosen?: Chosen };
  const items: Item[] = [];
  let last = '';
  for (const c of deletable) {
    const label = ctx.connections.labelWhenSeveral(c.connectionId);
    const group = `${label ? `${label} · ` : ''}${c.finding.resource.projectName ?? ''}`;
    if (group && group !== last) items.push({ label: uiText(group, 120), kind: vscode.QuickPickItemKind.Separator });
    last = group;
    items.push({ label: nameOf(c.finding), description: uiText(`${c.finding.reason} · ${formatSize(c.finding.sizeMiB)}`, 160), detail: c.finding.resourceKind === 'volume' ? 'volume' : 'snapshot', chosen: c });
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Clean Up: select what to delete', placeHolder: 'Select the findings to delete (Space selects), then Enter', canPickMany: true, matchOnDescription: true });
  if (!picked) return undefined;
  return picked.flatMap((i) => (i.chosen ? [i.chosen] : []));
}

/**
 * Reads each chosen resource again (one request each) and plans the clean-up from what is true
 * now: gone, attached, busy, blocked by the rules, or a volume that still has snapshots is skipped
 * with why.
 */
async function replan(ctx: CommandContext, chosen: Chosen[]): Promise<{ plan: Planned[]; skipped: Array<{ name: string; why: string }> }> {
  const skipped: Array<{ name: string; why: string }> = [];
  const fresh: Chosen[] = [];
  const seen = new Set<string>();
  for (const c of chosen) {
    const f = c.finding;
    const key = `${c.connectionId}/${f.resourceKind}/${f.resource.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const connection = ctx.connections.get(c.connectionId);
    const backend = connection?.backend;
    if (!connection || !backend) {
      skipped.push({ name: nameOf(f), why: 'its connection is not connected' });
      continue;
    }
    if (connection.record.readOnly) {
      skipped.push({ name: nameOf(f), why: `${uiText(connection.record.label, 60)} is read-only` });
      continue;
    }
    const r = makeRef(c.connectionId, f.resourceKind, f.resource.id);
    try {
      const resource = f.resourceKind === 'volume' ? await backend.getVolume(f.resource.id) : await backend.getSnapshot(f.resource.id);
      const blocker = f.resourceKind === 'volume' ? blockerOf(ctx, backend, r, 'delete', resource as Volume) : blockerOf(ctx, backend, r, 'delete', resource as Snapshot);
      if (blocker) {
        skipped.push({ name: nameOf(f), why: blocker });
        continue;
      }
      if (ctx.jobs.isRunning(r)) {
        skipped.push({ name: nameOf(f), why: 'another job is running on it' });
        continue;
      }
      if (f.resourceKind === 'volume') {
        // The servers refuse to delete a volume that has snapshots (and a clean-up never cascades).
        const snaps = await backend.listSnapshots(f.resource.id);
        if (snaps.length) {
          skipped.push({ name: nameOf(f), why: `it has ${snaps.length === 1 ? 'a snapshot' : `${snaps.length} snapshots`}; delete ${snaps.length === 1 ? 'it' : 'them'} first` });
          continue;
        }
      }
      fresh.push({ connectionId: c.connectionId, finding: { ...f, resource, sizeMiB: resource.sizeMiB ?? f.sizeMiB } });
    } catch (err) {
      skipped.push({ name: nameOf(f), why: err instanceof ApiError && err.isNotFound ? 'it no longer exists' : `couldn't read it: ${describeError(err)}` });
    }
  }
  const planned = cleanupPlan(fresh.map((c) => c.finding));
  for (const s of planned.skipped) skipped.push({ name: nameOf(s.finding), why: s.why });
  const connectionOf = new Map(fresh.map((c) => [c.finding, c.connectionId]));
  const plan = planned.delete.map((finding) => {
    const connectionId = connectionOf.get(finding)!;
    return { connectionId, finding, ref: makeRef(connectionId, finding.resourceKind, finding.resource.id) };
  });
  return { plan, skipped };
}

/** Sends the deletes one by one (never retried), follows each, then says how it went in one summary. */
async function run(ctx: CommandContext, plan: Planned[], skippedCount: number): Promise<void> {
  const jobs: Array<{ p: Planned; job: Job }> = [];
  const refused: string[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Cleaning up', cancellable: true }, async (progress, cancel) => {
    for (const [i, p] of plan.entries()) {
      if (cancel.isCancellationRequested) break;
      const f = p.finding;
      progress.report({ message: `deleting ${nameOf(f)} (${i + 1} of ${plan.length})…` });
      const backend = ctx.connections.get(p.connectionId)?.backend;
      try {
        if (!backend) throw new Refusal('its connection is not connected');
        if (f.resourceKind === 'volume') await backend.deleteVolume(f.resource as Volume);
        else await backend.deleteSnapshot(f.resource as Snapshot);
        ctx.log.info(`[cleanup] delete of ${f.resourceKind} ${describeForLog(f.resource.name)} (${f.resource.id}) accepted`);
        const job = ctx.jobs.followDeletion(p.ref, f.resource, {
          title: `Deleting ${nameOf(f)}`, failureTitle: 'Delete failed', success: () => `${nameOf(f)} was deleted.`, quiet: true,
          waitingNote: f.resourceKind === 'volume' && backend.capabilities.deleteVolume === 'order' ? 'the termination order may be waiting for approval' : undefined,
        });
        if (job) jobs.push({ p, job });
      } catch (err) {
        ctx.log.warn(`[cleanup] delete of ${f.resourceKind} ${f.resource.id} failed: ${describeForLog(err)}`);
        refused.push(`${nameOf(f)}: ${describeError(err)}`);
      }
    }
    const notSent = plan.length - jobs.length - refused.length;
    progress.report({ message: `waiting for ${jobs.length} deletion${jobs.length === 1 ? '' : 's'} to finish (Cancel stops waiting, not the deletions)…` });
    const ended = await Promise.race([
      Promise.all(jobs.map((j) => ctx.jobs.whenEnded(j.job))),
      new Promise<undefined>((resolve) => cancel.onCancellationRequested(() => resolve(undefined))),
    ]);
    summarize(ctx, plan, jobs, ended, refused, notSent, skippedCount);
  });
}

function summarize(
  ctx: CommandContext, plan: Planned[], jobs: Array<{ p: Planned; job: Job }>, ended: Job[] | undefined, refused: string[], notSent: number, skippedCount: number,
): void {
  const final = ended ?? jobs.map((j) => j.job);
  const results = jobs.map((j, i) => ({ p: j.p, job: final[i]! }));
  const done = results.filter((r) => r.job.state === 'succeeded');
  const freed = done.reduce((n, r) => n + r.p.finding.sizeMiB, 0);
  const failed = results.filter((r) => r.job.state === 'failed').map((r) => `${nameOf(r.p.finding)}: ${r.job.message ?? 'failed'}`);
  const waiting = results.filter((r) => r.job.state === 'running' || r.job.state === 'timed-out' || r.job.state === 'cancelled').map((r) => nameOf(r.p.finding));
  const parts = [`Clean-up: ${done.length} of ${plan.length} deleted (${formatSize(freed)} freed)`];
  if (refused.length) parts.push(`refused: ${refused.join('; ')}`);
  if (failed.length) parts.push(`failed: ${failed.join('; ')}`);
  if (waiting.length) parts.push(`still going (see the status bar): ${waiting.join(', ')}`);
  if (notSent) parts.push(`${notSent} not sent (cancelled)`);
  if (skippedCount) parts.push(`${skippedCount} skipped`);
  const text = uiText(`${parts.join('. ')}.`, 2000);
  ctx.log.info(`[cleanup] ${text}`);
  if (done.length === plan.length) void vscode.window.showInformationMessage(text);
  else void vscode.window.showWarningMessage(text);
}
