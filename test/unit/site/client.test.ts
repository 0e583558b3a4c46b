import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { SiteClient, checkApiUrl, redactUrl } from '../../../src/core/site/client';
import { recentRunLogs, formatRunLog } from '../../../src/core/site/logs';
import { siteModel } from '../../../src/core/site/mapping';
import { resolveApiUrl } from '../../../src/core/site/signin';
import { fetchSiteState } from '../../../src/core/site/state';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { Contract } from '../helpers/contract';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';

const USER = 'dev@example.com';

describe('site client against the emulator (every exchange validated against the OpenAPI document)', () => {
  let contract: Contract;
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let clock = Date.now();
  const logs: string[] = [];
  const clients: SiteClient[] = [];

  function client(o: { sessionId?: string } = {}): SiteClient {
    const c = new SiteClient({ apiUrl: emu.managementUrl, user: USER, caFile: emu.caPath, log: (l) => logs.push(l), ...o });
    clients.push(c);
    return c;
  }
  async function signedIn(): Promise<SiteClient> {
    const c = client();
    await c.receiveToken('s3cret');
    return c;
  }
  async function invoke(key: string, path: string): Promise<number> {
    const dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath), cert: readFileSync(fx.keys[key].certificatePem), key: readFileSync(fx.keys[key].privateKey) } });
    try {
      const r = await request(`${emu.url}${path}`, { dispatcher });
      await r.body.dump();
      return r.statusCode;
    } finally {
      await dispatcher.close();
    }
  }

  before(async () => {
    contract = await Contract.load();
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [
        { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
        { name: 'Create Order', method: 'POST', path: '/orders' },
      ],
      keys: [{ name: 'ci' }, { name: 'narrow', permittedWorkflows: ['Create Order'] }],
    });
    // A comment the API writes must keep.
    writeFileSync(fx.manifestFile, `// team manifest: keep this comment\n${readFileSync(fx.manifestFile, 'utf8')}`);
    emu = await startEmulator({ workspace: fx.dir, managementPassword: 's3cret', sessionLifetimeSeconds: 600, now: () => clock, onManagement: contract.observe });
  });
  afterEach(() => {
    assert.deepEqual(contract.take(), [], 'every request and answer stays within the OpenAPI document');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await emu?.close();
    fx?.cleanup();
  });

  it('HTTPS only (loopback excepted); the session id is redacted from URLs', () => {
    assert.throws(() => checkApiUrl('http://api1.flowgear.net'), /HTTPS/);
    assert.equal(checkApiUrl('http://127.0.0.1:8080/x/'), 'http://127.0.0.1:8080/x');
    assert.equal(checkApiUrl('https://api3.flowgear.net/'), 'https://api3.flowgear.net');
    assert.throws(() => checkApiUrl('https://u:p@api1.flowgear.net'), /credentials/);
    assert.equal(redactUrl('https://h/sites/?a=1&auth=SECRET&b=2'), 'https://h/sites/?a=1&auth=***&b=2');
  });

  it('discovery: an explicit API URL wins; the home pod of the emulator is its own API', async () => {
    assert.equal(await resolveApiUrl(USER, emu.managementUrl), emu.managementUrl);
    assert.equal(await client().home(), emu.managementUrl);
  });

  it('signs in with the password (Action 0), refuses a wrong one, and never logs the session id', async () => {
    const c = client();
    assert.deepEqual(await c.receiveUsername('http://127.0.0.1:1/cb'), { action: 'password' });
    await assert.rejects(c.receiveToken('wrong'), (e: Error & { code?: string }) => e.code === 'site-sign-in' && /wrong username or password/.test(e.message));
    const sid = await c.receiveToken('s3cret');
    assert.match(sid, /^[0-9a-f-]{36}$/);
    const sites = await c.sites();
    assert.equal(sites.length, 1);
    assert.ok(logs.some((l) => /auth=\*\*\*/.test(l)), 'requests are logged, redacted');
    assert.ok(!logs.some((l) => l.includes(sid)), 'the session id is in no log line');
  });

  it('reads sites, environments, bound workflows and certificate keys; permitted workflow ids map to names', async () => {
    const c = await signedIn();
    const state = await fetchSiteState(c);
    const model = siteModel(state);
    assert.deepEqual(model.environments, [{ name: 'Production', production: true }, { name: 'Test', production: false }]);
    assert.deepEqual(model.workflows.map((w) => [w.name, w.method, w.path]), [['Get Customer', 'GET', '/customers/{id}'], ['Create Order', 'POST', '/orders']]);
    assert.deepEqual(model.keys.find((k) => k.name === 'narrow')!.permittedWorkflows, ['Create Order']);
    assert.equal(model.keys.find((k) => k.name === 'ci')!.environment, undefined, 'Production is no explicit environment');
    assert.deepEqual(model.unresolved, []);
  });

  it('edits a key: flowgear.json changes (comments kept) and the key rules follow at once', async () => {
    const c = await signedIn();
    const state = await fetchSiteState(c);
    assert.equal(await invoke('ci', '/customers/7'), 200);
    const ci = state.keys.find((k) => k.Name === 'ci')!;
    const edited = await c.editKey(state.site.SiteId, ci.SiteKeyId!, { ...ci, IsEnabled: false });
    assert.equal(edited.IsEnabled, false);
    const text = readFileSync(fx.manifestFile, 'utf8');
    assert.match(text, /^\/\/ team manifest: keep this comment/);
    assert.match(text, /"name": "ci",\s*"enabled": false/);
    assert.equal(await invoke('ci', '/customers/7'), 404, 'a key disabled through the API is refused');
    await c.editKey(state.site.SiteId, ci.SiteKeyId!, { SiteKeyId: ci.SiteKeyId, Name: 'ci', KeyType: 1, IsEnabled: true, TargetSiteEnvironment: 'Test', PermittedWorkflows: ['Get Customer'] });
    assert.equal(await invoke('ci', '/customers/7'), 404, 'now targets Test: a call without _profile is refused');
    assert.equal(await invoke('ci', '/customers/7?_profile=Test'), 200);
    const back = (await c.keys(state.site.SiteId)).find((k) => k.Name === 'ci')!;
    assert.equal(back.TargetSiteEnvironment, 'Test');
  });

  it('creates a certificate key (written to flowgear.json without certificate) and refuses unknown workflows', async () => {
    const c = await signedIn();
    const { site, workflows } = await fetchSiteState(c);
    const created = await c.createKey(site.SiteId, { Name: 'partner', KeyType: 1, IsEnabled: true, PermittedWorkflows: [workflows[1].SiteWorkflowId] });
    assert.equal(created.Name, 'partner');
    assert.match(readFileSync(fx.manifestFile, 'utf8'), /"name": "partner",\s*"enabled": true,\s*"permittedWorkflows": \[\s*"Create Order"\s*\]/);
    await assert.rejects(c.createKey(site.SiteId, { Name: 'other', KeyType: 1, PermittedWorkflows: ['Nope'] }), /no workflow 'Nope'/);
    await assert.rejects(c.createKey(site.SiteId, { Name: 'partner', KeyType: 1 }), /already exists/);
  });

  it('records each served invoke as a run log (root node and one child)', async () => {
    const c = await signedIn();
    const { site, workflows } = await fetchSiteState(c);
    assert.equal(await invoke('narrow', '/customers/1'), 404, 'refused invokes are not runs');
    assert.equal(await invoke('ci', '/customers/42?_profile=Test'), 200);
    const wf = workflows.find((w) => w.Workflow.Name === 'Get Customer')!;
    const runs = await recentRunLogs(c, site.SiteId, wf.SiteWorkflowId, 1);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].nodes.length, 2);
    assert.equal(runs[0].failed, false);
    assert.match(runs[0].nodes[1].StatusMessage!, /Responded 200 to key 'ci'/);
    const text = formatRunLog(runs[0]).join('\n');
    assert.match(text, /Get Customer \[Success\]/);
    assert.match(text, /Workflow Response/);
    const search = await c.searchLogs(site.SiteId, { workflowId: wf.SiteWorkflowId, errorsOnly: true });
    assert.deepEqual(search, []);
  });

  it('a missing or expired session is "sign in again", per operation as the document says (401, or 400 where only 400 is listed)', async () => {
    const c = await signedIn();
    const sid = c.sessionId!;
    clock += 601_000;
    const { site } = { site: { SiteId: 'x' } };
    await assert.rejects(c.keys(site.SiteId), (e: Error & { code?: string }) => e.code === 'session-expired');
    const again = client({ sessionId: sid });
    await assert.rejects(again.sites(), (e: Error & { code?: string }) => e.code === 'session-expired');
    const none = client();
    await assert.rejects(none.sites(), (e: Error & { code?: string }) => e.code === 'not-signed-in');
    const fresh = await signedIn();
    assert.equal((await fresh.sites()).length, 1);
    await fresh.signOut();
  });
});

describe('redirect sign-in (Action 1) against the emulator', () => {
  let contract: Contract;
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  before(async () => {
    contract = await Contract.load();
    fx = makeFixtureWorkspace({ workflows: [{ name: 'W', method: 'GET', path: '/w' }], keys: [] });
    emu = await startEmulator({ workspace: fx.dir, signIn: 'redirect', onManagement: contract.observe });
  });
  after(async () => {
    await emu?.close();
    fx?.cleanup();
  });

  it('redirects to the sign-in page, which returns a one-time token that receivetoken exchanges', async () => {
    const c = new SiteClient({ apiUrl: emu.managementUrl, user: USER, caFile: emu.caPath });
    try {
      const step = await c.receiveUsername('http://127.0.0.1:9/callback?state=abc');
      assert.equal(step.action, 'redirect');
      const dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath) } });
      const page = await request((step as { redirectUrl: string }).redirectUrl, { dispatcher });
      await page.body.dump();
      await dispatcher.close();
      assert.equal(page.statusCode, 302);
      const back = new URL(String(page.headers.location));
      assert.equal(back.origin + back.pathname, 'http://127.0.0.1:9/callback');
      assert.equal(back.searchParams.get('state'), 'abc');
      const token = back.searchParams.get('token')!;
      await assert.rejects(c.receiveToken('a password'), /refused/);
      assert.ok(await c.receiveToken(token));
      assert.equal((await c.sites()).length, 1);
      const reuse = new SiteClient({ apiUrl: emu.managementUrl, user: USER, caFile: emu.caPath });
      await assert.rejects(reuse.receiveToken(token), /refused/, 'the token works once');
      await reuse.dispose();
    } finally {
      await c.dispose();
    }
    assert.deepEqual(contract.take(), []);
    assert.ok(contract.checked >= 4);
  });
});
