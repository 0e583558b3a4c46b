import * as vscode from 'vscode';
import { VERSION } from '../core/version';
import { registerCommand } from './common/command';
import { registerLog } from './common/log';
import { Command } from './ids';
import { register as registerManifest } from './manifest/register';
import { register as registerKeys } from './keys/register';
import { register as registerWorkflows } from './workflows/register';
import { register as registerInvoke } from './invoke';
import { register as registerCertificates } from './certificates';
import { register as registerEmulator } from './emulator';
import { register as registerCodegen } from './codegen';
import { register as registerWalkthrough } from './walkthrough';
import { register as registerSite } from './site';

/**
 * The one registration point. Each capability lives in its own module and exposes
 * `register(context)`; everything disposable it creates goes into context.subscriptions.
 * Commands go through common/command.ts; what only tests need is on the returned API object.
 */
let activationMs = -1;

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  registerLog(context);
  registerCommand(context, Command.about, () => ({ version: VERSION, activationMs, vscodeVersion: vscode.version }));

  const invoke = registerInvoke(context);
  const emulator = registerEmulator(context);
  registerCodegen(context);

  registerManifest(context);
  const keys = registerKeys(context);
  const workflows = registerWorkflows(context);

  const certificates = registerCertificates(context);
  registerWalkthrough(context);
  const site = registerSite(context);

  activationMs = performance.now() - started;
  return { activationMs: () => activationMs, ...invoke, ...keys, ...workflows, ...certificates, ...emulator, ...site };
}

/** What activate() returns (tests read views and viewer state through it). */
export type FlowgearApi = ReturnType<typeof activate>;

export function deactivate() {
  // Everything is in context.subscriptions.
}
