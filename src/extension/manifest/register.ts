import * as vscode from 'vscode';
import { registerManifestCommands } from './commands';
import { registerDiagnostics } from './diagnostics';
import { registerQuickFixes } from './quickfix';
import { manifestStore } from './store';

/** The manifest feature: shared store, Problems diagnostics + quick fixes, create/open/refresh. */
export function register(context: vscode.ExtensionContext): void {
  const store = manifestStore(context);
  registerManifestCommands(context, store);
  registerDiagnostics(context, store);
  registerQuickFixes(context, store);
}
