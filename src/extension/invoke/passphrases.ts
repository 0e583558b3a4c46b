import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { ClientCertificate } from '../../core/invoke/types';

/**
 * Passphrases of encrypted keys and PFX files live in SecretStorage (never settings), per
 * manifest folder and key. Prompted for when the key needs one, remembered once it worked.
 */
export class Passphrases {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private id(folder: string, keyName: string) {
    return `flowgear.passphrase:${folder}:${keyName}`;
  }

  async forget(folder: string, keyName: string) {
    await this.secrets.delete(this.id(folder, keyName));
  }

  /** Runs `fn` with the stored passphrase; on "needs one" or "wrong one" asks the user and retries. */
  async with<T>(folder: string, client: ClientCertificate, fn: (passphrase: string | undefined) => Promise<T>): Promise<T> {
    const id = this.id(folder, client.keyName);
    let passphrase = await this.secrets.get(id);
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await fn(passphrase);
        if (passphrase !== undefined) await this.secrets.store(id, passphrase);
        return r;
      } catch (e) {
        const code = e instanceof UserError ? e.code : '';
        if ((code !== 'passphrase-required' && code !== 'bad-passphrase') || attempt >= 3) throw e;
        if (code === 'bad-passphrase') await this.secrets.delete(id);
        const typed = await vscode.window.showInputBox({
          title: `Passphrase for key '${client.keyName}'`,
          prompt: `${code === 'bad-passphrase' ? 'Wrong passphrase. ' : ''}${client.pfx ?? client.privateKey} is encrypted. The passphrase is kept in VS Code's secret storage.`,
          password: true,
          ignoreFocusOut: true,
        });
        if (typed === undefined) throw new UserError('invoke cancelled (no passphrase)', 'cancelled');
        passphrase = typed;
      }
    }
  }
}
