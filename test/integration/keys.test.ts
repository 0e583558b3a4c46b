import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { makeClientCertificate, type FixtureCertificate } from '../unit/helpers/fixture';
import { flowgearApi } from './api';

interface Item {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  tooltip?: string;
  children: Item[];
}

const config = () => vscode.workspace.getConfiguration('flowgear');
const keysView = async (): Promise<Item[]> => (await flowgearApi()).keysSnapshot();
const workflowsView = async (): Promise<Item[]> => (await flowgearApi()).workflowsSnapshot();

/** Polls until `probe` returns a truthy value (file watchers and debounces are asynchronous). */
async function waitFor<T>(probe: () => T | false | undefined | Promise<T | false | undefined>, what: string, timeoutMs = 8000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function openssl(args: string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('keys and workflows views, commands, wizard, diagnostics (real host)', function () {
  this.timeout(60_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const manifestFile = join(ws, 'flowgear.json');
  const manifestUri = vscode.Uri.file(manifestFile);
  let original: string;
  let ci: FixtureCertificate;
  let ops: FixtureCertificate;

  /** The fixture workflows plus two keys made by openssl; a comment to check edits keep it. */
  function manifest(over: (m: Record<string, any>) => void = () => undefined): string {
    const m: Record<string, any> = JSON.parse(original);
    m.keys = [
      { name: 'ci-test', enabled: true, environment: 'Test', certificate: 'certs/ci-test.crt', privateKey: 'certs/ci-test.key', thumbprint: ci.thumbprint, permittedWorkflows: ['Get Customer', 'Revenue Report'] },
      { name: 'ops', enabled: false, certificate: 'certs/ops.crt', privateKey: 'certs/ops.key', permittedWorkflows: ['Create Order'] },
    ];
    over(m);
    return '// team manifest: no secrets in here\n' + JSON.stringify(m, null, 2) + '\n';
  }

  async function writeAndSettle(text: string): Promise<void> {
    writeFileSync(manifestFile, text);
    await vscode.commands.executeCommand('flowgear.refresh');
  }

  before(async () => {
    await vscode.extensions.getExtension('flowgear-mtls.flowgear-mtls')!.activate();
    original = readFileSync(manifestFile, 'utf8');
    // openssl-made fixture certificates live 30 days: warn only in their last week here.
    await config().update('certificates.expiryWarningDays', 7, vscode.ConfigurationTarget.Workspace);
    // A git repository, so `git check-ignore` can confirm what our .gitignore check says.
    spawnSync('git', ['init', '-q'], { cwd: ws });
    writeFileSync(join(ws, '.gitignore'), 'certs/*.key\ncerts/*.pfx\n');
    ci = makeClientCertificate(join(ws, 'certs'), 'ci-test');
    ops = makeClientCertificate(join(ws, 'certs'), 'ops');
    await writeAndSettle(manifest());
  });

  after(async () => {
    // Other suites share this workspace: leave it as the fixture had it.
    writeFileSync(manifestFile, original);
    rmSync(join(ws, 'certs'), { recursive: true, force: true });
    rmSync(join(ws, '.gitignore'), { force: true });
    rmSync(join(ws, '.git'), { recursive: true, force: true });
    await config().update('certificates.expiryWarningDays', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('flowgear.refresh');
  });

  it('Keys view: one node per key with state, environment and children', async () => {
    const keys = await keysView();
    assert.deepEqual(keys.map((k) => [k.label, k.description, k.contextValue, k.icon]), [
      ['ci-test', 'Test', 'key.enabled', 'key'],
      ['ops', 'Production · disabled', 'key.disabled', 'circle-slash'],
    ]);
    const [cert, ...permitted] = keys[0].children;
    assert.equal(cert.label, 'Certificate');
    assert.match(cert.description!, new RegExp(`^${ci.thumbprint.slice(0, 4)}…${ci.thumbprint.slice(-4)} · expires \\d{4}-\\d\\d-\\d\\d$`));
    assert.match(keys[0].tooltip!, new RegExp(ci.thumbprint));
    assert.deepEqual(permitted.map((p) => [p.label, p.description, p.contextValue]), [
      ['Get Customer', 'GET /customers/{id}', 'key.workflow'],
      ['Revenue Report', 'GET /reports/revenue?name={name}', 'key.workflow'],
    ]);
  });

  it('Workflows view: METHOD /path, children are the keys permitting it', async () => {
    const wfs = await workflowsView();
    assert.deepEqual(wfs.map((w) => [w.label, w.description, w.contextValue]), [
      ['Get Customer', 'GET /customers/{id}', 'workflow'],
      ['Create Order', 'POST /orders', 'workflow'],
      ['Revenue Report', 'GET /reports/revenue?name={name}', 'workflow'],
    ]);
    assert.deepEqual(wfs[1].children.map((k) => [k.label, k.contextValue, k.icon]), [['ops', 'workflow.key.disabled', 'circle-slash']]);
  });

  it('live: an edit on disk reaches the views without a command (watcher), incl. the 409 warning', async () => {
    const started = Date.now();
    writeFileSync(manifestFile, manifest((m) => m.workflows.push({ name: 'Any Object', method: 'GET', path: '/{object}/{id}' })));
    const wfs = await waitFor(async () => {
      const v = await workflowsView();
      return v.some((w) => w.contextValue === 'workflow.ambiguous') && v;
    }, 'the ambiguous-route node');
    console.log(`views followed a manifest edit on disk in ${Date.now() - started} ms`);
    const warn = wfs.find((w) => w.contextValue === 'workflow.ambiguous')!;
    assert.equal(warn.label, 'Ambiguous route: Get Customer ↔ Any Object');
    assert.equal(warn.description, 'Flowgear answers 409');
    assert.equal(warn.icon, 'warning');
    await writeAndSettle(manifest());
  });

  it('live: deleting a certificate file turns the key into "certificate missing"', async () => {
    const crt = readFileSync(ops.certificate);
    rmSync(ops.certificate);
    const ops1 = await waitFor(async () => (await keysView()).find((k) => k.label === 'ops' && k.icon === 'error'), 'the missing-certificate state');
    assert.equal(ops1.description, 'Production · disabled · certificate missing');
    writeFileSync(ops.certificate, crt);
    await waitFor(async () => (await keysView()).find((k) => k.label === 'ops' && k.icon === 'circle-slash'), 'the file to be back');
  });

  it('enable / disable through the command update the manifest (comments kept) and the tree', async () => {
    await vscode.commands.executeCommand('flowgear.key.enable', { key: 'ops' });
    const text = readFileSync(manifestFile, 'utf8');
    assert.ok(text.startsWith('// team manifest: no secrets in here\n'), 'the comment survived');
    assert.match(text, /"name": "ops",\s*"enabled": true/);
    let keys = await keysView();
    assert.deepEqual([keys[1].contextValue, keys[1].icon, keys[1].description], ['key.enabled', 'key', 'Production']);

    // The tree node itself is a valid argument (context menu).
    const keyNode = { kind: 'key', key: { name: 'ops' }, folder: vscode.workspace.workspaceFolders![0] };
    await vscode.commands.executeCommand('flowgear.key.disable', keyNode);
    assert.match(readFileSync(manifestFile, 'utf8'), /"name": "ops",\s*"enabled": false/);
    keys = await keysView();
    assert.equal(keys[1].contextValue, 'key.disabled');
  });

  it('set environment and permitted workflows through commands with arguments', async () => {
    await vscode.commands.executeCommand('flowgear.key.setEnvironment', { key: 'ops', environment: 'Test' });
    await vscode.commands.executeCommand('flowgear.key.editPermittedWorkflows', { key: 'ops', workflows: ['Create Order', 'Get Customer'] });
    let ops1 = (await keysView())[1];
    assert.equal(ops1.description, 'Test · disabled');
    assert.deepEqual(ops1.children.slice(1).map((c) => c.label), ['Create Order', 'Get Customer']);
    await vscode.commands.executeCommand('flowgear.key.setEnvironment', { key: 'ops', environment: 'Production' });
    assert.doesNotMatch(readFileSync(manifestFile, 'utf8'), /"name": "ops"[^}]*"environment"/, 'Production is stored as no environment');
    ops1 = (await keysView())[1];
    assert.equal(ops1.description, 'Production · disabled');
  });

  it('copy thumbprint returns the certificate file\'s thumbprint', async () => {
    const thumb = await vscode.commands.executeCommand<string>('flowgear.key.copyThumbprint', { key: 'ci-test' });
    assert.equal(thumb, ci.thumbprint);
  });

  it('the new-key wizard with arguments writes files (0600, git-ignored), the manifest entry and the tree', async () => {
    const r = await vscode.commands.executeCommand<{ thumbprint: string; files: { certificate: string; privateKey: string; upload: string } }>('flowgear.key.new', {
      name: 'wizard-key',
      environment: 'Test',
      permittedWorkflows: ['Get Customer'],
      keyType: 'ec',
    });
    assert.ok(r, 'the wizard returned its result');
    assert.equal(statSync(r.files.privateKey).mode & 0o777, 0o600);
    assert.equal(r.files.upload, join(ws, 'certs', 'wizard-key.cer'));
    // The thumbprint the console will show = openssl's SHA-1 fingerprint of the .cer we tell the user to upload.
    const fp = openssl(['x509', '-inform', 'DER', '-in', r.files.upload, '-noout', '-fingerprint', '-sha1']);
    assert.equal(fp.trim().split('=')[1].replace(/:/g, ''), r.thumbprint);
    const text = readFileSync(manifestFile, 'utf8');
    assert.ok(text.startsWith('// team manifest'));
    const entry = JSON.parse(text.replace(/^\/\/.*\n/, '')).keys.find((k: { name: string }) => k.name === 'wizard-key');
    assert.deepEqual(entry, {
      name: 'wizard-key',
      enabled: true,
      environment: 'Test',
      permittedWorkflows: ['Get Customer'],
      certificate: 'certs/wizard-key.crt',
      privateKey: 'certs/wizard-key.key',
      thumbprint: r.thumbprint,
    });
    const node = (await keysView()).find((k) => k.label === 'wizard-key');
    assert.ok(node, 'the new key is in the tree');
    assert.equal(node.description, 'Test');
    const check = spawnSync('git', ['check-ignore', '-q', 'certs/wizard-key.key'], { cwd: ws });
    assert.equal(check.status, 0, 'git itself ignores the new private key');
  });

  it('the wizard with an existing certificate + key: checks they match, git-ignores the key, stores relative paths', async () => {
    const dir = join(ws, 'imported');
    const made = makeClientCertificate(dir, 'legacy');
    const other = makeClientCertificate(join(ws, 'elsewhere'), 'other');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('flowgear.key.new', { name: 'legacy', certificate: made.certificate, privateKey: other.privateKey })),
      /does not belong/,
    );
    const r = await vscode.commands.executeCommand<{ thumbprint: string }>('flowgear.key.new', { name: 'legacy', certificate: made.certificate, privateKey: made.privateKey, permittedWorkflows: ['Create Order'] });
    assert.equal(r.thumbprint, made.thumbprint);
    const entry = JSON.parse(readFileSync(manifestFile, 'utf8').replace(/^\/\/.*\n/, '')).keys.find((k: { name: string }) => k.name === 'legacy');
    assert.equal(entry.certificate, 'imported/legacy.crt');
    assert.equal(entry.privateKey, 'imported/legacy.key');
    assert.equal(spawnSync('git', ['check-ignore', '-q', 'imported/legacy.key'], { cwd: ws }).status, 0, 'the existing key is now git-ignored');
    await vscode.commands.executeCommand('flowgear.key.delete', { key: 'legacy' });
    assert.ok(existsSync(made.privateKey), 'Delete Key keeps the files unless asked');
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(ws, 'elsewhere'), { recursive: true, force: true });
  });

  it('the wizard refuses a duplicate or invalid name and writes nothing', async () => {
    const before = readFileSync(manifestFile, 'utf8');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.key.new', { name: 'WIZARD-KEY', keyType: 'ec' })), /already exists/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.key.new', { name: '../evil', keyType: 'ec' })), /Invalid key name/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.key.new', { name: 'x1', environment: 'Nope', keyType: 'ec' })), /not declared/);
    assert.equal(readFileSync(manifestFile, 'utf8'), before);
    assert.equal(existsSync(join(ws, 'certs', 'x1.key')), false);
  });

  it('export PFX writes a 0600 PKCS#12 that openssl opens with the passphrase', async () => {
    const out = await vscode.commands.executeCommand<string>('flowgear.key.exportPfx', { key: 'wizard-key', passphrase: 'correct horse' });
    assert.equal(out, join(ws, 'certs', 'wizard-key.pfx'));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const info = spawnSync('openssl', ['pkcs12', '-in', out, '-nokeys', '-passin', 'pass:correct horse'], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /BEGIN CERTIFICATE/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.key.exportPfx', { key: 'wizard-key', passphrase: 'again' })), /Not overwriting/);
  });

  it('delete key with files removes the entry and the files', async () => {
    await vscode.commands.executeCommand('flowgear.key.delete', { key: 'wizard-key', deleteFiles: true });
    assert.equal((await keysView()).some((k) => k.label === 'wizard-key'), false);
    assert.equal(existsSync(join(ws, 'certs', 'wizard-key.key')), false);
    assert.equal(existsSync(join(ws, 'certs', 'wizard-key.crt')), false);
  });

  it('Create flowgear.json writes a starter manifest that loads; Open opens it', async () => {
    const saved = readFileSync(manifestFile, 'utf8');
    rmSync(manifestFile);
    await vscode.commands.executeCommand('flowgear.refresh');
    try {
      assert.deepEqual(await keysView(), [], 'no manifest: empty view (the welcome content shows)');
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('flowgear.manifest.create', { site: 'ftp://acme' })), /https/);
      assert.equal(existsSync(manifestFile), false, 'nothing written for a bad site');
      const uri = await vscode.commands.executeCommand<vscode.Uri>('flowgear.manifest.create', { site: 'https://acme.flowgear.net/' });
      assert.equal(uri.fsPath, manifestFile);
      const created = JSON.parse(readFileSync(manifestFile, 'utf8'));
      assert.equal(created.site, 'https://acme.flowgear.net');
      assert.deepEqual(created.keys, []);
      assert.deepEqual(await keysView(), [], 'a manifest without keys');
      assert.equal((await workflowsView()).length, 0);
      const opened = await vscode.commands.executeCommand<vscode.Uri>('flowgear.manifest.open');
      assert.equal(opened.fsPath, manifestFile);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, manifestFile);
      assert.equal(vscode.window.activeTextEditor?.document.languageId, 'jsonc', 'flowgear.json is JSON with comments');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await writeAndSettle(saved);
    }
  });

  describe('diagnostics on flowgear.json', () => {
    const codes = () => vscode.languages.getDiagnostics(manifestUri).filter((d) => d.source === 'flowgear').map((d) => String(d.code));
    async function expectDiagnostic(text: string, code: string): Promise<vscode.Diagnostic> {
      await writeAndSettle(text);
      await waitFor(() => codes().includes(code), `diagnostic ${code} (have: ${codes().join(', ')})`);
      return vscode.languages.getDiagnostics(manifestUri).find((d) => d.code === code)!;
    }

    it('a clean manifest has no flowgear diagnostics', async () => {
      await writeAndSettle(manifest());
      await waitFor(() => codes().length === 0, `no diagnostics (have: ${codes().join(', ')})`);
    });

    const cases: [string, string, (m: Record<string, any>) => void, vscode.DiagnosticSeverity][] = [
      ['duplicate key names', 'duplicate-key', (m) => (m.keys[1].name = 'CI-TEST'), vscode.DiagnosticSeverity.Error],
      ['certificate file missing', 'file-missing', (m) => (m.keys[0].certificate = 'certs/gone.crt'), vscode.DiagnosticSeverity.Error],
      ['key does not match certificate', 'key-mismatch', (m) => (m.keys[0].privateKey = 'certs/ops.key'), vscode.DiagnosticSeverity.Error],
      ['thumbprint differs from the file', 'thumbprint-mismatch', (m) => (m.keys[0].thumbprint = 'AB'.repeat(20)), vscode.DiagnosticSeverity.Error],
      ['environment not declared', 'undeclared-environment', (m) => (m.keys[0].environment = 'Staging'), vscode.DiagnosticSeverity.Error],
      ['permitted workflow unknown', 'unknown-workflow', (m) => m.keys[0].permittedWorkflows.push('Nope'), vscode.DiagnosticSeverity.Error],
      ['key with no permitted workflows', 'no-permitted-workflows', (m) => (m.keys[1].permittedWorkflows = []), vscode.DiagnosticSeverity.Warning],
      ['ambiguous routes', 'ambiguous-route', (m) => m.workflows.push({ name: 'Any', method: 'GET', path: '/{object}/{id}' }), vscode.DiagnosticSeverity.Warning],
      ['certificate expiring', 'certificate-expiring', () => undefined, vscode.DiagnosticSeverity.Warning],
    ];
    for (const [title, code, change, severity] of cases) {
      it(`${title} → ${code}`, async () => {
        if (code === 'certificate-expiring') {
          // The fixture certificates live 30 days: warning 40 days ahead flags them.
          await config().update('certificates.expiryWarningDays', 40, vscode.ConfigurationTarget.Workspace);
        }
        try {
          const d = await expectDiagnostic(manifest(change), code);
          assert.equal(d.severity, severity);
          assert.ok(d.message.length > 10);
        } finally {
          if (code === 'certificate-expiring') await config().update('certificates.expiryWarningDays', 7, vscode.ConfigurationTarget.Workspace);
        }
      });
    }

    it('invalid JSON → json-syntax error at its line', async () => {
      const d = await expectDiagnostic('{\n  "site": "https://acme.flowgear.net",\n  "keys": [\n}\n', 'json-syntax');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(d.range.start.line, 3);
      const keys = await keysView();
      assert.equal(keys[0].contextValue, 'manifest.invalid', 'the view says the manifest is broken');
    });

    it('private key not git-ignored → quick fix adds it to .gitignore and the error goes away', async () => {
      mkdirSync(join(ws, 'secrets'), { recursive: true });
      writeFileSync(join(ws, 'secrets', 'ops.key'), readFileSync(ops.privateKey));
      const d = await expectDiagnostic(manifest((m) => (m.keys[1].privateKey = 'secrets/ops.key')), 'not-gitignored');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', manifestUri, d.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => /to \.gitignore/.test(a.title));
      assert.ok(fix?.command, `a .gitignore quick fix (got: ${actions.map((a) => a.title).join(' | ')})`);
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      assert.match(readFileSync(join(ws, '.gitignore'), 'utf8'), /^\/secrets\/ops\.key$/m);
      await waitFor(() => !codes().includes('not-gitignored'), 'the not-gitignored error to clear');
      rmSync(join(ws, 'secrets'), { recursive: true, force: true });
    });

    it('thumbprint quick fix writes the file\'s thumbprint', async () => {
      const d = await expectDiagnostic(manifest((m) => (m.keys[0].thumbprint = 'AB'.repeat(20))), 'thumbprint-mismatch');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', manifestUri, d.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title.includes(ci.thumbprint));
      assert.ok(fix?.edit, 'a thumbprint quick fix with an edit');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const doc = await vscode.workspace.openTextDocument(manifestUri);
      assert.ok(doc.getText().includes(`"thumbprint": "${ci.thumbprint}"`));
      await waitFor(() => !codes().includes('thumbprint-mismatch'), 'diagnostics to follow the unsaved edit');
      await doc.save();
    });
  });
});
