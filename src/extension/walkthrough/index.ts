import * as vscode from 'vscode';
import { registerCommand } from '../common/command';
import { Command, ContextKey, WALKTHROUGH_ID } from '../ids';
import { manifestStore } from '../manifest/store';


/**
 * The "Get started with Flowgear mTLS" walkthrough. Its steps complete on the real actions
 * (onCommand completion events). "Create a key" completes when a new key shows up in a
 * manifest: VS Code's onContext events only count a change from false to true after the
 * walkthrough was registered, so keys that already existed do not tick it.
 */
export function register(context: vscode.ExtensionContext) {
  const store = manifestStore(context);
  let known: Set<string> | undefined;
  const keysNow = () => new Set(store.manifests().flatMap((m) => m.keys.map((k) => `${m.file}\0${k.name}`)));
  const update = () => {
    const now = keysNow();
    if (!known) {
      known = now;
      return;
    }
    if ([...now].some((k) => !known!.has(k))) void vscode.commands.executeCommand('setContext', ContextKey.walkthroughKeyCreated, true);
    known = now;
  };
  context.subscriptions.push(store.onDidChange(update));
  registerCommand(context, Command.walkthroughOpen, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));
  void store.ready.then(update);
}
