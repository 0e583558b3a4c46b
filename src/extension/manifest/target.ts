/**
 * Resolving what a command acts on: a tree node (context menu), a plain args object
 * (tests, other extensions: `{ key: 'ci', folder?: '/abs/folder' | Uri }`), or nothing
 * (command palette → quick pick). Always re-reads the key from the store, since a tree
 * node may be older than the last edit.
 */
import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { isArgs } from '../common/command';
import { findManifest } from '../../core/manifest/load';
import type { Key, Manifest } from '../../core/manifest/types';
import { isKeyBearing } from './nodes';
import type { FolderManifest, ManifestStore } from './store';

export interface KeyTarget {
  entry: FolderManifest;
  folder: vscode.WorkspaceFolder;
  manifest: Manifest;
  key: Key;
}

export interface KeyArgs {
  key: string;
  folder?: string | vscode.Uri;
}

export function folderUri(folder: string | vscode.Uri): vscode.Uri {
  return typeof folder === 'string' ? vscode.Uri.file(folder) : folder;
}

export function entryFor(store: ManifestStore, folder: string | vscode.Uri | vscode.WorkspaceFolder | undefined): FolderManifest | undefined {
  if (folder === undefined) return store.folders()[0];
  const uri = typeof folder === 'object' && 'index' in folder ? folder.uri : folderUri(folder);
  return store.forFolder(uri);
}

function find(store: ManifestStore, name: string, folder?: string | vscode.Uri | vscode.WorkspaceFolder): KeyTarget | undefined {
  const entries = folder !== undefined ? [entryFor(store, folder)].filter((e): e is FolderManifest => !!e) : store.folders();
  for (const entry of entries) {
    const key = entry.manifest?.keys.find((k) => k.name === name);
    if (key && entry.manifest) return { entry, folder: entry.folder, manifest: entry.manifest, key };
  }
  return undefined;
}

export async function resolveKey(store: ManifestStore, arg: unknown, placeHolder: string): Promise<KeyTarget | undefined> {
  if (isKeyBearing(arg)) {
    const t = find(store, arg.key.name, arg.folder);
    if (!t) throw new UserError(`Key '${arg.key.name}' is no longer in flowgear.json.`);
    return t;
  }
  if (isArgs(arg) && typeof arg.key === 'string') {
    const t = find(store, arg.key, arg.folder as string | vscode.Uri | undefined);
    if (!t) throw new UserError(`There is no key named '${arg.key}' in flowgear.json.`);
    return t;
  }
  const all = store.folders().flatMap((entry) => (entry.manifest ? entry.manifest.keys.map((key) => ({ entry, key, manifest: entry.manifest! })) : []));
  if (all.length === 0) throw new UserError('There are no keys in flowgear.json yet. Create one with "Flowgear: New Key…".');
  const multi = store.folders().length > 1;
  const pick = await vscode.window.showQuickPick(
    all.map((t) => ({ label: t.key.name, description: `${t.key.environment ?? 'Production'}${t.key.enabled ? '' : ' · disabled'}${multi ? ` · ${t.entry.folder.name}` : ''}`, t })),
    { placeHolder },
  );
  return pick && { entry: pick.t.entry, folder: pick.t.entry.folder, manifest: pick.t.manifest, key: pick.t.key };
}

/** The folder an invoke or the emulator works in: the argument, the only manifest folder, or the user's pick. */
export async function chooseFolder(store: ManifestStore, arg?: string | vscode.Uri): Promise<string | undefined> {
  if (arg) return typeof arg === 'string' ? resolve(arg) : arg.fsPath;
  await store.ready;
  const folders = store.folders().map((e) => e.folder.uri.fsPath);
  if (folders.length === 0) throw new UserError('no flowgear.json in this workspace: run "Flowgear: Create flowgear.json" first', 'no-manifest');
  if (folders.length === 1) return folders[0];
  const pick = await vscode.window.showQuickPick(folders.map((f) => ({ label: vscode.workspace.asRelativePath(f), folder: f })), { placeHolder: 'Which Flowgear site (workspace folder)?' });
  return pick?.folder;
}

/** Nearest folder with a flowgear.json at or above a file (within its workspace folder), else the first manifest folder. */
export function folderOfFile(store: ManifestStore, uri: vscode.Uri): string | undefined {
  const ws = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  let dir = dirname(uri.fsPath);
  for (let i = 0; i < 20; i++) {
    if (findManifest(dir)) return dir;
    const up = dirname(dir);
    if (up === dir || (ws && dir === ws)) break;
    dir = up;
  }
  return store.folders()[0]?.folder.uri.fsPath;
}
