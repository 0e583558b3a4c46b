import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

// Checks of the test host itself: the runner's environment reaches the extension host
// (FLOWGEAR_TEST_GREP travels the same way) and the fixture workspace is a fresh copy.
describe('integration host', () => {
  const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  it('opens a fresh copy of the fixture workspace', () => {
    const root = folder();
    assert.ok(root, 'a folder is open');
    assert.doesNotMatch(root, /test[/\\]integration[/\\]workspace$/, 'never the committed fixture itself');
    const manifest = JSON.parse(readFileSync(join(root, 'flowgear.json'), 'utf8'));
    assert.deepEqual(manifest.environments.map((e: { name: string }) => e.name), ['Production', 'Test']);
    assert.equal(manifest.workflows.length, 3);
    assert.deepEqual(manifest.keys, []);
  });

  it("passes the runner's environment into the extension host", () => {
    assert.equal(process.env.FLOWGEAR_TEST_WORKSPACE, folder());
    const repo = process.env.FLOWGEAR_REPO_ROOT;
    assert.ok(repo, 'FLOWGEAR_REPO_ROOT is set');
    assert.equal(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).name, 'flowgear-mtls');
  });

  it('is the VS Code and Node.js the runner started (1.100 on Node 20, 1.139 on Node 24)', () => {
    assert.equal(vscode.version, process.env.FLOWGEAR_HOST_VSCODE);
    assert.equal(process.versions.node, process.env.FLOWGEAR_HOST_NODE, 'the extension host runs on the server\'s Node');
  });
});
