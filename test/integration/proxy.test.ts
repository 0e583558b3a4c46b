import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunningEmulator } from '../../src/emulator';
import { makeFixtureWorkspace, serveFixture, type FixtureWorkspace } from '../unit/helpers/fixture';
import { haveTinyproxy, startProxy, type TestProxy } from '../unit/helpers/proxy';

interface Outcome {
  url: string;
  status?: number;
  error?: string;
  body?: string;
  proxy?: string;
  serverTrust?: string;
  view: { title: string; html: string };
}

/** The editor honours VS Code's http.proxy / http.proxySupport for invokes (a real tinyproxy). */
describe('invoke through VS Code\'s http.proxy in the real host', function () {
  this.timeout(60_000);
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let proxy: TestProxy;
  const http = () => vscode.workspace.getConfiguration('http');

  before(async function () {
    if (!haveTinyproxy()) {
      if (process.env.CI === 'true') throw new Error('tinyproxy is missing: apt-get install tinyproxy');
      this.skip();
    }
    await vscode.extensions.getExtension('flowgear-mtls.flowgear-mtls')!.activate();
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }],
      workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
      keys: [{ name: 'prod' }],
    });
    emu = await serveFixture(fx, { certRequest: 'handshake' });
    proxy = await startProxy({ auth: { user: 'bob', pass: 'pw' } });
  });
  after(async () => {
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('proxyAuthorization', undefined, vscode.ConfigurationTarget.Global);
    await http().update('proxySupport', undefined, vscode.ConfigurationTarget.Global);
    await proxy?.close();
    await emu?.close();
    fx?.cleanup();
  });

  const invoke = () => vscode.commands.executeCommand<Outcome>('flowgear.invoke', { workflow: 'Get Customer', key: 'prod', vars: { id: '9' }, folder: fx.dir });

  it('http.proxy + http.proxyAuthorization: the invoke tunnels through the proxy, the view says so', async () => {
    await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    await http().update('proxyAuthorization', `Basic ${Buffer.from('bob:pw').toString('base64')}`, vscode.ConfigurationTarget.Global);
    const r = await invoke();
    assert.equal(r.status, 200, r.error ?? r.body);
    assert.equal(JSON.parse(r.body!).FgUsername, 'Key: prod');
    assert.equal(r.proxy, proxy.url);
    assert.match(proxy.log(), new RegExp(`CONNECT 127\\.0\\.0\\.1:${new URL(emu.url).port}`));
    assert.doesNotMatch(proxy.log(), /customers/);
    assert.match(r.view.html, /Proxy/);
    assert.match(r.view.html, /the &quot;ca&quot; file in flowgear.json|the "ca" file in flowgear.json/);
  });

  it('http.proxySupport off: a direct connection', async () => {
    await http().update('proxySupport', 'off', vscode.ConfigurationTarget.Global);
    const before = proxy.log().length;
    const r = await invoke();
    assert.equal(r.status, 200, r.error ?? r.body);
    assert.equal(r.proxy, undefined);
    assert.doesNotMatch(proxy.log().slice(before), /CONNECT/);
  });
});
