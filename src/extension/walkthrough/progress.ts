import * as vscode from 'vscode';
import { ContextKey } from '../ids';

/**
 * Walkthrough steps whose real action can run where VS Code's `onCommand` completion events
 * do not see it: commands with arguments from CodeLenses or tree items reach the extension
 * host through an internal delegate command, and webview buttons call executeCommand inside
 * the extension host. Features mark the step done here, when the action actually happened.
 */
export type WalkthroughAction = 'invoked' | 'copiedAsCode';
const KEYS = { invoked: ContextKey.walkthroughInvoked, copiedAsCode: ContextKey.walkthroughCopiedAsCode } as const;

export function walkthroughProgress(action: WalkthroughAction): void {
  void vscode.commands.executeCommand('setContext', KEYS[action], true);
}
