/**
 * The Keys view: mirrors the console's API Keys pane. One node per key (icon by state),
 * children = its certificate and its permitted workflows; one group per workspace folder
 * when several folders have a manifest.
 */
import * as vscode from 'vscode';
import type { FolderManifest, ManifestStore } from '../manifest/store';
import { inFolder, type KeysElement } from '../manifest/nodes';
import { openAtEntry } from '../manifest/reveal';
import { ManifestTree } from '../manifest/tree';
import { keyDescription, keyIcon, keyTooltip, shortThumbprint, thumbprintOfKey } from './present';

export class KeysTreeProvider extends ManifestTree<KeysElement> {
  constructor(store: ManifestStore) {
    super(store, 'keys', (m) => `${m.keys.length} key(s)`);
  }

  protected childrenOf(element: KeysElement): KeysElement[] {
    switch (element.kind) {
      case 'key': {
        const { key, manifest } = element;
        return [
          { ...element, kind: 'certificate' },
          ...key.permittedWorkflows.map((name) => ({
            ...element,
            kind: 'permitted' as const,
            workflowName: name,
            workflow: manifest.workflows.find((w) => w.name === name),
          })),
        ];
      }
      default:
        return [];
    }
  }

  protected folderChildren(entry: FolderManifest): KeysElement[] {
    const base = inFolder(entry);
    if (!base) return [{ kind: 'invalid', entry, folder: entry.folder }];
    return base.manifest.keys.map((key) => ({ ...base, kind: 'key', key, status: entry.statuses.get(key.name) }));
  }

  getTreeItem(e: KeysElement): vscode.TreeItem {
    switch (e.kind) {
      case 'folder':
      case 'invalid':
        return this.folderItem(e);
      case 'key': {
        const item = new vscode.TreeItem(e.key.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `keys:${e.folder.uri}:key:${e.key.name}`;
        item.description = keyDescription(e.manifest, e.key, e.status);
        item.iconPath = keyIcon(e.status, e.key);
        item.tooltip = keyTooltip(e.manifest, e.key, e.status);
        // No click command: on a collapsible node it would take the click that expands it.
        item.contextValue = e.key.enabled ? 'key.enabled' : 'key.disabled';
        return item;
      }
      case 'certificate': {
        const thumb = thumbprintOfKey(e.key, e.status);
        const cert = e.status?.certificate;
        const missing = (e.status?.missingFiles.length ?? 0) > 0;
        const item = new vscode.TreeItem(missing ? 'Certificate missing' : 'Certificate', vscode.TreeItemCollapsibleState.None);
        item.id = `keys:${e.folder.uri}:key:${e.key.name}:certificate`;
        const parts = [thumb ? shortThumbprint(thumb) : 'thumbprint unknown'];
        if (cert) parts.push(cert.expired ? `expired ${cert.notAfter.toISOString().slice(0, 10)}` : `expires ${cert.notAfter.toISOString().slice(0, 10)}`);
        item.description = parts.join(' · ');
        item.tooltip = keyTooltip(e.manifest, e.key, e.status);
        item.iconPath = missing
          ? new vscode.ThemeIcon('unverified', new vscode.ThemeColor('problemsErrorIcon.foreground'))
          : cert?.expired
            ? new vscode.ThemeIcon('unverified', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon('verified');
        item.contextValue = e.key.pfx ? 'certificate.pfx' : 'certificate';
        return item;
      }
      case 'permitted': {
        const item = new vscode.TreeItem(e.workflowName, vscode.TreeItemCollapsibleState.None);
        item.id = `keys:${e.folder.uri}:key:${e.key.name}:wf:${e.workflowName}`;
        if (e.workflow) {
          item.description = `${e.workflow.method} ${e.workflow.path}`;
          item.iconPath = new vscode.ThemeIcon('symbol-method');
          item.contextValue = 'key.workflow';
          item.tooltip = `${e.workflow.method} ${e.workflow.path}\nInvoke it with key '${e.key.name}'`;
          item.command = openAtEntry(e.entry.uri, e.workflow, 'Show in flowgear.json');
        } else {
          item.description = 'not declared in flowgear.json';
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
          item.contextValue = 'key.workflow.unknown';
        }
        return item;
      }
    }
  }

  getParent(e: KeysElement): KeysElement | undefined {
    if (e.kind === 'certificate' || e.kind === 'permitted') return { ...e, kind: 'key' } as KeysElement;
    return this.folderParent(e);
  }
}
