import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { inspectCertificates, type CertificateInfo } from '../../core/certificates';
import { readBounded } from '../../core/boundedRead';
import { UserError, messageOf } from '../../core/errors';
import { expiryWarningDays } from '../common/settings';
import { View } from '../ids';
import { viewerHtml, type ViewerModel } from './html';
import type { PfxPassphrases } from './secrets';

export const VIEW_TYPE = View.certificateViewer;

/** Files the user asked to see in the viewer (Show Certificate Details): no redirect to text. */
export const explicitOpens = new Set<string>();

/** What each open viewer shows (tests read it through the extension's API object). */
export const rendered = new Map<string, { thumbprints: string[]; error?: string; code?: string }>();

function formatOf(bytes: Uint8Array, path: string): { format: string; isText: boolean; isPfx: boolean } {
  const text = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  if (text.includes('-----BEGIN ')) return { format: 'PEM', isText: true, isPfx: false };
  const isPfx = /\.(pfx|p12)$/i.test(path) || (bytes[0] === 0x30 && Buffer.from(bytes.subarray(0, 8)).includes(Buffer.from([2, 1, 3])));
  return { format: isPfx ? 'PKCS#12' : 'DER', isText: false, isPfx };
}

/**
 * Read-only viewer for DER .cer/.crt/.der and .pfx/.p12 (also PEM .cer). A PEM .crt is
 * reopened in the text editor at once: it is text, with hover and CodeLens there.
 */
export class CertificateViewer implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly passphrases: PfxPassphrases) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => rendered.delete(uri.toString()) };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = doc.uri;
    const bytes = uri.scheme === 'file' ? await readBounded(uri.fsPath, { field: 'certificate' }) : await vscode.workspace.fs.readFile(uri);
    const kind = formatOf(bytes, uri.path);
    if (kind.isText && /\.crt$/i.test(uri.path) && !explicitOpens.delete(uri.toString())) {
      await vscode.commands.executeCommand('vscode.openWith', uri, 'default', { viewColumn: panel.viewColumn, preview: false });
      panel.dispose();
      return;
    }
    panel.webview.options = { enableScripts: true };
    const fileName = uri.path.split('/').pop() ?? uri.path;

    const show = (m: Omit<ViewerModel, 'fileName' | 'format' | 'isText' | 'warningDays'>, code?: string) => {
      rendered.set(uri.toString(), { thumbprints: m.infos.map((i) => i.thumbprint), error: m.error, code });
      panel.webview.html = viewerHtml({ ...m, fileName, format: kind.format, isText: kind.isText, warningDays: expiryWarningDays(uri) }, randomBytes(16).toString('base64'), panel.webview.cspSource);
    };

    const load = async (interactive: boolean) => {
      let passphrase = kind.isPfx ? await this.passphrases.get(uri) : undefined;
      let typed = false;
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          const infos: CertificateInfo[] = inspectCertificates(Buffer.from(bytes), { fileName, passphrase });
          show({ infos });
          if (typed && passphrase !== undefined) void this.passphrases.offerToRemember(uri, passphrase);
          return;
        } catch (e) {
          const code = e instanceof UserError ? e.code : 'error';
          const needs = code === 'pfx-passphrase-required' || code === 'pfx-bad-passphrase';
          if (code === 'pfx-bad-passphrase' && !typed) await this.passphrases.forget(uri);
          if (!needs || !interactive) {
            show({ infos: [], error: messageOf(e), locked: needs }, code);
            return;
          }
          passphrase = await this.passphrases.prompt(uri, code === 'pfx-bad-passphrase');
          typed = true;
          if (passphrase === undefined) {
            show({ infos: [], error: messageOf(e), locked: true }, code);
            return;
          }
        }
      }
    };

    panel.webview.onDidReceiveMessage(async (msg: { type: string; value?: string }) => {
      if (msg.type === 'copy' && msg.value) {
        await vscode.env.clipboard.writeText(msg.value);
        void vscode.window.setStatusBarMessage(`Copied ${msg.value}`, 3000);
      } else if (msg.type === 'unlock') await load(true);
      else if (msg.type === 'openText') await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
    });
    // A PFX prompts for its passphrase (a remembered one is tried first) without holding up
    // the editor; DER renders before the editor counts as open.
    if (kind.isPfx) void load(true);
    else await load(false);
  }
}

/** Registers the viewer; returns what it shows per file (for tests). */
export function registerViewer(context: vscode.ExtensionContext, passphrases: PfxPassphrases) {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(VIEW_TYPE, new CertificateViewer(passphrases), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    }),
  );
  return { viewerState: (uri: vscode.Uri | string) => rendered.get(uri.toString()) };
}
