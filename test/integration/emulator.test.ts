import * as assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../unit/helpers/fixture';
import { flowgearApi } from './api';

interface Info { url: string; caPath: string; workspace: string; mode: string; error?: string }
interface Status { running: boolean; url?: string; reloads: number; log: string[] }

const status = async (): Promise<Status> => (await flowgearApi()).emulatorStatus();

async function until(what: string, check: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function get(url: string, ca: string, cert?: { certificatePem: string; privateKey: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, {
      agent: false, ca: readFileSync(ca),
      ...(cert ? { cert: readFileSync(cert.certificatePem), key: readFileSync(cert.privateKey) } : {}),
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

describe('emulator in the editor', () => {
  afterEach(() => vscode.commands.executeCommand('flowgear.emulator.stop'));

  it('start/stop by command with a folder argument; logs to the channel; reloads when its flowgear.json changes', async () => {
    const fx: FixtureWorkspace = makeFixtureWorkspace({
      workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
      keys: [{ name: 'ci' }],
    });
    try {
      const info = (await vscode.commands.executeCommand('flowgear.emulator.start', { workspace: fx.dir })) as Info;
      assert.ok(info.url, JSON.stringify(info));
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.caPath, join(fx.dir, '.flowgear', 'emulator-ca.crt'));
      assert.equal(await get(`${info.url}/customers/1`, info.caPath, fx.keys.ci), 200);
      assert.ok((await status()).log.some((l) => /→ 200 'Get Customer' as key 'ci'/.test(l)));

      const before = (await status()).reloads;
      fx.manifest.keys[0].enabled = false;
      fx.writeManifest();
      await until('the reload', async () => (await status()).reloads > before);
      await until('the key to be refused', async () => (await get(`${info.url}/customers/1`, info.caPath, fx.keys.ci)) === 404);
      assert.ok((await status()).log.some((l) => /refused: disabled key: 'ci'/.test(l)));

      assert.deepEqual(await vscode.commands.executeCommand('flowgear.emulator.stop'), { stopped: true });
      assert.equal((await status()).running, false);
      await assert.rejects(get(`${info.url}/customers/1`, info.caPath), /ECONNREFUSED/);
    } finally {
      fx.cleanup();
    }
  });

  it('without arguments it serves the workspace folder, creates its CA git-ignored, and follows the ManifestStore', async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const manifestFile = join(root, 'flowgear.json');
    const original = readFileSync(manifestFile, 'utf8');
    try {
      const info = (await vscode.commands.executeCommand('flowgear.emulator.start')) as Info;
      assert.equal(info.workspace, root, JSON.stringify(info));
      assert.equal(statSync(join(root, '.flowgear', 'emulator-ca.key')).mode & 0o777, 0o600);
      assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), /^\.flowgear\/$/m);
      assert.equal(await get(`${info.url}/customers/1`, info.caPath), 404);
      assert.ok((await status()).log.some((l) => /404 refused: no client certificate/.test(l)));

      const before = (await status()).reloads;
      const m = JSON.parse(original);
      m.workflows.push({ name: 'Probe', method: 'GET', path: '/probe' });
      writeFileSync(manifestFile, JSON.stringify(m, null, 2));
      await until('a reload through the ManifestStore', async () => (await status()).log.some((l) => /loaded .* 4 workflow\(s\)/.test(l)));
      assert.ok((await status()).reloads > before);
    } finally {
      await vscode.commands.executeCommand('flowgear.emulator.stop');
      writeFileSync(manifestFile, original);
    }
  });
});
