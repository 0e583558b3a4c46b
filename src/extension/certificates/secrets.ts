import * as vscode from 'vscode';

/**
 * PFX passphrases the user agreed to remember, in SecretStorage (never settings), per file.
 */
export class PfxPassphrases {
  constructor(private readonly secrets: vscode.SecretStorage) {}
  private id(uri: vscode.Uri) {
    return `flowgear.pfxPassphrase:${uri.toString()}`;
  }
  get(uri: vscode.Uri) {
    return this.secrets.get(this.id(uri));
  }
  forget(uri: vscode.Uri) {
    return this.secrets.delete(this.id(uri));
  }
  store(uri: vscode.Uri, passphrase: string) {
    return this.secrets.store(this.id(uri), passphrase);
  }

  /** Asks whether to remember a passphrase that just worked; stores it if the user agrees. */
  async offerToRemember(uri: vscode.Uri, passphrase: string): Promise<void> {
    if ((await this.get(uri)) === passphrase) return;
    const name = uri.path.split('/').pop();
    const yes = 'Remember';
    const pick = await vscode.window.showInformationMessage(`Remember the passphrase of ${name} in VS Code's secret storage?`, yes, 'Not Now');
    if (pick === yes) await this.store(uri, passphrase);
  }

  async prompt(uri: vscode.Uri, wrong: boolean): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `Passphrase for ${uri.path.split('/').pop()}`,
      prompt: wrong ? 'Wrong passphrase, try again.' : 'This PFX/P12 file is protected by a passphrase.',
      password: true,
      ignoreFocusOut: true,
    });
  }
}
