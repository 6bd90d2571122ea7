import * as vscode from 'vscode';
import { describeError } from '../api/errors';
import { uiText } from '../util/escape';

/** A modal confirmation naming the resource; resolves true only on the confirm button. */
export async function confirmModal(message: string, detail: string, confirm: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm)) === confirm;
}

/** Asks to type the resource's name (AWS Toolkit style) before something irreversible. */
export async function typeNameToConfirm(name: string, what: string): Promise<boolean> {
  const typed = await vscode.window.showInputBox({
    title: `${what}: type the name to confirm`,
    prompt: `Type "${uiText(name, 150)}" to confirm`,
    ignoreFocusOut: true,
    validateInput: (v) => (v === name ? undefined : `Type the exact name: ${uiText(name, 150)}`),
  });
  return typed === name;
}

/** Runs `work` for each item (no automatic retries) and reports the ones that failed. */
export async function forEachReporting<T>(items: readonly T[], nameOf: (t: T) => string, verb: string, work: (t: T) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const item of items) {
    try {
      await work(item);
    } catch (err) {
      failures.push(`${uiText(nameOf(item), 80)}: ${describeError(err)}`);
    }
  }
  if (failures.length) {
    void vscode.window.showErrorMessage(`${verb} failed for ${failures.length} of ${items.length}: ${failures.join('; ')}`);
  }
}
