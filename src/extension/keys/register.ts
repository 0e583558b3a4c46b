import * as vscode from 'vscode';
import { registerCommand } from '../common/command';
import { Command, View } from '../ids';
import { manifestStore } from '../manifest/store';
import { registerKeyCommands } from './commands';
import { snapshot } from './snapshot';
import { KeysTreeProvider } from './tree';
import { newKey } from './wizard';

/** The Keys view, its context-menu commands and the new-key wizard. Returns the view's snapshot for tests. */
export function register(context: vscode.ExtensionContext) {
  const store = manifestStore(context);
  const provider = new KeysTreeProvider(store);
  const view = vscode.window.createTreeView(View.keys, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);
  registerKeyCommands(context, store);
  registerCommand(context, Command.keyNew, (arg?: unknown) => newKey(store, arg), { trust: 'Creating a key writes key material.' });
  return {
    /** What the Keys view renders, as plain data. */
    keysSnapshot: async () => {
      await store.ready;
      return snapshot(provider);
    },
  };
}
