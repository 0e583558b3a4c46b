import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXT_ID = 'flowgear-mtls.flowgear-mtls';

describe('extension host', () => {
  it('runs inside a real VS Code', () => {
    console.log(`vscode.version = ${vscode.version}, uiKind = ${vscode.env.uiKind === vscode.UIKind.Web ? 'Web' : 'Desktop'}, appName = ${vscode.env.appName}`);
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('activates the extension', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed in the host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers both views in the Flowgear container', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    const views = ext.packageJSON.contributes.views.flowgear.map((v: { id: string }) => v.id);
    assert.deepEqual(views, ['flowgear.keys', 'flowgear.workflows']);
    // Focusing a view only succeeds when the workbench knows it.
    await vscode.commands.executeCommand('flowgear.keys.focus');
    await vscode.commands.executeCommand('flowgear.workflows.focus');
  });

  it('runs a command and returns its result; reports activation time', async () => {
    const about = await vscode.commands.executeCommand<{ version: string; activationMs: number; vscodeVersion: string }>('flowgear.about');
    assert.equal(about.vscodeVersion, vscode.version);
    assert.match(about.version, /^\d+\.\d+\.\d+$/);
    assert.ok(about.activationMs >= 0);
    console.log(`activation took ${about.activationMs.toFixed(2)} ms (goal < 50 ms)`);
  });
});
