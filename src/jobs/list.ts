import * as vscode from 'vscode';
import { connectionOfKey, parseRefKey } from '../core/ref';
import type { Resource } from '../core/model';
import type { ConnectionManager } from '../connections/manager';
import type { VolumeTreeProvider } from '../tree/provider';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import type { JobsController } from './controller';
import { stillText } from './judge';
import { formatDuration } from './schedule';
import { jobTitle } from './statusbar';
import type { Job, JobState } from './tracker';

const STATE_ICONS: Record<JobState, string> = {
  running: '$(sync~spin)', succeeded: '$(check)', failed: '$(error)', 'timed-out': '$(watch)', cancelled: '$(circle-slash)',
};
const STATE_WORDS: Record<JobState, string> = {
  running: 'running', succeeded: 'done', failed: 'failed', 'timed-out': 'no longer followed', cancelled: 'stopped',
};

export interface JobListDeps {
  jobs: JobsController;
  connections: ConnectionManager;
  tree: VolumeTreeProvider;
  view: vscode.TreeView<TreeNode>;
}

/** `volumeExplorer.showJobs`: running and recent jobs; picking one reveals or opens its resource. */
export async function showJobs({ jobs, connections, tree, view }: JobListDeps): Promise<void> {
  const { running, recent } = jobs.jobs();
  const all = [...running.reverse(), ...recent];
  if (!all.length) {
    void vscode.window.showInformationMessage('No volume jobs yet. Actions such as Extend or Attach show up here while they run.');
    return;
  }
  type Item = vscode.QuickPickItem & { job: Job };
  const stopButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-stop'), tooltip: 'Stop following (the server goes on)' };
  const now = jobs.clock.now();
  const items: Item[] = all.map((job) => ({
    job,
    label: `${STATE_ICONS[job.state]} ${jobTitle(job, connections.labelWhenSeveral(connectionOfKey(job.resourceKey)))}`,
    description: job.state === 'running'
      ? `running · ${formatDuration(now - job.startedAt)}${job.last ? ` · ${uiText(stillText(job.last as Resource), 40)}` : ''}`
      : `${STATE_WORDS[job.state]} after ${formatDuration((job.endedAt ?? now) - job.startedAt)} · ${formatDuration(now - (job.endedAt ?? now))} ago`,
    detail: uiText(job.message ?? (job.lastError ? `Last read failed (still trying): ${job.lastError}` : undefined), 500) || undefined,
    buttons: job.state === 'running' ? [stopButton] : [],
  }));
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Volume Explorer Jobs';
  pick.placeholder = 'Pick a job to show its resource';
  pick.items = items;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const chosen = await new Promise<Item | undefined>((resolve) => {
    pick.onDidTriggerItemButton((e) => {
      jobs.tracker.cancel(e.item.job.id);
      resolve(undefined);
      pick.hide();
    });
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return;
  const { job } = chosen;
  const r = parseRefKey(job.resourceKey);
  const node = tree.find(job.resourceKey);
  if (node) {
    await view.reveal(node, { select: true, focus: true, expand: false });
  } else if (!job.gone && r && connections.get(r.connectionId)) {
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r);
  } else {
    void vscode.window.showInformationMessage(job.gone ? `${job.title}: the resource no longer exists.` : `${job.title}: its connection is gone.`);
  }
}
