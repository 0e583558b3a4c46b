import * as vscode from 'vscode';
import { manifestStore } from '../manifest/store';
import { guarded } from '../manifest/target';
import { registerKeyCommands } from './commands';
import { snapshot } from './snapshot';
import { KeysTreeProvider } from './tree';
import { newKey } from './wizard';

/** The Keys view, its context-menu commands and the new-key wizard. */
export function register(context: vscode.ExtensionContext): void {
  const store = manifestStore(context);
  const provider = new KeysTreeProvider(store);
  const view = vscode.window.createTreeView('flowgear.keys', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);
  registerKeyCommands(context, store);
  context.subscriptions.push(
    vscode.commands.registerCommand('flowgear.key.new', guarded((arg) => newKey(store, arg))),
    // Not in package.json (no palette entry): lets tests read what the view renders.
    vscode.commands.registerCommand('flowgear.keys.snapshot', async () => {
      await store.ready;
      return snapshot(provider);
    }),
  );
}
