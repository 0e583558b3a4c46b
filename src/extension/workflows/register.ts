import * as vscode from 'vscode';
import { snapshot } from '../keys/snapshot';
import { manifestStore } from '../manifest/store';
import { WorkflowsTreeProvider } from './tree';

/** The Workflows view (REST-bound workflows, the keys permitting them, 409 warnings). */
export function register(context: vscode.ExtensionContext): void {
  const store = manifestStore(context);
  const provider = new WorkflowsTreeProvider(store);
  const view = vscode.window.createTreeView('flowgear.workflows', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(
    provider,
    view,
    // Not in package.json (no palette entry): lets tests read what the view renders.
    vscode.commands.registerCommand('flowgear.workflows.snapshot', async () => {
      await store.ready;
      return snapshot(provider);
    }),
  );
}
