import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/**
 * The "Flowgear" output channel: unexpected errors (with stacks) and one line per invoke
 * (TLS facts and timings). Never a passphrase, key or body in it.
 */
export function flowgearLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Flowgear', { log: true });
  return channel;
}

/** Disposes the channel with the extension. */
export function registerLog(context: vscode.ExtensionContext): void {
  context.subscriptions.push({
    dispose: () => {
      channel?.dispose();
      channel = undefined;
    },
  });
}
