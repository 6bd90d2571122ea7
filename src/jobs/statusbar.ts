import * as vscode from 'vscode';
import { uiText } from '../util/escape';
import { formatDuration } from './schedule';
import type { Clock, Job, JobTracker } from './tracker';

/** `Demo data: Extending data-01` when several connections are open, else just the title. */
export function jobTitle(job: Job, connectionLabel: string): string {
  return connectionLabel ? `${uiText(connectionLabel, 60)}: ${job.title}` : job.title;
}

/** The status-bar item while jobs run: one job's title, or "3 volume jobs"; click for the list. */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private shown = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly tracker: JobTracker, private readonly clock: Clock, private readonly labelOf: (resourceKey: string) => string) {
    this.item = vscode.window.createStatusBarItem('volumeExplorer.jobs', vscode.StatusBarAlignment.Left, 20);
    this.item.name = 'Volume Explorer Jobs';
    this.item.command = 'volumeExplorer.showJobs';
    this.subscription = tracker.onDidChange(() => this.update());
  }

  /** The text while jobs run, undefined when hidden. */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private update(): void {
    const running = this.tracker.runningJobs();
    this.shown = running.length > 0;
    if (!running.length) {
      this.item.hide();
      return;
    }
    const now = this.clock.now();
    const title = (j: Job): string => jobTitle(j, this.labelOf(j.resourceKey));
    this.item.text = running.length === 1 ? `$(sync~spin) ${title(running[0]!)}` : `$(sync~spin) ${running.length} volume jobs`;
    this.item.tooltip = `${running.map((j) => `${title(j)} — ${formatDuration(now - j.startedAt)}${j.lastError ? ` (last read failed: ${uiText(j.lastError, 300)})` : ''}`).join('\n')}\n\nClick to list jobs.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
