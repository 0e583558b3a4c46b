import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Agent, request } from 'undici';
import { SiteClient } from '../../src/core/site/client';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../unit/helpers/fixture';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Writes a file through its (possibly open) document, so the editor and the store see the same text. */
async function writeThroughEditor(file: string, text: string) {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
  await doc.save();
}

describe('Flowgear site in the editor (AuthenticationProvider, pull, drift, push, run log) against the emulator', () => {
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let local: string;
  before(async () => {
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
      keys: [{ name: 'ci' }],
    });
    emu = await startEmulator({ workspace: fx.dir, managementPassword: 'pw-7' });
    local = mkdtempSync(join(tmpdir(), 'fg-site-editor-'));
    writeFileSync(join(local, 'flowgear.json'), `{\n  // pulled below\n  "site": "${emu.url}",\n  "ca": ${JSON.stringify(emu.caPath)}\n}\n`);
  });
  after(async () => {
    await vscode.commands.executeCommand('flowgear.site.signOut');
    await emu?.close();
    fx?.cleanup();
    rmSync(local, { recursive: true, force: true });
  });

  it('signs in through the "Flowgear" AuthenticationProvider (session in SecretStorage, shown as an account)', async () => {
    const bad = (await vscode.commands.executeCommand('flowgear.site.signIn', { user: 'dev@example.com', password: 'wrong', apiUrl: emu.managementUrl, ca: emu.caPath }).then(
      () => undefined,
      (e: Error) => e,
    )) as Error | undefined;
    assert.match(String(bad?.message), /wrong username or password/);
    const r = (await vscode.commands.executeCommand('flowgear.site.signIn', { user: 'dev@example.com', password: 'pw-7', apiUrl: emu.managementUrl, ca: emu.caPath })) as { account: string; apiUrl: string };
    assert.deepEqual(r, { account: 'dev@example.com', apiUrl: emu.managementUrl });
    const accounts = await vscode.authentication.getAccounts('flowgear');
    assert.deepEqual(accounts.map((a) => a.label), ['dev@example.com']);
  });

  it('pulls into flowgear.json (comment kept), shows drift in Problems after a key is toggled on the site, pushes it back', async () => {
    const file = join(local, 'flowgear.json');
    const pulled = (await vscode.commands.executeCommand('flowgear.site.pull', { folder: local })) as { site: string };
    assert.equal(pulled.site, 'acme');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /\/\/ pulled below/);
    assert.match(text, /"siteApi"/);
    assert.match(text, /"name": "ci"/);

    // Someone disables the key in the console (here: through the API).
    const c = new SiteClient({ apiUrl: emu.managementUrl, user: 'dev@example.com', caFile: emu.caPath });
    await c.receiveToken('pw-7');
    const siteId = (await c.sites())[0].SiteId;
    const ci = (await c.keys(siteId)).find((k) => k.Name === 'ci')!;
    await c.editKey(siteId, ci.SiteKeyId!, { ...ci, IsEnabled: false });
    await c.dispose();

    const compared = (await vscode.commands.executeCommand('flowgear.site.compare', { folder: local })) as { items: { name: string; state: string }[] };
    assert.deepEqual(compared.items.map((i) => [i.name, i.state]), [['ci', 'differs']]);
    await until('drift in Problems', () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).some((d) => d.source === 'Flowgear site' && /key 'ci' differs: enabled is true here, false on the site/.test(d.message)));
    assert.ok(vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'flowgear-site')), 'a diff editor: flowgear.json now vs after pull');

    const pushed = (await vscode.commands.executeCommand('flowgear.site.push', { folder: local, yes: true })) as { applied: { action: string; key: string }[] };
    assert.deepEqual(pushed.applied, [{ action: 'update', key: 'ci' }]);
    assert.match(readFileSync(fx.manifestFile, 'utf8'), /"name": "ci",\s*"enabled": true/);
    await until('drift cleared', () => !vscode.languages.getDiagnostics(vscode.Uri.file(file)).some((d) => d.source === 'Flowgear site'));
  });

  it('Show Run Log: the last run of the workflow after an invoke', async () => {
    const dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath), cert: readFileSync(fx.keys.ci.certificatePem), key: readFileSync(fx.keys.ci.privateKey) } });
    const res = await request(`${emu.url}/customers/5`, { dispatcher });
    await res.body.dump();
    await dispatcher.close();
    assert.equal(res.statusCode, 200);
    const r = (await vscode.commands.executeCommand('flowgear.site.showRunLog', { folder: local, workflow: 'Get Customer' })) as { text: string; runs: number };
    assert.equal(r.runs, 1);
    assert.match(r.text, /Get Customer \[Success\]/);
    assert.match(r.text, /Workflow Response \[Success\] .*Responded 200 to key 'ci'/);
  });

  it('a key edit in the Keys commands changes the Site too when flowgear.json is pulled from it and the user is signed in', async () => {
    const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = join(ws, 'flowgear.json');
    const original = readFileSync(file, 'utf8');
    try {
      const c = new SiteClient({ apiUrl: emu.managementUrl, user: 'dev@example.com', caFile: emu.caPath });
      await c.receiveToken('pw-7');
      const siteId = (await c.sites())[0].SiteId;
      await c.dispose();
      const m = JSON.parse(original) as Record<string, unknown>;
      m.siteApi = { url: emu.managementUrl, siteId };
      m.keys = [{ name: 'ci', thumbprint: fx.keys.ci.thumbprint, permittedWorkflows: ['Get Customer'] }];
      await writeThroughEditor(file, JSON.stringify(m, null, 2) + '\n');
      await vscode.commands.executeCommand('flowgear.refresh');
      const r = (await vscode.commands.executeCommand('flowgear.key.disable', { key: 'ci', push: true })) as { site?: string } | undefined;
      assert.deepEqual(r, { site: 'update ci' });
      assert.match(readFileSync(file, 'utf8'), /"enabled": false/);
      assert.match(readFileSync(fx.manifestFile, 'utf8'), /"name": "ci",\s*"enabled": false/, 'the Site (emulator) has the key disabled too');
      const local = (await vscode.commands.executeCommand('flowgear.key.enable', { key: 'ci' })) as unknown;
      assert.equal(local, undefined, 'without push: true a programmatic edit leaves the Site alone');
      assert.match(readFileSync(fx.manifestFile, 'utf8'), /"name": "ci",\s*"enabled": false/);
    } finally {
      await writeThroughEditor(file, original);
      await vscode.commands.executeCommand('flowgear.refresh');
    }
  });
});
