import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningEmulator } from '../../src/emulator';
import { makeFixtureWorkspace, serveFixture, type FixtureWorkspace } from '../unit/helpers/fixture';
import { flowgearApi } from './api';

const CHECKS = `### ok
# @name ok
# @key prod
GET /customers/1
# @expect status 200
# @expect json $.FgUsername == Key: prod

### fails
# @key prod
GET /customers/{{ok.response.body.$.pathVariables.id}}
?? status == 201

### not a test (no expectations)
# @key prod
GET /customers/3
`;

describe('request files as tests in the real host (Testing view, response view, inline)', function () {
  this.timeout(90_000);
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let uri: vscode.Uri;
  before(async () => {
    await vscode.extensions.getExtension('flowgear-mtls.flowgear-mtls')!.activate();
    fx = makeFixtureWorkspace({ environments: [{ name: 'Production', production: true }], workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }], keys: [{ name: 'prod' }] });
    emu = await serveFixture(fx, {});
    const file = join(fx.dir, 'checks.flowgear.http');
    writeFileSync(file, CHECKS);
    uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });
  after(async () => {
    await emu?.close();
    fx?.cleanup();
  });

  it('requests with @expect are test items (file → request); a run reports passed and failed through the API', async () => {
    const api = await flowgearApi();
    const ctrl = api.requestTests.controller;
    let fileItem: vscode.TestItem | undefined;
    for (let i = 0; i < 50 && !(fileItem = ctrl.items.get(uri.toString())); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fileItem, 'the file is a test item');
    const children: vscode.TestItem[] = [];
    fileItem.children.forEach((c) => void children.push(c));
    assert.deepEqual(children.map((c) => [c.label, c.range?.start.line]), [['ok', 3], ['fails', 9]]);

    await api.requestTests.run([fileItem]);
    const ok = api.requestTests.results.get(`${uri.toString()}#0`)!;
    const fails = api.requestTests.results.get(`${uri.toString()}#1`)!;
    assert.equal(ok.state, 'passed', JSON.stringify(ok.error ?? ok.expectations));
    assert.equal(fails.state, 'failed');
    assert.equal(fails.status, 200);
    assert.match(fails.url!, /\/customers\/1$/, 'the chained value from "ok" was used');
    assert.deepEqual(fails.expectations.filter((e) => !e.pass).map((e) => [e.expectation.line, e.message]), [[10, 'expected status == 201, got 200']]);

    // One item alone.
    api.requestTests.results.clear();
    await api.requestTests.run([children[0]]);
    assert.deepEqual([...api.requestTests.results.keys()], [`${uri.toString()}#0`]);
  });

  it('invoking a request with @expect shows ✔/✘ with the actual value in the response view', async () => {
    const r = await vscode.commands.executeCommand<{ status?: number; error?: string; expectations?: { line: number; check: string; pass: boolean; actual: string }[]; view: { html: string } }>('flowgear.invokeRequest', uri.toString(), 1);
    assert.equal(r.status, 200, r.error);
    assert.deepEqual(r.expectations, [{ line: 10, check: 'status == 201', pass: false, actual: '200', message: 'expected status == 201, got 200' }]);
    assert.match(r.view.html, /<ul class="expects" id="expectations"><li class="fail" data-line="11">✘ status == 201 <span class="actual">\(200\)<\/span><\/li><\/ul>/);
  });
  it('"Import .http File…" writes NAME.flowgear.http beside the file with a key and what was not carried over', async () => {
    const src = join(fx.dir, 'legacy.http');
    writeFileSync(src, 'GET {{host}}/customers/4\nAuthorization: Digest abc\n');
    const r = await vscode.commands.executeCommand<{ file: string; notes: string[] }>('flowgear.importHttpFile', vscode.Uri.file(src));
    assert.equal(r.file, join(fx.dir, 'legacy.flowgear.http'));
    assert.deepEqual(r.notes.map((n) => n.slice(0, 7)), ['line 2:']);
    assert.match(readFileSync(r.file, 'utf8'), /^# Imported from legacy\.http[\s\S]*\n\n# @key prod\nGET \{\{host\}\}\/customers\/4\n# Authorization: Digest abc\n$/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, r.file);
    const before = readFileSync(r.file, 'utf8');
    const again = await Promise.resolve(vscode.commands.executeCommand<{ file?: string } | undefined>('flowgear.importHttpFile', vscode.Uri.file(src))).catch(() => undefined);
    assert.equal(again?.file, undefined, 'a second import does not write');
    assert.equal(readFileSync(r.file, 'utf8'), before, 'never overwrites');
  });
});
