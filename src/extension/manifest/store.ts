/**
 * ManifestStore: the one place the editor reads flowgear.json. It loads the manifest of
 * every workspace folder, watches manifests, .gitignore and certificate/key files, and
 * fires `onDidChange` (debounced) so views, diagnostics, the request runner, the environment
 * picker, emulator and codegen all see the same model. A folder outside the workspace (an
 * invoke or the emulator may name one) gets an entry too; nothing watches it, so it is
 * reloaded whenever it is asked for. Get the store with `manifestStore(context)`.
 *
 *   const store = manifestStore(context);
 *   await store.ready;
 *   store.manifests();                 // Manifest[] of workspace folders whose file loaded
 *   store.forFolder(uri)?.manifest;    // the workspace folder containing uri (a file or the folder)
 *   await store.manifestAt('/abs/dir'); // the manifest of any folder, or a UserError
 *   store.onDidChange(() => …);
 *   store.onDidChangeFile((uri) => …); // a watched file changed (before the debounced reload)
 *   await store.edit(folder, (text) => setKeyEnabled(text, 'ci', false));
 */
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { ContextKey } from '../ids';
import { basename, resolve } from 'node:path';
import { findManifest, manifestOrThrow, MANIFEST_FILE, readManifest } from '../../core/manifest/load';
import { LOCAL_MANIFEST_FILE } from '../../core/manifest/local';
import { keyStatusAsync, type KeyStatus } from '../../core/manifest/status';
import type { Key, LoadResult, Manifest } from '../../core/manifest/types';

export interface FolderManifest {
  /** The workspace folder; for a folder outside the workspace, one made up for it (index -1). */
  folder: vscode.WorkspaceFolder;
  /** flowgear.json of the folder. */
  uri: vscode.Uri;
  /** Its text on disk when loaded (undefined: unreadable). */
  text?: string;
  result: LoadResult;
  /** Set when the file loaded (possibly with problems). */
  manifest?: Manifest;
  /** Key name → what its files say right now. */
  statuses: Map<string, KeyStatus>;
}

/** Files whose change can change a view or a diagnostic. */
const WATCHED = `{${MANIFEST_FILE},${LOCAL_MANIFEST_FILE},.gitignore,**/*.crt,**/*.cer,**/*.pem,**/*.der,**/*.key,**/*.pfx,**/*.p12}`;
const DEBOUNCE_MS = 150;

export class ManifestStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after any manifest, key file or .gitignore changed and was reloaded. */
  readonly onDidChange = this.emitter.event;
  private readonly fileEmitter = new vscode.EventEmitter<vscode.Uri>();
  /** A watched file (manifest, key file, .gitignore) was created, changed or deleted. */
  readonly onDidChangeFile = this.fileEmitter.event;
  private entries: FolderManifest[] = [];
  /** Folders outside the workspace, by path. */
  private readonly outside = new Map<string, FolderManifest>();
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.fileEmitter];
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();
  /** Resolves once the first load finished. */
  readonly ready: Promise<void>;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.resetWatchers()),
      // Granting trust lifts the Restricted Mode limits on what is read: reload.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()),
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
      const on = (uri: vscode.Uri) => {
        this.fileEmitter.fire(uri);
        this.schedule();
      };
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
        const entry = await load(folder);
        if (entry) next.push(entry);
      }
      this.entries = next;
      await vscode.commands.executeCommand('setContext', ContextKey.hasManifest, next.length > 0);
      await vscode.commands.executeCommand('setContext', ContextKey.multiRoot, next.length > 1);
      this.emitter.fire();
    });
    return this.loading;
  }

  /**
   * The entry of any folder that has a flowgear.json: a workspace folder's (a pending reload
   * runs first, so an edit just saved is seen) or, outside the workspace, one loaded now.
   */
  async at(dir: string): Promise<FolderManifest | undefined> {
    await this.ready;
    if (this.timer) await this.refresh();
    const path = resolve(dir);
    const inWorkspace = this.entries.find((e) => e.folder.uri.fsPath === path);
    if (inWorkspace) return inWorkspace;
    if (vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === path)) return undefined;
    const entry = await load({ uri: vscode.Uri.file(path), name: basename(path), index: -1 });
    if (entry) this.outside.set(path, entry);
    else this.outside.delete(path);
    return entry;
  }

  /** The usable manifest of a folder, or a UserError (`no-manifest`, `manifest-invalid`). */
  async manifestAt(dir: string): Promise<Manifest> {
    const entry = await this.at(dir);
    if (!entry) throw new UserError(`no ${MANIFEST_FILE} in ${dir}: run "Flowgear: Create flowgear.json" first`, 'no-manifest');
    return manifestOrThrow(entry.result, entry.uri.fsPath);
  }

  /** Every workspace folder that has a flowgear.json (loaded or not). */
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

/** Loads a folder's manifest and its keys' file states; undefined when it has no flowgear.json. */
async function load(folder: vscode.WorkspaceFolder): Promise<FolderManifest | undefined> {
  const file = findManifest(folder.uri.fsPath);
  if (!file) return undefined;
  const { text, result } = await readManifest(file);
  const manifest = result.ok ? result.manifest : undefined;
  const statuses = new Map<string, KeyStatus>();
  // Restricted Mode: follow no path outside the folder (views show such a certificate as not read).
  const within = vscode.workspace.isTrusted ? undefined : folder.uri.fsPath;
  for (const key of manifest?.keys ?? []) statuses.set(key.name, await keyStatusAsync(key, { within }));
  return { folder, uri: vscode.Uri.file(file), text, result, manifest, statuses };
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
