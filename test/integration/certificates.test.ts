import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { flowgearApi } from './api';
import { exportPfx, generateCertificate, inspectCertificateFile, isGitignored, type GeneratedCertificate } from '../../src/core/certificates';

const DAY = 86_400_000;

async function waitFor<T>(what: string, fn: () => T | undefined | PromiseLike<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('certificates in the real host', function () {
  this.timeout(60_000);
  let root: string;
  let dir: string;
  let cert: GeneratedCertificate;

  before(async () => {
    await vscode.extensions.getExtension('flowgear-mtls.flowgear-mtls')!.activate();
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dir = join(root, 'it-certs');
    mkdirSync(dir, { recursive: true });
    cert = await generateCertificate({ bits: 2048, cn: 'hover fixture' });
    // Shared by the hover and CodeLens tests, so each can run alone (FLOWGEAR_TEST_GREP).
    writeFileSync(join(dir, 'fixture.pem'), `Our client certificate:\n${cert.certPem}`);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('flowgear.certificates').update('expiryWarningDays', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('hover on a PEM certificate shows subject, validity and the thumbprint, with copy links', async () => {
    const doc = await vscode.workspace.openTextDocument(join(dir, 'fixture.pem'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'x509-pem');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(3, 5));
    const text = hoverText(hovers);
    assert.match(text, new RegExp(cert.thumbprint));
    assert.match(text, new RegExp(cert.sha256));
    assert.match(text, /CN=hover fixture/);
    assert.match(text, /expires in 600 days/);
    assert.match(text, /command:flowgear\.cert\.copyThumbprint\?/);
    // Outside the block: no certificate hover.
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 3));
    assert.doesNotMatch(hoverText(none), new RegExp(cert.thumbprint));
  });

  it('CodeLens above the block carries the thumbprint and copies it', async () => {
    // The CodeLens API command reads the open model: open the document as a user would.
    const { uri } = await vscode.workspace.openTextDocument(join(dir, 'fixture.pem'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const lens = lenses.find((l) => l.command?.command === 'flowgear.cert.copyThumbprint');
    assert.ok(lens, 'a thumbprint lens');
    assert.equal(lens.range.start.line, 1);
    assert.match(lens.command!.title, new RegExp(cert.thumbprint));
    const copied = await vscode.commands.executeCommand<string>(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.equal(copied, cert.thumbprint);
  });

  it('diagnostics: expired is an error, soon-expiring a warning that follows the setting', async () => {
    const expired = await generateCertificate({ keyType: 'ec', days: 1, notBefore: new Date(Date.now() - 10 * DAY) });
    const soon = await generateCertificate({ keyType: 'ec', days: 10 });
    const file = join(dir, 'bundle.crt.pem');
    writeFileSync(file, expired.certPem + soon.certPem);
    const doc = await vscode.workspace.openTextDocument(file);
    const diags = await waitFor('two diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length === 2 ? d : undefined;
    });
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0].message, /expired on/);
    assert.equal(diags[1].severity, vscode.DiagnosticSeverity.Warning);
    assert.match(diags[1].message, /in 10 days/);
    await vscode.workspace.getConfiguration('flowgear.certificates').update('expiryWarningDays', 5, vscode.ConfigurationTarget.Workspace);
    const after = await waitFor('only the expired one', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length === 1 ? d : undefined;
    });
    assert.equal(after[0].severity, vscode.DiagnosticSeverity.Error);
  });

  it('a DER .cer opens in the certificate viewer, not as text', async () => {
    const file = join(dir, 'fixture.cer');
    writeFileSync(file, cert.certDer);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitFor('the custom editor tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.viewType === 'flowgear.certificateViewer' && input.uri.fsPath === file ? true : undefined;
    });
    const state = await waitFor('the viewer to render', () => flowgearApi().then((api) => api.viewerState(uri) as { thumbprints: string[] } | undefined));
    assert.deepEqual(state.thumbprints, [cert.thumbprint]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath === file, false, 'not opened as text');
  });

  it('a PFX opens in the viewer and asks for its passphrase; dismissed, the viewer says why', async () => {
    const file = join(dir, 'locked.pfx');
    writeFileSync(file, exportPfx({ certPem: cert.certPem, keyPem: cert.keyPem, passphrase: 'secret' }));
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', uri);
    // Dismiss the passphrase prompt once it is up (closing before it shows does nothing).
    const state = await waitFor('the locked viewer', async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return flowgearApi().then((api) => api.viewerState(uri) as { thumbprints: string[]; code?: string } | undefined);
    });
    assert.equal(state.code, 'pfx-passphrase-required');
    assert.deepEqual(state.thumbprints, []);
  });

  it('a PEM .crt opens as text (sniffed), and Show Certificate Details opens it in the viewer', async () => {
    const file = join(dir, 'pem.crt');
    writeFileSync(file, cert.certPem);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', uri);
    const editor = await waitFor('a text editor for pem.crt', () => (vscode.window.activeTextEditor?.document.uri.fsPath === file ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.languageId, 'x509-pem');
    await vscode.commands.executeCommand('flowgear.cert.showDetails', uri);
    await waitFor('the viewer for pem.crt', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.fsPath === file ? true : undefined;
    });
    const state = await waitFor('the viewer to render', () => flowgearApi().then((api) => api.viewerState(uri) as { thumbprints: string[] } | undefined));
    assert.deepEqual(state.thumbprints, [cert.thumbprint]);
  });

  it('flowgear.cert.new writes 0600 key and PFX, a .gitignore entry, and never overwrites', async () => {
    const r = await vscode.commands.executeCommand<{ files: { key: string; crt: string; cer: string; pfx?: string }; thumbprint: string }>('flowgear.cert.new', {
      name: 'it-key',
      keyType: 'ec',
      pfx: true,
      passphrase: 'pw-it',
    });
    assert.ok(r, 'the command returns the files');
    assert.equal(r.files.key, join(root, 'certs', 'it-key.key'));
    assert.equal(statSync(r.files.key).mode & 0o777, 0o600);
    assert.equal(statSync(r.files.pfx!).mode & 0o777, 0o600);
    assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), /^\/certs\/\*\.key$/m);
    assert.ok((await isGitignored(root, r.files.key)) && (await isGitignored(root, r.files.pfx!)));
    assert.equal(inspectCertificateFile(r.files.cer)[0].thumbprint, r.thumbprint);
    assert.equal(inspectCertificateFile(r.files.pfx!, { passphrase: 'pw-it' })[0].thumbprint, r.thumbprint);

    const before = readFileSync(r.files.key, 'utf8');
    // Refused (the error is shown to the user; a caller passing arguments sees the rejection).
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.cert.new', { name: 'it-key', keyType: 'ec' })), /Not overwriting/);
    assert.equal(readFileSync(r.files.key, 'utf8'), before);
  });

  it("flowgear.cert.new with Flowgear's defaults: RSA 4096, empty subject, 600 days, with the key search raced", async () => {
    const saved = process.env.FLOWGEAR_KEYGEN_RACERS;
    process.env.FLOWGEAR_KEYGEN_RACERS = '2'; // child processes from the extension host's execPath
    try {
      const r = await vscode.commands.executeCommand<{ files: { crt: string }; thumbprint: string }>('flowgear.cert.new', { name: 'recipe', folder: 'it-certs/recipe' });
      assert.ok(r, 'the command returns the files');
      const [info] = inspectCertificateFile(r.files.crt);
      assert.equal(info.keyType, 'RSA');
      assert.equal(info.keySize, 4096);
      assert.equal(info.subject, '');
      assert.equal(info.signatureAlgorithm, 'sha256WithRSAEncryption');
      assert.equal(info.daysLeft, 600);
      assert.equal(info.thumbprint, r.thumbprint);
    } finally {
      if (saved === undefined) delete process.env.FLOWGEAR_KEYGEN_RACERS;
      else process.env.FLOWGEAR_KEYGEN_RACERS = saved;
    }
  });

  it('copy thumbprint from a file and Export PFX with arguments', async () => {
    const uri = vscode.Uri.file(join(dir, 'fixture.cer'));
    assert.equal(await vscode.commands.executeCommand('flowgear.cert.copyThumbprint', uri), cert.thumbprint);
    writeFileSync(join(dir, 'fixture.key'), cert.keyPem, { mode: 0o600 });
    const out = await vscode.commands.executeCommand<string>('flowgear.cert.exportPfx', {
      cert: join(dir, 'fixture.cer'),
      key: join(dir, 'fixture.key'),
      out: join(dir, 'fixture.pfx'),
      legacy: true,
      passphrase: 'pfx-pw',
    });
    assert.equal(out, join(dir, 'fixture.pfx'));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.equal(inspectCertificateFile(out, { passphrase: 'pfx-pw' })[0].thumbprint, cert.thumbprint);
    assert.ok(await isGitignored(root, out), 'the PFX was git-ignored before it was written');
  });
});
