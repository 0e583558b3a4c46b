/**
 * Export PFX: certificate + private key → PKCS#12 (for the Windows certificate store, as
 * Flowgear's help shows with `openssl pkcs12 -export`). Written 0600, git-ignored before it
 * exists, never over an existing file.
 */
import * as vscode from 'vscode';
import { readBounded } from '../../core/boundedRead';
import { keyField } from '../../core/manifest/status';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/errors';
import { writeNewFiles } from '../../core/certificates/files';
import { exportPfx } from '../../core/certificates/pfx';
import { derToPem } from '../../core/certificates/pem';
import type { KeyTarget } from '../manifest/target';

export interface ExportPfxArgs {
  passphrase?: string;
  /** Passphrase of an encrypted private key. */
  keyPassphrase?: string;
  /** Output file; default next to the certificate, NAME.pfx. */
  output?: string;
  /** 3DES for Windows Server 2016 and older. */
  legacy?: boolean;
}

async function askPassphrase(prompt: string): Promise<string | undefined> {
  const first = await vscode.window.showInputBox({ prompt, password: true, ignoreFocusOut: true, validateInput: (v) => (v ? undefined : 'A PFX needs a passphrase.') });
  if (first === undefined) return undefined;
  const again = await vscode.window.showInputBox({ prompt: 'Repeat the passphrase', password: true, ignoreFocusOut: true, validateInput: (v) => (v === first ? undefined : 'The passphrases differ.') });
  return again === undefined ? undefined : first;
}

export async function exportKeyPfx(t: KeyTarget, args: Record<string, unknown> | undefined): Promise<string | undefined> {
  const { key } = t;
  if (key.pfx) throw new UserError(`Key '${key.name}' already is a PFX (${vscode.workspace.asRelativePath(key.pfx)}).`);
  if (!key.certificate || !key.privateKey) throw new UserError(`Key '${key.name}' has no certificate and private key files to export.`);
  const a = (args ?? {}) as ExportPfxArgs;
  const [certPem, keyPem] = await Promise.all([
    readBounded(key.certificate, { field: keyField(key, 'certificate') }),
    readBounded(key.privateKey, { field: keyField(key, 'privateKey') }).then((b) => b.toString('latin1')),
  ]);
  let keyPassphrase = a.keyPassphrase;
  if (keyPassphrase === undefined && /ENCRYPTED/.test(keyPem)) {
    if (args) throw new UserError(`The private key of '${key.name}' is encrypted: pass keyPassphrase.`);
    keyPassphrase = await vscode.window.showInputBox({ prompt: `Passphrase of the private key of '${key.name}'`, password: true, ignoreFocusOut: true });
    if (keyPassphrase === undefined) return undefined;
  }
  const passphrase = a.passphrase ?? (args ? undefined : await askPassphrase(`Passphrase for ${key.name}.pfx (needed to import it into Windows)`));
  if (!passphrase) {
    if (args) throw new UserError('A PFX needs a passphrase: pass { passphrase }.');
    return undefined;
  }
  const output = a.output ?? join(dirname(key.certificate), `${key.name}.pfx`);
  // The certificate may be PEM (.crt) or DER (.cer).
  const certText = certPem.includes('-----BEGIN') ? certPem.toString('latin1') : derToPem(certPem);
  const pfx = exportPfx({ certPem: certText, keyPem, keyPassphrase, passphrase, legacy: a.legacy });
  await writeNewFiles(t.manifest.root, dirname(output), [[output, pfx, 0o600]], [output]);
  if (!args) {
    void vscode.window.showInformationMessage(`Exported ${vscode.workspace.asRelativePath(output)} (git-ignored).`, 'Reveal').then((b) => {
      if (b) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(output));
    });
  }
  return output;
}
