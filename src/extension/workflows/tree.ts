/**
 * The Workflows view: the REST-bound workflows of each manifest (`METHOD /path`), the
 * keys that permit each, and a warning node for every pair of routes Flowgear would
 * answer with 409.
 */
import * as vscode from 'vscode';
import { ambiguousRoutes } from '../../core/manifest/routes';
import { keyDescription, keyIcon, keyTooltip } from '../keys/present';
import { inFolder, type WorkflowsElement } from '../manifest/nodes';
import { openAtEntry } from '../manifest/reveal';
import { ManifestTree } from '../manifest/tree';
import type { FolderManifest, ManifestStore } from '../manifest/store';

export class WorkflowsTreeProvider extends ManifestTree<WorkflowsElement> {
  constructor(store: ManifestStore) {
    super(store, 'workflows', (m) => `${m.workflows.length} workflow(s)`);
  }

  protected childrenOf(element: WorkflowsElement): WorkflowsElement[] {
    if (element.kind === 'workflow') {
      const { manifest, workflow, entry } = element;
      return manifest.keys
        .filter((k) => k.permittedWorkflows.includes(workflow.name))
        .map((key) => ({ ...element, kind: 'workflowKey', key, status: entry.statuses.get(key.name) }));
    }
    return [];
  }

  protected folderChildren(entry: FolderManifest): WorkflowsElement[] {
    const base = inFolder(entry);
    if (!base) return [{ kind: 'invalid', entry, folder: entry.folder }];
    const warnings = ambiguousRoutes(base.manifest.workflows).map((workflows) => ({ ...base, kind: 'ambiguous' as const, workflows }));
    return [...warnings, ...base.manifest.workflows.map((workflow) => ({ ...base, kind: 'workflow' as const, workflow }))];
  }

  getTreeItem(e: WorkflowsElement): vscode.TreeItem {
    switch (e.kind) {
      case 'folder':
      case 'invalid':
        return this.folderItem(e);
      case 'ambiguous': {
        const [a, b] = e.workflows;
        const item = new vscode.TreeItem(`Ambiguous route: ${a.name} ↔ ${b.name}`, vscode.TreeItemCollapsibleState.None);
        item.id = `workflows:${e.folder.uri}:ambiguous:${a.name}:${b.name}`;
        item.description = 'Flowgear answers 409';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = `${a.method} ${a.path} and ${b.method} ${b.path} can match the same URI. Flowgear does not rank routes: it answers 409 "Multiple Workflows share this route." Change one binding.`;
        item.command = openAtEntry(e.entry.uri, b, 'Show in flowgear.json');
        item.contextValue = 'workflow.ambiguous';
        return item;
      }
      case 'workflow': {
        const { workflow, manifest } = e;
        const keys = manifest.keys.filter((k) => k.permittedWorkflows.includes(workflow.name));
        const item = new vscode.TreeItem(workflow.name, keys.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `workflows:${e.folder.uri}:wf:${workflow.name}`;
        item.description = `${workflow.method} ${workflow.path}${keys.length ? '' : ' · no key permits it'}`;
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        item.tooltip = `${workflow.method} ${workflow.path}\nPermitted to: ${keys.map((k) => k.name).join(', ') || 'no key'}`;
        item.contextValue = 'workflow';
        // A leaf (no key permits it yet) opens its entry; a collapsible node keeps the click for expanding.
        if (!keys.length) item.command = openAtEntry(e.entry.uri, workflow, 'Show in flowgear.json');
        return item;
      }
      case 'workflowKey': {
        const item = new vscode.TreeItem(e.key.name, vscode.TreeItemCollapsibleState.None);
        item.id = `workflows:${e.folder.uri}:wf:${e.workflow.name}:key:${e.key.name}`;
        item.description = keyDescription(e.manifest, e.key, e.status);
        item.iconPath = keyIcon(e.status, e.key);
        item.tooltip = keyTooltip(e.manifest, e.key, e.status);
        item.contextValue = e.key.enabled ? 'workflow.key.enabled' : 'workflow.key.disabled';
        item.command = openAtEntry(e.entry.uri, e.key, 'Show in flowgear.json');
        return item;
      }
    }
  }

  getParent(e: WorkflowsElement): WorkflowsElement | undefined {
    if (e.kind === 'workflowKey') return { ...e, kind: 'workflow' } as WorkflowsElement;
    return this.folderParent(e);
  }
}
