import * as vscode from 'vscode';
import { UserError, messageOf } from '../../core/errors';

/** What a command returns on failure, so commands called by tests can assert it. */
export interface CommandError {
  error: string;
  code: string;
}

/** Shows a user-worded error and returns it as data. */
export function reportError(e: unknown): CommandError {
  const message = messageOf(e);
  void vscode.window.showErrorMessage(`Flowgear: ${message}`);
  return { error: message, code: e instanceof UserError ? e.code : 'internal' };
}

/**
 * True in a trusted workspace; otherwise explains why `what` is disabled in Restricted Mode
 * (with a button to manage trust) and returns false.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Flowgear: ${what}`, 'Manage Workspace Trust').then((b) => {
    if (b) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
