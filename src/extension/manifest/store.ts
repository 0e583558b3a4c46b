/**
 * ManifestStore: the one place the editor reads flowgear.json. It loads the manifest of
 * every workspace folder, watches manifests, .gitignore and certificate/key files, and
 * fires `onDidChange` (debounced) so views, diagnostics, the request runner, emulator and
 * codegen all see the same model. Get it with `manifestStore(context)`.
 *
 *   const store = manifestStore(context);
 *   await store.ready;
 *   store.manifests();                 // Manifest[] of folders whose file loaded
 *   store.forFolder(uri)?.manifest;    // the folder containing uri (a file or the folder)
 *   store.onDidChange(() => …);
 *   await store.edit(folder, (text) => setKeyEnabled(text, 'ci', false));
 */
import * as vscode from 'vscode';
import { ContextKey } from '../ids';
import { findManifest, loadManifest, MANIFEST_FILE } from '../../core/manifest/load';
import { keyStatusAsync, type KeyStatus } from '../../core/manifest/status';
import type { Key, LoadResult, Manifest } from '../../core/manifest/types';

export interface FolderManifest {
  folder: vscode.WorkspaceFolder;
  /** flowgear.json of the folder. */
  uri: vscode.Uri;
  result: LoadResult;
  /** Set when the file loaded (possibly with problems). */
  manifest?: Manifest;
  /** Key name → what its files say right now. */
  statuses: Map<string, KeyStatus>;
}

/** Files whose change can change a view or a diagnostic. */
const WATCHED = `{${MANIFEST_FILE},.gitignore,**/*.crt,**/*.cer,**/*.pem,**/*.der,**/*.key,**/*.pfx,**/*.p12}`;
const DEBOUNCE_MS = 150;

export class ManifestStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after any manifest, key file or .gitignore changed and was reloaded. */
  readonly onDidChange = this.emitter.event;
  private entries: FolderManifest[] = [];
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();
  /** Resolves once the first load finished. */
  readonly ready: Promise<void>;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.resetWatchers()),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.path.endsWith('/' + MANIFEST_FILE)) this.schedule();
      }),
    );
    this.resetWatchers();
    this.ready = this.refresh();
  }

  private watchers: vscode.Disposable[] = [];

  private resetWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WATCHED));
      const on = () => this.schedule();
      return vscode.Disposable.from(w, w.onDidCreate(on), w.onDidChange(on), w.onDidDelete(on));
    });
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  /** Reloads every folder's manifest now and fires onDidChange. */
  refresh(): Promise<void> {
    clearTimeout(this.timer);
    // Serialised so a slow load never overwrites a newer one.
    this.loading = this.loading.then(async () => {
      const next: FolderManifest[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        if (folder.uri.scheme !== 'file') continue;
        const file = findManifest(folder.uri.fsPath);
        if (!file) continue;
        const result = await loadManifest(file);
        const manifest = result.ok ? result.manifest : undefined;
        const statuses = new Map<string, KeyStatus>();
        for (const key of manifest?.keys ?? []) statuses.set(key.name, await keyStatusAsync(key));
        next.push({ folder, uri: vscode.Uri.file(file), result, manifest, statuses });
      }
      this.entries = next;
      await vscode.commands.executeCommand('setContext', ContextKey.hasManifest, next.length > 0);
      await vscode.commands.executeCommand('setContext', ContextKey.multiRoot, next.length > 1);
      this.emitter.fire();
    });
    return this.loading;
  }

  /** Every folder that has a flowgear.json (loaded or not). */
  folders(): readonly FolderManifest[] {
    return this.entries;
  }

  /** Manifests that loaded. */
  manifests(): Manifest[] {
    return this.entries.flatMap((e) => (e.manifest ? [e.manifest] : []));
  }

  /** The entry of the workspace folder containing `uri` (a file in it, or the folder itself). */
  forFolder(uri: vscode.Uri): FolderManifest | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.entries.find((e) => e.folder.uri.toString() === folder.uri.toString()) : undefined;
  }

  /** The entry whose manifest is `m`. */
  forManifest(m: Manifest): FolderManifest | undefined {
    return this.entries.find((e) => e.manifest === m || e.manifest?.file === m.file);
  }

  status(entry: FolderManifest, key: Key): KeyStatus | undefined {
    return entry.statuses.get(key.name);
  }

  /**
   * Rewrites the folder's flowgear.json through a text edit (so an open editor, undo and
   * dirty state stay right), saves it and reloads. `change` gets the current text.
   */
  async edit(folder: vscode.WorkspaceFolder, change: (text: string) => string): Promise<void> {
    const uri = vscode.Uri.joinPath(folder.uri, MANIFEST_FILE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const before = doc.getText();
    const after = change(before);
    if (after !== before) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(before.length)), after);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${uri.fsPath}.`);
      await doc.save();
    }
    await this.refresh();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }
}

let instance: ManifestStore | undefined;

/** The shared store; created on first use and disposed with the extension. */
export function manifestStore(context: vscode.ExtensionContext): ManifestStore {
  if (!instance) {
    const store = new ManifestStore();
    instance = store;
    context.subscriptions.push(store, { dispose: () => (instance = instance === store ? undefined : instance) });
  }
  return instance;
}
