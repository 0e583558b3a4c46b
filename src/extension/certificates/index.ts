import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerDocuments } from './documents';
import { PfxPassphrases } from './secrets';
import { registerViewer } from './viewer';

/**
 * Certificates in the editor: hover, CodeLens and expiry diagnostics on certificate text,
 * a read-only viewer for DER and PFX files, and the cert commands.
 */
export function register(context: vscode.ExtensionContext) {
  const passphrases = new PfxPassphrases(context.secrets);
  const cache = registerDocuments(context);
  const viewer = registerViewer(context, passphrases);
  registerCommands(context, cache, passphrases);
  return viewer;
}
