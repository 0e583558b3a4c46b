/**
 * A workflow's body file outside the workspace is sent only after the user said so, once per
 * path and session: a shared flowgear.json must not quietly upload ~/.ssh/id_rsa to its site.
 */
import * as vscode from 'vscode';
import { cancelledError } from '../../core/invoke/netErrors';

const approved = new Set<string>();

export async function confirmBodyFile(path: string): Promise<void> {
  if (approved.has(path) || vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path))) return;
  const send = 'Send It';
  const pick = await vscode.window.showWarningMessage(
    `The request body is the file ${path}, which is outside the workspace.`,
    { modal: true, detail: 'flowgear.json names this file as the workflow\'s body. Send its content to the site?' },
    send,
  );
  if (pick !== send) throw cancelledError();
  approved.add(path);
}
