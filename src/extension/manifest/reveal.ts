import * as vscode from 'vscode';
import { originOf } from '../../core/manifest/entries';
import type { Environment, Key, Workflow } from '../../core/manifest/types';

/** A click command that opens flowgear.json with the entry selected (where it came from). */
export function openAtEntry(file: vscode.Uri, entry: Key | Workflow | Environment, title: string): vscode.Command {
  const origin = originOf(entry);
  const at = origin?.props.name ?? origin?.range;
  const selection = at ? new vscode.Range(at.start.line, at.start.character, at.end.line, at.end.character) : undefined;
  return { command: 'vscode.open', title, arguments: [file, { selection, preserveFocus: true, preview: true }] };
}
