import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { plainText, uiText, withoutHidden } from '../util/escape';

/** A modal confirmation naming the resource; resolves true only on the confirm button. */
export async function confirmModal(message: string, detail: string, confirm: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm)) === confirm;
}

/**
 * Asks to type the resource's name (AWS Toolkit style) before something irreversible. A name
 * with hidden characters (shown as �) is confirmed by typing it without them; an unnamed
 * resource confirms with its id.
 */
export async function typeNameToConfirm(name: string, what: string, id: string): Promise<boolean> {
  const typeable = withoutHidden(name).slice(0, 150) || id;
  const hidden = typeable !== name.trim() && plainText(name, 150) !== typeable;
  const matches = (v: string): boolean => v === typeable || (v === name && name !== '');
  const typed = await vscode.window.showInputBox({
    title: `${what}: type the name to confirm`,
    prompt: `Type "${uiText(typeable, 150)}" to confirm${hidden ? ' (the name without its hidden characters, shown as �)' : ''}`,
    ignoreFocusOut: true,
    validateInput: (v) => (matches(v) ? undefined : `Type the exact name: ${uiText(typeable, 150)}`),
  });
  return typed !== undefined && matches(typed);
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
    void vscode.window.showErrorMessage(uiText(`${verb} failed for ${failures.length} of ${items.length}: ${failures.join('; ')}`, 2000));
  }
}
