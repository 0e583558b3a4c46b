import * as vscode from 'vscode';
import { View } from '../ids';
import { snapshot } from '../keys/snapshot';
import { manifestStore } from '../manifest/store';
import { WorkflowsTreeProvider } from './tree';

/** The Workflows view (REST-bound workflows, the keys permitting them, 409 warnings). Returns its snapshot for tests. */
export function register(context: vscode.ExtensionContext) {
  const store = manifestStore(context);
  const provider = new WorkflowsTreeProvider(store);
  const view = vscode.window.createTreeView(View.workflows, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);
  return {
    /** What the Workflows view renders, as plain data. */
    workflowsSnapshot: async () => {
      await store.ready;
      return snapshot(provider);
    },
  };
}
