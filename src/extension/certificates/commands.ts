import { existsSync } from 'node:fs';
import { readBounded } from '../../core/boundedRead';
import { basename, dirname, extname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import {
  DEFAULT_CERT_FOLDER,
  derToPem,
  exportPfx,
  generateCertificate,
  inspectCertificates,
  readCertificates,
  validateKeyName,
  writeKeyFiles,
  writeNewFiles,
  type CertificateInfo,
  type GenerateOptions,
  type KeyFiles,
} from '../../core/certificates';
import { UserError } from '../../core/errors';
import { registerCommand } from '../common/command';
import { Command } from '../ids';
import { blockAt, type BlockCache } from './documents';
import type { PfxPassphrases } from './secrets';
import { explicitOpens, VIEW_TYPE } from './viewer';

/** Arguments of flowgear.cert.new; anything missing is asked for. */
export interface NewCertificateArgs {
  name?: string;
  /** Absolute, or relative to the workspace folder; default 'certs'. */
  folder?: string;
  keyType?: 'rsa' | 'ec';
  bits?: 2048 | 3072 | 4096;
  cn?: string;
  days?: number;
  pfx?: boolean;
  legacyPfx?: boolean;
  /** PFX passphrase (programmatic callers; the UI asks). */
  passphrase?: string;
  /** Encrypts NAME.key too. */
  keyPassphrase?: string;
  /** Workspace folder (path or URI) whose .gitignore protects the key; default: the first. */
  workspaceFolder?: string | vscode.Uri;
}

export interface NewCertificateResult {
  files: KeyFiles;
  thumbprint: string;
  sha256: string;
  notAfter: string;
}

export interface ExportPfxArgs {
  cert: string;
  key: string;
  out?: string;
  legacy?: boolean;
  friendlyName?: string;
  passphrase?: string;
  keyPassphrase?: string;
}

const CERT_FILE = /\.(crt|cer|der|pem|pfx|p12)$/i;

const WRITE_TRUST = 'Writing keys and certificates is disabled in Restricted Mode.';

function cancelled(): never {
  throw new UserError('cancelled', 'cancelled');
}

function workspaceRoot(hint?: string | vscode.Uri): string {
  if (hint) {
    const uri = typeof hint === 'string' ? vscode.Uri.file(hint) : hint;
    return (vscode.workspace.getWorkspaceFolder(uri)?.uri ?? uri).fsPath;
  }
  const first = vscode.workspace.workspaceFolders?.[0];
  if (!first) throw new UserError('Open a folder first: key files are written into the workspace.', 'no-workspace');
  return first.uri.fsPath;
}

async function askPassphrase(title: string, confirm: boolean): Promise<string> {
  const first = await vscode.window.showInputBox({
    title,
    prompt: 'Protects the PFX. You will need it to import the file (e.g. into the Windows certificate store).',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'A PFX needs a passphrase.'),
  });
  if (first === undefined) cancelled();
  if (confirm) {
    const again = await vscode.window.showInputBox({ title, prompt: 'Repeat the passphrase.', password: true, ignoreFocusOut: true, validateInput: (v) => (v === first ? undefined : 'The passphrases differ.') });
    if (again === undefined) cancelled();
  }
  return first;
}

async function newCertificate(passphrases: PfxPassphrases, arg?: NewCertificateArgs | vscode.Uri): Promise<NewCertificateResult | undefined> {
  const a: NewCertificateArgs = arg instanceof vscode.Uri ? { folder: arg.fsPath, workspaceFolder: arg } : { ...(arg ?? {}) };
  const root = workspaceRoot(a.workspaceFolder ?? (a.folder && /^\/|^[A-Za-z]:/.test(a.folder) ? a.folder : undefined));
  const folderPath = (f: string) => (/^\/|^[A-Za-z]:[\\/]/.test(f) ? f : join(root, f));
  let typedPassphrase = false;

  if (a.name === undefined) {
    a.name = await vscode.window.showInputBox({
      title: 'New Self-Signed Certificate (1/3): key name',
      prompt: 'Files NAME.key, NAME.crt and NAME.cer are created. Use the name of the certificate-based key in Flowgear.',
      placeHolder: 'e.g. acme-dev',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const bad = validateKeyName(v);
        if (bad) return bad;
        const dir = folderPath(a.folder ?? DEFAULT_CERT_FOLDER);
        return ['key', 'crt', 'cer'].some((ext) => existsSync(join(dir, `${v}.${ext}`))) ? `${v} already has files in ${relative(root, dir) || '.'}.` : undefined;
      },
    });
    if (a.name === undefined) cancelled();
    if (a.keyType === undefined && a.bits === undefined) {
      const picks: (vscode.QuickPickItem & { o: Pick<GenerateOptions, 'keyType' | 'bits'> })[] = [
        { label: 'RSA 4096', description: "Flowgear's recipe (openssl req -x509 -newkey rsa:4096 -sha256)", o: { keyType: 'rsa', bits: 4096 } },
        { label: 'RSA 3072', o: { keyType: 'rsa', bits: 3072 } },
        { label: 'RSA 2048', o: { keyType: 'rsa', bits: 2048 } },
        { label: 'ECDSA P-256', description: 'small and fast; check that your clients support it', o: { keyType: 'ec' } },
      ];
      const pick = await vscode.window.showQuickPick(picks, { title: 'New Self-Signed Certificate (2/3): key type', ignoreFocusOut: true });
      if (!pick) cancelled();
      Object.assign(a, pick.o);
    }
    if (a.pfx === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'No PFX', description: '.key, .crt and .cer only', v: 0 },
          { label: 'Also a PFX', description: 'for the Windows certificate store (AES-256)', v: 1 },
          { label: 'Also a legacy PFX', description: '3DES, for Windows Server 2016 and older', v: 2 },
        ],
        { title: 'New Self-Signed Certificate (3/3): PFX', ignoreFocusOut: true },
      );
      if (!pick) cancelled();
      a.pfx = pick.v > 0;
      a.legacyPfx = pick.v === 2;
    }
  }
  if ((a.pfx || a.legacyPfx) && a.passphrase === undefined) {
    a.passphrase = await askPassphrase(`Passphrase for ${a.name}.pfx`, true);
    typedPassphrase = true;
  }
  const name = a.name;
  const keyLabel = a.keyType === 'ec' ? 'ECDSA P-256' : `RSA ${a.bits ?? 4096}`;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating certificate '${name}' (${keyLabel})`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: 'generating the key pair…' });
      // Cancel stops a raced RSA search at once; an in-process one is discarded. Nothing is written.
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const generated = await generateCertificate({ keyType: a.keyType, bits: a.bits, cn: a.cn, days: a.days, signal: abort.signal }).finally(() => sub.dispose());
      if (token.isCancellationRequested) return undefined;
      progress.report({ message: 'writing files…' });
      const files = await writeKeyFiles({
        workspaceRoot: root,
        folder: folderPath(a.folder ?? DEFAULT_CERT_FOLDER),
        name,
        generated,
        passphrase: a.keyPassphrase,
        pfx: a.pfx || a.legacyPfx,
        legacyPfx: a.legacyPfx,
        pfxPassphrase: a.passphrase,
      });
      return { files, thumbprint: generated.thumbprint, sha256: generated.sha256, notAfter: generated.notAfter.toISOString() };
    },
  );
  if (!result) return undefined;
  if (typedPassphrase && result.files.pfx) await passphrases.offerToRemember(vscode.Uri.file(result.files.pfx), a.passphrase!);
  void vscode.window
    .showInformationMessage(`Created ${name}.key, .crt and .cer in ${relative(root, dirname(result.files.key)) || '.'} (key git-ignored). Upload ${name}.cer in Flowgear; thumbprint ${result.thumbprint}.`, 'Copy Thumbprint', 'Reveal .cer')
    .then(async (pick) => {
      if (pick === 'Copy Thumbprint') await copy(result.thumbprint, 'thumbprint');
      if (pick === 'Reveal .cer') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.files.cer));
    });
  return result;
}

async function copy(value: string, what: string): Promise<string> {
  await vscode.env.clipboard.writeText(value);
  vscode.window.setStatusBarMessage(`$(check) Copied ${what} ${value}`, 4000);
  return value;
}

/** Certificates of a file; PFX passphrases from SecretStorage or a prompt. */
async function certificatesOf(uri: vscode.Uri, passphrases: PfxPassphrases): Promise<CertificateInfo[]> {
  const bytes = uri.scheme === 'file' ? await readBounded(uri.fsPath, { field: 'certificate' }) : Buffer.from(await vscode.workspace.fs.readFile(uri));
  const fileName = uri.path.split('/').pop();
  let passphrase = await passphrases.get(uri);
  for (let attempt = 0; ; attempt++) {
    try {
      const infos = inspectCertificates(bytes, { fileName, passphrase });
      if (attempt > 0 && passphrase !== undefined) void passphrases.offerToRemember(uri, passphrase);
      return infos;
    } catch (e) {
      const code = e instanceof UserError ? e.code : '';
      if ((code !== 'pfx-passphrase-required' && code !== 'pfx-bad-passphrase') || attempt >= 3) throw e;
      if (code === 'pfx-bad-passphrase' && attempt === 0) await passphrases.forget(uri);
      passphrase = await passphrases.prompt(uri, code === 'pfx-bad-passphrase');
      if (passphrase === undefined) cancelled();
    }
  }
}

async function pickCertificate(infos: CertificateInfo[]): Promise<CertificateInfo> {
  if (infos.length === 1) return infos[0];
  const pick = await vscode.window.showQuickPick(
    infos.map((i, n) => ({ label: i.subject || '(empty subject)', description: i.thumbprint, detail: `Certificate ${n + 1}, issued by ${i.issuer || '(empty)'}`, i })),
    { title: 'Which certificate?' },
  );
  if (!pick) cancelled();
  return pick.i;
}

/** The certificate the user means: an argument, the block at the cursor, or a file to choose. */
async function targetCertificate(arg: unknown, cache: BlockCache, passphrases: PfxPassphrases): Promise<CertificateInfo | string> {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return pickCertificate(await certificatesOf(arg, passphrases));
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const blocks = cache.get(editor.document).filter((b) => b.info);
    const here = blockAt(cache, editor.document, editor.selection.active) ?? (blocks.length === 1 ? blocks[0] : undefined);
    if (here?.info) return here.info;
    if (blocks.length) return pickCertificate(blocks.map((b) => b.info!));
  }
  const [uri] =
    (await vscode.window.showOpenDialog({ title: 'Certificate file', canSelectMany: false, filters: { Certificates: ['crt', 'cer', 'der', 'pem', 'pfx', 'p12'] } })) ?? [];
  if (!uri) cancelled();
  return pickCertificate(await certificatesOf(uri, passphrases));
}

async function pickFile(title: string, extensions: string[]): Promise<string> {
  const [uri] = (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { [title]: extensions } })) ?? [];
  if (!uri) cancelled();
  return uri.fsPath;
}

/** Finds NAME.key next to NAME.crt (and the other way round). */
function sibling(file: string, exts: string[]): string | undefined {
  const base = join(dirname(file), basename(file, extname(file)));
  return exts.map((e) => `${base}.${e}`).find((p) => existsSync(p));
}

async function exportPfxCommand(passphrases: PfxPassphrases, arg?: ExportPfxArgs | vscode.Uri): Promise<string | undefined> {
  let a: Partial<ExportPfxArgs> = {};
  let interactive = false;
  if (arg instanceof vscode.Uri || arg === undefined) {
    interactive = true;
    const file = arg?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
    if (file && /\.key$/i.test(file)) a = { key: file, cert: sibling(file, ['crt', 'cer', 'pem']) };
    else if (file && CERT_FILE.test(file)) a = { cert: file, key: sibling(file, ['key']) };
    a.cert ??= await pickFile('Certificate', ['crt', 'cer', 'pem', 'der']);
    a.key ??= await pickFile('Private key', ['key', 'pem']);
  } else a = { ...arg };
  const cert = a.cert!;
  const key = a.key!;
  const root = workspaceRoot(vscode.Uri.file(cert));

  const certs = readCertificates(await readBounded(cert, { field: 'certificate' }), { fileName: cert });
  const keyText = (await readBounded(key, { field: 'private key' })).toString('latin1');
  if (/ENCRYPTED/.test(keyText) && a.keyPassphrase === undefined) {
    a.keyPassphrase = await vscode.window.showInputBox({ title: `Passphrase of ${basename(key)}`, password: true, ignoreFocusOut: true });
    if (a.keyPassphrase === undefined) cancelled();
  }
  if (interactive) {
    const defaultOut = join(dirname(cert), `${basename(cert, extname(cert))}.pfx`);
    const out = await vscode.window.showInputBox({
      title: 'Export PFX: file',
      value: defaultOut,
      valueSelection: [defaultOut.length - basename(defaultOut).length, defaultOut.length - 4],
      ignoreFocusOut: true,
      validateInput: (v) => (!/\.(pfx|p12)$/i.test(v) ? 'End the name with .pfx or .p12.' : existsSync(v) ? 'That file exists; choose another name.' : undefined),
    });
    if (out === undefined) cancelled();
    a.out = out;
    if (a.legacy === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Modern (AES-256)', description: 'Windows 10/Server 2019 and later, OpenSSL 3, macOS', legacy: false },
          { label: 'Legacy (3DES)', description: 'Windows Server 2016 and older', legacy: true },
        ],
        { title: 'Export PFX: encryption', ignoreFocusOut: true },
      );
      if (!pick) cancelled();
      a.legacy = pick.legacy;
    }
  }
  const typed = a.passphrase === undefined;
  const passphrase = a.passphrase ?? (await askPassphrase(`Passphrase for ${basename(a.out ?? 'the PFX')}`, true));
  const out = a.out ?? join(dirname(cert), `${basename(cert, extname(cert))}.pfx`);
  const pfx = exportPfx({
    certPem: derToPem(certs[0]),
    chainPem: certs.slice(1).map((d) => derToPem(d)),
    keyPem: keyText,
    keyPassphrase: a.keyPassphrase,
    passphrase,
    legacy: a.legacy,
    friendlyName: a.friendlyName,
  });
  await writeNewFiles(root, dirname(out), [[out, pfx, 0o600]], [out]);
  if (typed) await passphrases.offerToRemember(vscode.Uri.file(out), passphrase);
  void vscode.window.showInformationMessage(`Exported ${basename(out)}${a.legacy ? ' (legacy 3DES)' : ''}.`);
  return out;
}

async function showDetails(arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    const file = await pickFile('Certificate', ['crt', 'cer', 'der', 'pem', 'pfx', 'p12']);
    return showDetails(vscode.Uri.file(file));
  }
  if (uri.scheme !== 'file') throw new UserError('Save the document first: the certificate viewer shows files.', 'not-a-file');
  explicitOpens.add(uri.toString());
  await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, { preview: false });
}

export function registerCommands(context: vscode.ExtensionContext, cache: BlockCache, passphrases: PfxPassphrases) {
  registerCommand(context, Command.certNew, (arg?: NewCertificateArgs | vscode.Uri) => newCertificate(passphrases, arg), { trust: WRITE_TRUST });
  registerCommand(context, Command.certExportPfx, (arg?: ExportPfxArgs | vscode.Uri) => exportPfxCommand(passphrases, arg), { trust: WRITE_TRUST });
  registerCommand(context, Command.certCopyThumbprint, async (arg?: unknown) => {
    const t = await targetCertificate(arg, cache, passphrases);
    return copy(typeof t === 'string' ? t : t.thumbprint, 'thumbprint');
  });
  registerCommand(context, Command.certCopySha256, async (arg?: unknown) => {
    const t = await targetCertificate(arg, cache, passphrases);
    return copy(typeof t === 'string' ? t : t.sha256, 'SHA-256');
  });
  registerCommand(context, Command.certShowDetails, (arg?: unknown) => showDetails(arg));
}
