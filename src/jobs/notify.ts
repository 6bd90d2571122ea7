import * as vscode from 'vscode';
import type { ResourceRef } from '../core/ref';
import type { ConnectionManager } from '../connections/manager';
import { uiText } from '../util/escape';
import type { Job } from './tracker';

const SHOW_DETAILS = 'Show Details';

/** The notification at the end of a job, naming the connection when there are several. */
export class JobNotifier {
  constructor(private readonly connections: ConnectionManager) {}

  async jobEnded(job: Job, r: ResourceRef): Promise<void> {
    if (!job.message) return;
    const buttons = job.gone ? [] : [SHOW_DETAILS];
    const label = this.connections.labelWhenSeveral(r.connectionId);
    // The message may carry the API's error text: keep it inert (no links, no icons).
    const message = uiText(`${label ? `${label}: ` : ''}${job.message}`, 1000);
    const choice = job.state === 'succeeded' ? await vscode.window.showInformationMessage(message, ...buttons)
      : job.state === 'failed' ? await vscode.window.showErrorMessage(message, ...buttons)
        : await vscode.window.showWarningMessage(message, ...buttons);
    if (choice === SHOW_DETAILS && this.connections.get(r.connectionId)) await vscode.commands.executeCommand('volumeExplorer.showDetails', r);
  }
}
