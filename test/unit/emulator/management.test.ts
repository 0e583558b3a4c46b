import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { standardFixture, withLog } from './shared';

// js-yaml ships with mocha (a dev dependency); Flowgear's own OpenAPI file is the contract.
const yaml = require('js-yaml') as { load(text: string): unknown };
const OPENAPI = 'test/fixtures/flowgear/api-flowgear-net-open-api.yaml';

type Schema = { $ref?: string; type?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; required?: string[]; additionalProperties?: Schema };
interface OpenApi { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components: { schemas: Record<string, Schema> } }

/** Minimal JSON-schema check: types, enums, required, and no property the schema does not declare. */
function validate(api: OpenApi, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return validate(api, api.components.schemas[schema.$ref.replace('#/components/schemas/', '')], value, at);
  const errors: string[] = [];
  const t = schema.type;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (t && !(t === actual || (t === 'number' && actual === 'integer'))) return [`${at}: expected ${t}, got ${actual}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (t === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...validate(api, schema.items!, v, `${at}[${i}]`)));
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      const p = schema.properties?.[k] ?? schema.additionalProperties;
      if (!p) errors.push(`${at}.${k}: not in the schema`);
      else errors.push(...validate(api, p, v, `${at}.${k}`));
    }
  }
  return errors;
}

function responseSchema(api: OpenApi, path: string, method: string, status: string): Schema {
  const s = api.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
  assert.ok(s, `OpenAPI has ${method.toUpperCase()} ${path} → ${status}`);
  return s;
}

describe('emulator management API subset (validated against Flowgear\'s OpenAPI)', () => {
  let api: OpenApi;
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let dispatcher: Agent;
  before(async () => {
    api = yaml.load(readFileSync(OPENAPI, 'utf8')) as OpenApi;
    fx = standardFixture();
    ({ emu } = await withLog({ workspace: fx.dir }));
    dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath) } });
  });
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
    assert.deepEqual(validate(api, responseSchema(api, '/users/{username}/auth2/receivetoken/', 'post', '200'), r.json), []);
    assert.equal((r.json as { SessionId: string }).SessionId, emu.managementSessionId);
    const home = await call('/users/dev@example.com/home/', { auth: false });
    assert.equal(home.json, emu.managementUrl);
    const bad = await call('/users/dev@example.com/auth2/receivetoken/', { method: 'POST', body: '{}', auth: false });
    assert.equal(bad.status, 401);
  });

  it('the schema check itself catches wrong types, enums and undeclared properties', () => {
    const siteKey = { $ref: '#/components/schemas/SiteKey' };
    assert.deepEqual(validate(api, siteKey, { Name: 'k', KeyType: 1, IsEnabled: true }), []);
    assert.equal(validate(api, siteKey, { Name: 1, KeyType: 7, Thumbprint: 'AB' }).length, 3);
  });

  it('sites, keys, environments and workflows match the OpenAPI schemas', async () => {
    const sites = await call('/users/dev@example.com/sites/');
    assert.deepEqual(validate(api, responseSchema(api, '/users/{username}/sites/', 'get', '200'), sites.json), []);
    const id = await siteId();
    for (const [path, what] of [['keys', 'keys'], ['siteenvironments', 'siteenvironments'], ['workflows', 'workflows']]) {
      const r = await call(`/sites/${id}/${path}/`);
      assert.equal(r.status, 200, what);
      assert.ok(Array.isArray(r.json) && r.json.length > 0, what);
      assert.deepEqual(validate(api, responseSchema(api, `/sites/{siteId}/${path}/`, 'get', '200'), r.json), [], what);
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
    const id = await siteId();
    const r = await call(`/sites/${id}/keys/`, { auth: false });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { Message: 'This call requires authorization.' });
    assert.deepEqual(validate(api, responseSchema(api, '/sites/{siteId}/keys/', 'get', '401'), r.json), []);
    const wrongAuth = await request(`${emu.managementUrl}/sites/${id}/keys/?auth=nope`, { dispatcher });
    assert.equal(wrongAuth.statusCode, 401);
    await wrongAuth.body.dump();
    const missing = await call('/sites/00000000-0000-0000-0000-000000000000/keys/');
    assert.equal(missing.status, 404);
    assert.deepEqual(validate(api, responseSchema(api, '/sites/{siteId}/keys/', 'get', '404'), missing.json), []);
  });
});
