/** flowgear.refresh, flowgear.manifest.create, flowgear.manifest.open. */
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { newManifestText } from '../../core/manifest/edit';
import { MANIFEST_FILE } from '../../core/manifest/load';
import { isArgs, registerCommand } from '../common/command';
import { Command } from '../ids';
import type { ManifestStore } from './store';
import { folderUri } from './target';

function validateSite(v: string): string | undefined {
  try {
    const u = new URL(v.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'Use an https:// URL.';
    return undefined;
  } catch {
    return 'Enter the Site URL, e.g. https://acme.flowgear.net';
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

export function registerManifestCommands(context: vscode.ExtensionContext, store: ManifestStore): void {
  const reg = (id: Parameters<typeof registerCommand>[1], fn: (arg?: unknown) => Promise<unknown>) => registerCommand(context, id, fn);

  reg(Command.refresh, () => store.refresh());

  /** Args: `{ folder?: path | Uri, site?: string, open?: boolean }`. Returns the manifest Uri. */
  reg(Command.manifestCreate, async (arg) => {
    const a = isArgs(arg) ? arg : {};
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length === 0) throw new UserError('Open a folder first: flowgear.json lives at the root of a workspace folder.');
    let folder: vscode.WorkspaceFolder | undefined;
    if (a.folder) folder = vscode.workspace.getWorkspaceFolder(folderUri(a.folder as string | vscode.Uri));
    else if (folders.length === 1) folder = folders[0];
    else {
      const free = folders.filter((f) => !store.forFolder(f.uri));
      folder = (await vscode.window.showQuickPick((free.length ? free : folders).map((f) => ({ label: f.name, description: f.uri.fsPath, f })), { placeHolder: 'Create flowgear.json in which folder?' }))?.f;
    }
    if (!folder) return undefined;
    const uri = vscode.Uri.joinPath(folder.uri, MANIFEST_FILE);
    if (await exists(uri)) {
      if (!isArgs(arg)) await vscode.window.showTextDocument(uri);
      return uri;
    }
    let site = typeof a.site === 'string' ? a.site : undefined;
    if (site === undefined) {
      site = await vscode.window.showInputBox({
        title: 'Create flowgear.json',
        prompt: 'Base URL of your Flowgear Site (Production), e.g. https://acme.flowgear.net',
        value: 'https://',
        ignoreFocusOut: true,
        validateInput: validateSite,
      });
      if (site === undefined) return undefined;
    }
    const bad = validateSite(site);
    if (bad) throw new UserError(`Site URL '${site}': ${bad}`);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(newManifestText(site.trim().replace(/\/+$/, ''))));
    await store.refresh();
    if (a.open !== false && !isArgs(arg)) await vscode.window.showTextDocument(uri);
    return uri;
  });

  /** Args: `{ folder?: path | Uri }`. Returns the opened Uri. */
  reg(Command.manifestOpen, async (arg) => {
    await store.ready;
    const a = isArgs(arg) ? arg : {};
    const entries = a.folder ? [store.forFolder(folderUri(a.folder as string | vscode.Uri))].filter((e) => !!e) : store.folders();
    if (entries.length === 0) {
      const create = 'Create flowgear.json';
      if ((await vscode.window.showInformationMessage('This workspace has no flowgear.json yet.', create)) === create) {
        return vscode.commands.executeCommand(Command.manifestCreate);
      }
      return undefined;
    }
    const entry =
      entries.length === 1 ? entries[0] : (await vscode.window.showQuickPick(entries.map((e) => ({ label: e!.folder.name, e })), { placeHolder: 'Open which flowgear.json?' }))?.e;
    if (!entry) return undefined;
    await vscode.window.showTextDocument(entry.uri);
    return entry.uri;
  });
}
