import * as vscode from 'vscode';
import { manifestStore } from '../manifest/store';

/** package.json contributes.walkthroughs[].id, prefixed with the extension id. */
export const WALKTHROUGH_ID = 'flowgear-mtls.flowgear-mtls#flowgear.getStarted';
/** True once a key appeared in a manifest during this session (the New Key wizard finished, or the file was edited). */
export const KEY_CREATED_CONTEXT = 'flowgear.walkthrough.keyCreated';

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
    if ([...now].some((k) => !known!.has(k))) void vscode.commands.executeCommand('setContext', KEY_CREATED_CONTEXT, true);
    known = now;
  };
  context.subscriptions.push(
    store.onDidChange(update),
    vscode.commands.registerCommand('flowgear.walkthrough.open', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false),
    ),
  );
  void store.ready.then(update);
}
