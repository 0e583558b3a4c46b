import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { findManifest, loadManifest } from '../../core/manifest/load';
import type { Manifest } from '../../core/manifest/types';

/** Loads flowgear.json fresh for each invoke (cheap, and never stale after an edit). */
export async function manifestIn(folder: string): Promise<Manifest> {
  const file = findManifest(folder);
  if (!file) throw new UserError(`no flowgear.json in ${folder}`, 'no-manifest');
  const r = await loadManifest(file);
  if (!r.ok) {
    const p = r.problems.find((x) => x.severity === 'error') ?? r.problems[0];
    throw new UserError(`flowgear.json line ${(p?.range.start.line ?? 0) + 1}: ${p?.message ?? 'cannot be loaded'} — fix it (see Problems) and try again`, 'bad-manifest');
  }
  return r.manifest;
}

function fsPath(f: string | vscode.Uri): string {
  return typeof f === 'string' ? resolve(f) : f.fsPath;
}

/** Workspace folders that hold a flowgear.json. */
export function manifestFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath).filter((p) => findManifest(p));
}

/** The folder an invoke runs in: the argument, the only manifest folder, or the user's pick. */
export async function chooseFolder(arg?: string | vscode.Uri): Promise<string | undefined> {
  if (arg) return fsPath(arg);
  const folders = manifestFolders();
  if (folders.length === 0) throw new UserError('no flowgear.json in this workspace: run "Flowgear: Create flowgear.json" first', 'no-manifest');
  if (folders.length === 1) return folders[0];
  const pick = await vscode.window.showQuickPick(folders.map((f) => ({ label: vscode.workspace.asRelativePath(f), folder: f })), { placeHolder: 'Which Flowgear site (workspace folder)?' });
  return pick?.folder;
}

/** Nearest folder with a flowgear.json at or above a file, within its workspace folder. */
export function folderOfFile(uri: vscode.Uri): string | undefined {
  const ws = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  let dir = dirname(uri.fsPath);
  for (let i = 0; i < 20; i++) {
    if (findManifest(dir)) return dir;
    const up = dirname(dir);
    if (up === dir || (ws && dir === ws)) break;
    dir = up;
  }
  return ws && findManifest(ws) ? ws : manifestFolders()[0];
}
