import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningEmulator } from '../../src/emulator';
import { makeFixtureWorkspace, serveFixture, type FixtureWorkspace } from '../unit/helpers/fixture';

interface Outcome {
  url: string;
  workflow?: string;
  status?: number;
  error?: string;
  body?: string;
  key: string;
  environment: string;
  explanation?: string[];
  view: { title: string; html: string };
}

/** Webview tabs with this title, waiting briefly: the tab model follows panel creation asynchronously. */
async function responseTabs(title: string): Promise<vscode.Tab[]> {
  for (let i = 0; i < 50; i++) {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === title);
    if (tabs.length) return tabs;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

/**
 * Runs a command that opens quick picks and answers each with Enter (the first item), as a
 * user would. An Enter that lands while one quick pick hands over to the next can find no
 * active item yet and dismiss it; the flow is then started again (at most 3 times).
 */
async function acceptingQuickPicks<T>(command: string, args?: unknown): Promise<T | undefined> {
  let result: T | undefined;
  for (let attempt = 0; attempt < 3 && result === undefined; attempt++) {
    const pending = args === undefined ? vscode.commands.executeCommand<T>(command) : vscode.commands.executeCommand<T>(command, args);
    let settled = false;
    void pending.then(() => (settled = true));
    for (let i = 0; i < 40 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 250));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    result = await pending;
  }
  return result;
}

describe('invoke (request runner) in the real host', function () {
  this.timeout(60_000);
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;

  before(async () => {
    await vscode.extensions.getExtension('flowgear-mtls.flowgear-mtls')!.activate();
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [
        { name: 'List Customers', method: 'GET', path: '/customers' },
        { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
      ],
      keys: [{ name: 'prod' }, { name: 'ci-test', environment: 'Test' }, { name: 'late', enabled: false }],
    });
    emu = await serveFixture(fx, { certRequest: 'renegotiate' });
  });
  after(async () => {
    await vscode.commands.executeCommand('flowgear.env.pick', 'Production');
    await emu?.close();
    fx?.cleanup();
  });

  it('the environment picker changes _profile on the wire', async () => {
    assert.equal(await vscode.commands.executeCommand('flowgear.env.pick', 'Test'), 'Test');
    const test = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', { workflow: 'Get Customer', key: 'ci-test', vars: { id: '5' }, folder: fx.dir });
    assert.equal(test.status, 200, test.error ?? test.body);
    assert.equal(new URL(test.url).searchParams.get('_profile'), 'Test');
    assert.equal(JSON.parse(test.body!).FgProfile, 'Test', 'the emulator saw _profile=Test');

    assert.equal(await vscode.commands.executeCommand('flowgear.env.pick', 'Production'), 'Production');
    const prod = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', { workflow: 'Get Customer', key: 'ci-test', vars: { id: '5' }, folder: fx.dir });
    assert.equal(new URL(prod.url).searchParams.has('_profile'), false);
    assert.equal(prod.status, 404, 'a Test key without _profile is refused');
    assert.equal(prod.explanation?.[0], 'environment-mismatch');
  });

  it('invoke via command arguments opens the response view with Key: NAME', async () => {
    const r = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', { workflow: 'Get Customer', key: 'prod', vars: { id: '9' }, folder: fx.dir });
    assert.equal(r.status, 200, r.error);
    assert.equal(JSON.parse(r.body!).FgUsername, 'Key: prod');
    assert.match(r.view.html, /<span id="key">Key: prod<\/span>/);
    assert.match(r.view.html, /&lt;Username&gt;<mark class="username">Key: prod<\/mark>/);
    const tabs = await responseTabs(r.view.title);
    assert.equal(tabs.length, 1, `one response tab titled '${r.view.title}'`);
    // "Invoke Again" re-renders the same tab instead of opening another.
    const again = await vscode.commands.executeCommand<Outcome>('flowgear.invokeAgain');
    assert.equal(again.view.title, r.view.title);
    assert.equal((await responseTabs(r.view.title)).length, 1);
  });

  it('a tree node (workflow under a key) as the argument invokes without prompts', async () => {
    // The shape VS Code passes from the Workflows view: { kind, workflow, key, folder: WorkspaceFolder, … }.
    const node = { kind: 'workflowKey', workflow: { name: 'Get Customer' }, key: { name: 'prod' }, folder: { uri: vscode.Uri.file(fx.dir), name: 'fx', index: 9 } };
    const r = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', { ...node, vars: { id: '3' } });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.key, 'prod');
  });

  it('the palette flow: workflow and key quick picks, then the response', async () => {
    await vscode.commands.executeCommand('flowgear.env.pick', 'Production');
    // Without arguments the command asks; accept the first workflow (List Customers) and key (prod).
    const r = await acceptingQuickPicks<Outcome>('flowgear.invoke', { folder: fx.dir, interactive: true });
    assert.ok(r, 'the palette flow returned an outcome');
    assert.equal(r.status, 200, r.error);
    assert.equal(r.workflow, 'List Customers');
    assert.equal(JSON.parse(r.body!).FgUsername, 'Key: prod');
  });

  it('a 404 right after a key was enabled mentions the five-minute delay', async () => {
    const args = { workflow: 'Get Customer', key: 'late', vars: { id: '1' }, folder: fx.dir, environment: 'Test' };
    const before = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', args);
    assert.equal(before.status, 404);
    assert.equal(before.explanation?.[0], 'key-disabled');
    fx.manifest.keys.find((k) => k.name === 'late')!.enabled = true;
    fx.writeManifest();
    assert.ok(await emu.reload());
    // 'late' targets Production, so this invoke to Test is refused; the fresh enable is a likely cause too.
    const after = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', args);
    assert.equal(after.status, 404);
    assert.deepEqual(after.explanation?.slice(0, 2), ['environment-mismatch', 'key-recently-enabled']);
    assert.match(after.view.html, /can take up to five minutes/);
  });

  it('history: the newest invoke can be re-sent from the quick pick', async () => {
    const first = await vscode.commands.executeCommand<Outcome>('flowgear.invoke', { workflow: 'Get Customer', key: 'prod', vars: { id: '21' }, folder: fx.dir, environment: 'Production' });
    assert.equal(first.status, 200);
    // Accept the newest entry, then "Re-send".
    const again = await acceptingQuickPicks<Outcome>('flowgear.history');
    assert.ok(again, 'history returned an outcome');
    assert.equal(again.status, 200);
    assert.equal(again.url, first.url);
  });

  it('an unknown environment in the arguments is reported as data, without prompting', async () => {
    const r = await vscode.commands.executeCommand<{ error: string; code: string }>('flowgear.invoke', { workflow: 'Get Customer', key: 'prod', vars: { id: '1' }, folder: fx.dir, environment: 'Nope' });
    assert.equal(r.code, 'unknown-environment');
    assert.match(r.error, /unknown environment 'Nope'.*'Production', 'Test'/);
  });

  it('completes key, environment and workflow names after the directives', async () => {
    const file = join(fx.dir, 'complete.flowgear.http');
    writeFileSync(file, '# @key \n# @env \n# @workflow \nGET /customers/1\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const labels = async (line: number, character: number) => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, character));
      return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    const keys = await labels(0, 7);
    assert.ok(keys.includes('prod') && keys.includes('ci-test'), keys.join(', '));
    const envs = await labels(1, 7);
    assert.ok(envs.includes('Production') && envs.includes('Test'), envs.join(', '));
    assert.ok((await labels(2, 12)).includes('Get Customer'));
  });

  it('CodeLens "Invoke" above each request in a .flowgear.http file, and it invokes', async () => {
    const file = join(fx.dir, 'customers.flowgear.http');
    writeFileSync(file, '@id = 77\n\n# @key prod\nGET /customers/{{id}}\n\n###\n# @key ci-test\n# @env Test\nGET /customers/1\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(doc.languageId, 'flowgear-http');
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const invokes = lenses.filter((l) => l.command?.command === 'flowgear.invokeRequest');
    assert.deepEqual(invokes.map((l) => l.range.start.line), [3, 8]);
    assert.ok(lenses.some((l) => l.command?.command === 'flowgear.copyRequestAsCode'));
    const r = await vscode.commands.executeCommand<Outcome>(invokes[1].command!.command, ...(invokes[1].command!.arguments ?? []));
    assert.equal(r.status, 200, r.error);
    assert.equal(JSON.parse(r.body!).FgUsername, 'Key: ci-test');
    assert.equal(JSON.parse(r.body!).FgProfile, 'Test');
  });
  it('request-file problems appear with line and column, and one bad request leaves the others invokable', async () => {
    const file = join(fx.dir, 'mixed.flowgear.http');
    writeFileSync(file, '# @key prod\nGRPC /svc/Method\n\n###\n# @name first\n# @key prod\nGET /customers/5\n\n###\n# @key prod\nGET /customers/{{first.response.body.$.pathVariables.id}}{{missing}}\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    let diags: vscode.Diagnostic[] = [];
    for (let i = 0; i < 50 && !diags.length; i++) {
      diags = vscode.languages.getDiagnostics(doc.uri);
      if (!diags.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.code]), [[1, 0, vscode.DiagnosticSeverity.Error, 'unsupported-protocol']]);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.match(lenses.find((l) => l.range.start.line === 1)!.command!.title, /GRPC requests are not supported/);
    const first = await vscode.commands.executeCommand<Outcome>('flowgear.invokeRequest', doc.uri.toString(), 1);
    assert.equal(first.status, 200, first.error);
    const third = await vscode.commands.executeCommand<Outcome>('flowgear.invokeRequest', doc.uri.toString(), 2);
    assert.match(third.error ?? '', /line 11: \{\{missing\}\} has no value/);
  });
});
