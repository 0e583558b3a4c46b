import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Contract } from '../helpers/contract';
import { Agent, request } from 'undici';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { standardFixture, withLog } from './shared';

describe('emulator management API subset (validated against Flowgear\'s OpenAPI)', () => {
  let contract: Contract;
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let dispatcher: Agent;
  before(async () => {
    contract = await Contract.load();
    fx = standardFixture();
    ({ emu } = await withLog({ workspace: fx.dir, onManagement: contract.observe }));
    dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath) } });
  });
  afterEach(() => assert.deepEqual(contract.take(), [], 'every answer stays within the OpenAPI document'));
  after(async () => {
    await dispatcher?.close();
    await emu?.close();
    fx?.cleanup();
  });

  async function call(path: string, o: { method?: 'GET' | 'POST'; body?: string; auth?: boolean } = {}) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${emu.managementUrl}${path}${o.auth === false ? '' : `${sep}auth=${emu.managementSessionId}`}`;
    const r = await request(url, { dispatcher, method: o.method ?? 'GET', body: o.body, headers: o.body ? { 'content-type': 'application/json' } : {} });
    return { status: r.statusCode, json: (await r.body.json()) as unknown };
  }
  async function siteId(): Promise<string> {
    const sites = (await call('/users/dev@example.com/sites/')).json as { SiteId: string }[];
    return sites[0].SiteId;
  }

  it('sign-in returns the session id; the home pod is this API', async () => {
    const r = await call('/users/dev@example.com/auth2/receivetoken/', { method: 'POST', body: JSON.stringify({ Token: 'pw' }), auth: false });
    assert.equal(r.status, 200);
    const sid = (r.json as { SessionId: string }).SessionId;
    assert.match(sid, /^[0-9a-f-]{36}$/);
    assert.equal((await call(`/users/dev@example.com/sites/?auth=${sid}`, { auth: false })).status, 200);
    const home = await call('/users/dev@example.com/home/', { auth: false });
    assert.equal(home.json, emu.managementUrl);
    const bad = await call('/users/dev@example.com/auth2/receivetoken/', { method: 'POST', body: JSON.stringify({ Token: '' }), auth: false });
    // The document lists 200 and 500 only: a refused sign-in is a 200 without a SessionId.
    assert.equal(bad.status, 200);
    assert.equal((bad.json as { SessionId?: string }).SessionId, undefined);
  });

  it('the contract check itself catches undeclared fields, wrong types, undocumented statuses and a missing session', () => {
    const x = { method: 'GET', path: '/sites/s/keys/', query: { auth: 'a' }, headers: {}, body: undefined };
    assert.deepEqual(contract.check({ ...x, status: 200, response: [{ Name: 'k', KeyType: 1, IsEnabled: true }] }), []);
    assert.match(contract.check({ ...x, status: 200, response: [{ Name: 'k', KeyType: 1, Thumbprint: 'AB' }] }).join(), /additional properties.*Thumbprint/);
    assert.match(contract.check({ ...x, status: 200, response: [{ Name: 1, KeyType: 7 }] }).join(), /Name must be string/);
    assert.equal(contract.check({ ...x, status: 500, response: { Message: 'x' } }).length, 1);
    assert.equal(contract.check({ ...x, query: {}, status: 401, response: { Message: 'x' } }).length, 1);
    assert.equal(contract.check({ method: 'POST', path: '/sites/s/keys/', query: { auth: 'a' }, headers: {}, body: { Name: 'k', KeyType: 3 }, status: 200, response: {} }).length, 1);
  });

  it('sites, keys, environments and workflows match the OpenAPI schemas', async () => {
    assert.equal((await call('/users/dev@example.com/sites/')).status, 200);
    const id = await siteId();
    for (const [path, what] of [['keys', 'keys'], ['siteenvironments', 'siteenvironments'], ['workflows', 'workflows']]) {
      const r = await call(`/sites/${id}/${path}/`);
      assert.equal(r.status, 200, what);
      assert.ok(Array.isArray(r.json) && r.json.length > 0, what);
      assert.ok(contract.checked > 0);
    }
  });

  it('SiteKey mirrors the manifest: certificate type, enabled, target environment, permitted workflow ids', async () => {
    const id = await siteId();
    const keys = (await call(`/sites/${id}/keys/`)).json as { Name: string; KeyType: number; IsEnabled: boolean; TargetSiteEnvironment: string; PermittedWorkflows: string[]; MappedWorkflowCount: number }[];
    const workflows = (await call(`/sites/${id}/workflows/`)).json as { SiteWorkflowId: string; Workflow: { Name: string; HttpMethod: string; UrlPattern: string } }[];
    const byId = new Map(workflows.map((w) => [w.SiteWorkflowId, w.Workflow.Name]));
    const narrow = keys.find((k) => k.Name === 'narrow')!;
    assert.equal(narrow.KeyType, 1);
    assert.deepEqual(narrow.PermittedWorkflows.map((w) => byId.get(w)), ['Create Order']);
    assert.equal(narrow.MappedWorkflowCount, 1);
    assert.equal(keys.find((k) => k.Name === 'off')!.IsEnabled, false);
    assert.equal(keys.find((k) => k.Name === 'test')!.TargetSiteEnvironment, 'Test');
    const report = workflows.find((w) => w.Workflow.Name === 'Report')!;
    assert.deepEqual([report.Workflow.HttpMethod, report.Workflow.UrlPattern], ['GET', '/reports/revenue?name={name}']);
    const envs = (await call(`/sites/${id}/siteenvironments/`)).json as { ProfileName: string; Rank: number; IsProductionEnvironment: boolean }[];
    assert.deepEqual(envs.map((e) => [e.ProfileName, e.Rank, e.IsProductionEnvironment]), [['Production', 1, true], ['Test', 2, false]]);
  });

  it('without auth → 401 GenericError; unknown site → 404 GenericError', async () => {
    // These requests break the contract on purpose (no session); the answers must not.
    const id = await siteId();
    const r = await call(`/sites/${id}/keys/`, { auth: false });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { Message: 'This call requires authorization.' });
    assert.deepEqual(contract.take().filter((v) => !/without the auth query parameter/.test(v)), []);
    const wrongAuth = await request(`${emu.managementUrl}/sites/${id}/keys/?auth=nope`, { dispatcher });
    assert.equal(wrongAuth.statusCode, 401);
    await wrongAuth.body.dump();
    const missing = await call('/sites/00000000-0000-0000-0000-000000000000/keys/');
    assert.equal(missing.status, 404);
  });
});
