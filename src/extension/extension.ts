import * as vscode from 'vscode';
import { VERSION } from '../core/version';
import { register as registerManifest } from './manifest/register';
import { register as registerKeys } from './keys/register';
import { register as registerWorkflows } from './workflows/register';
import { register as registerInvoke } from './invoke';
import { register as registerCertificates } from './certificates';
import { register as registerEmulator } from './emulator';
import { register as registerCodegen } from './codegen';
import { register as registerWalkthrough } from './walkthrough';

/**
 * The one registration point. Each capability lives in its own module and exposes
 * `register(context)`; everything disposable it creates goes into context.subscriptions.
 */
let activationMs = -1;

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();

  context.subscriptions.push(
    vscode.commands.registerCommand('flowgear.about', () => ({
      version: VERSION,
      activationMs,
      vscodeVersion: vscode.version,
    })),
  );

  registerInvoke(context);
  registerEmulator(context);
  registerCodegen(context);

  registerManifest(context);
  registerKeys(context);
  registerWorkflows(context);

  registerCertificates(context);
  registerWalkthrough(context);

  activationMs = performance.now() - started;
  return { activationMs: () => activationMs };
}

export function deactivate() {
  // Everything is in context.subscriptions.
}
