import * as vscode from 'vscode';
import type { Manifest } from '../../core/manifest/types';
import type { Element, FolderNode, InvalidNode } from './nodes';
import type { FolderManifest, ManifestStore } from './store';

/**
 * What the Keys and Workflows views share: they follow the ManifestStore, group by workspace
 * folder only when several folders have a manifest, and show a broken flowgear.json the same way.
 * Each view stays its own TreeDataProvider class with its own nodes.
 */
export abstract class ManifestTree<E extends Element> implements vscode.TreeDataProvider<E>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<E | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    protected readonly store: ManifestStore,
    /** Prefix of tree item ids, e.g. 'keys'. */
    private readonly view: string,
    /** Folder node description, e.g. "3 key(s)". */
    private readonly count: (m: Manifest) => string,
  ) {
    this.subscription = store.onDidChange(() => this.emitter.fire(undefined));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  getChildren(element?: E): E[] {
    if (!element) {
      const entries = this.store.folders();
      if (entries.length === 1) return this.folderChildren(entries[0]);
      return entries.map((entry) => ({ kind: 'folder', entry, folder: entry.folder }) as E);
    }
    return element.kind === 'folder' ? this.folderChildren(element.entry) : this.childrenOf(element);
  }

  abstract getTreeItem(e: E): vscode.TreeItem;
  protected abstract folderChildren(entry: FolderManifest): E[];
  protected abstract childrenOf(e: E): E[];

  /** The folder group node and the "flowgear.json has errors" node. */
  protected folderItem(e: FolderNode | InvalidNode): vscode.TreeItem {
    if (e.kind === 'folder') {
      const item = new vscode.TreeItem(e.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${this.view}:${e.folder.uri}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.resourceUri = e.folder.uri;
      item.description = e.entry.manifest ? this.count(e.entry.manifest) : 'flowgear.json has errors';
      item.contextValue = 'folder';
      return item;
    }
    const item = new vscode.TreeItem('flowgear.json has errors', vscode.TreeItemCollapsibleState.None);
    item.id = `${this.view}:${e.folder.uri}:invalid`;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    item.description = e.entry.result.problems[0]?.message;
    item.tooltip = e.entry.result.problems.map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1} ${p.message}`).join('\n');
    item.command = { command: 'vscode.open', title: 'Open flowgear.json', arguments: [e.entry.uri] };
    item.contextValue = 'manifest.invalid';
    return item;
  }

  /** Top-level nodes have a folder parent only while the view groups by folder. */
  protected folderParent(e: E): E | undefined {
    return e.kind !== 'folder' && this.store.folders().length > 1 ? ({ kind: 'folder', entry: e.entry, folder: e.folder } as E) : undefined;
  }
}
