import * as vscode from 'vscode';
import { expiryWarningDays } from '../common/settings';
import { Command, Setting } from '../ids';
import { certificateMarkdown, dateText, expiryLevel, expiryMessage, scanCertificateBlocks, type CertificateBlock } from '../../core/certificates';

/** Certificate text in any document (.crt, .pem, or a BEGIN CERTIFICATE block pasted anywhere). */
export const CERT_SELECTOR: vscode.DocumentSelector = [{ language: 'x509-pem' }, { scheme: 'file' }, { scheme: 'untitled' }];

/** Parsed blocks per document version: hover, CodeLens and diagnostics share one parse. */
class BlockCache {
  private readonly map = new Map<string, { version: number; blocks: CertificateBlock[] }>();
  get(doc: vscode.TextDocument): CertificateBlock[] {
    const key = doc.uri.toString();
    const hit = this.map.get(key);
    if (hit && hit.version === doc.version) return hit.blocks;
    const blocks = scanCertificateBlocks(doc.getText());
    this.map.set(key, { version: doc.version, blocks });
    return blocks;
  }
  forget(doc: vscode.TextDocument) {
    this.map.delete(doc.uri.toString());
  }
}

const rangeOf = (doc: vscode.TextDocument, b: CertificateBlock) => new vscode.Range(doc.positionAt(b.start), doc.positionAt(b.end));

/** The certificate block under a position (for commands run from the editor). */
export function blockAt(cache: BlockCache, doc: vscode.TextDocument, pos: vscode.Position): CertificateBlock | undefined {
  return cache.get(doc).find((b) => rangeOf(doc, b).contains(pos));
}

export function registerDocuments(context: vscode.ExtensionContext): BlockCache {
  const cache = new BlockCache();
  const diagnostics = vscode.languages.createDiagnosticCollection('flowgear-certificates');
  const lensesChanged = new vscode.EventEmitter<void>();

  const hover: vscode.HoverProvider = {
    provideHover(doc, pos) {
      const b = blockAt(cache, doc, pos);
      if (!b) return undefined;
      const md = new vscode.MarkdownString(b.info ? certificateMarkdown(b.info) : `$(error) ${b.error}`, true);
      md.isTrusted = { enabledCommands: [Command.certCopyThumbprint, Command.certCopySha256] };
      return new vscode.Hover(md, rangeOf(doc, b));
    },
  };

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(doc) {
      return cache.get(doc).flatMap((b) => {
        const at = new vscode.Range(doc.positionAt(b.start), doc.positionAt(b.start));
        if (!b.info) return [new vscode.CodeLens(at, { title: '$(error) damaged certificate', command: '' })];
        return [
          new vscode.CodeLens(at, {
            title: `$(key) Thumbprint ${b.info.thumbprint}`,
            tooltip: 'SHA-1 thumbprint, as the Flowgear console shows it. Click to copy.',
            command: Command.certCopyThumbprint,
            arguments: [b.info.thumbprint],
          }),
          new vscode.CodeLens(at, {
            title: b.info.expired ? '$(warning) expired' : `expires ${dateText(b.info.notAfter, b.info.notAfterRaw)}`,
            command: Command.certShowDetails,
            arguments: [doc.uri],
          }),
        ];
      });
    },
  };

  const refresh = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    const blocks = cache.get(doc);
    if (blocks.length === 0) {
      diagnostics.delete(doc.uri);
      return;
    }
    const days = expiryWarningDays(doc.uri);
    const list: vscode.Diagnostic[] = [];
    for (const b of blocks) {
      const range = rangeOf(doc, b);
      if (!b.info) {
        list.push(Object.assign(new vscode.Diagnostic(range, b.error!, vscode.DiagnosticSeverity.Error), { source: 'Flowgear', code: 'certificate-damaged' }));
        continue;
      }
      const level = expiryLevel(b.info, days);
      if (level === 'ok') continue;
      const d = new vscode.Diagnostic(
        new vscode.Range(range.start, doc.lineAt(range.start.line).range.end),
        expiryMessage(b.info),
        level === 'expired' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'Flowgear';
      d.code = level === 'expired' ? 'certificate-expired' : 'certificate-expiring';
      list.push(d);
    }
    diagnostics.set(doc.uri, list);
  };

  // Typing in a big file should not reparse on every keystroke.
  const timers = new Map<string, NodeJS.Timeout>();
  const later = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => (timers.delete(key), refresh(doc)), 250));
  };

  context.subscriptions.push(
    diagnostics,
    lensesChanged,
    vscode.languages.registerHoverProvider(CERT_SELECTOR, hover),
    vscode.languages.registerCodeLensProvider(CERT_SELECTOR, lenses),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      cache.forget(doc);
      diagnostics.delete(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(Setting.expiryWarningDays)) return;
      vscode.workspace.textDocuments.forEach(refresh);
      lensesChanged.fire();
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach(refresh);
  return cache;
}

export type { BlockCache };
