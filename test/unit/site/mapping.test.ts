import * as assert from 'node:assert/strict';
import { parseManifest } from '../../../src/core/manifest/load';
import type { Manifest } from '../../../src/core/manifest/types';
import { compare, describeItem, siteModel, type SiteState } from '../../../src/core/site/mapping';
import { pullText } from '../../../src/core/site/pull';
import { pushPlan } from '../../../src/core/site/push';
import { pickSite } from '../../../src/core/site/state';

const FILE = '/ws/flowgear.json';

function state(o: { byName?: boolean } = {}): SiteState {
  const wf = (id: string, name: string, method?: string, path?: string) => ({ SiteWorkflowId: id, Workflow: { WorkflowId: `def-${id}`, Name: name, HttpMethod: method, UrlPattern: path } });
  const workflows = [wf('w1', 'Get Customer', 'GET', '/customers/{id}'), wf('w2', 'Create Order', 'POST', '/orders/v2'), wf('w3', 'Nightly', undefined, undefined)];
  const ref = (id: string, name: string) => (o.byName ? name : id);
  return {
    apiUrl: 'https://api3.flowgear.net',
    site: { SiteId: 'S1', Name: 'acme' },
    environments: [
      { ProfileId: 'p1', ProfileName: 'Production', IsProductionEnvironment: true },
      { ProfileId: 'p2', ProfileName: 'QA', IsProductionEnvironment: false },
    ],
    workflows,
    keys: [
      { SiteKeyId: 'k1', Name: 'ci', KeyType: 1, IsEnabled: false, TargetSiteEnvironment: 'Production', PermittedWorkflows: [ref('w1', 'Get Customer'), ref('w2', 'Create Order')] },
      { SiteKeyId: 'k2', Name: 'partner', KeyType: 1, IsEnabled: true, TargetSiteEnvironment: o.byName ? 'QA' : 'p2', PermittedWorkflows: [ref('w2', 'Create Order')] },
      { SiteKeyId: 'k3', Name: 'legacy-token', KeyType: 0, IsEnabled: true },
    ],
    readAt: new Date(),
  };
}

const LOCAL = `{
  // shared with the team
  "site": "https://acme.flowgear.net",
  "environments": [
    { "name": "Production", "production": true },
    { "name": "Local" } // only here
  ],
  "workflows": [
    { "name": "Get Customer", "method": "GET", "path": "/customers/{id}", "headers": { "Accept": "application/json" } },
    { "name": "Create Order", "method": "POST", "path": "/orders", "body": "bodies/order.json" }
  ],
  "keys": [
    {
      "name": "ci",
      "certificate": "certs/ci.crt", // public part
      "privateKey": "certs/ci.key",
      "thumbprint": "0123456789ABCDEF0123456789ABCDEF01234567",
      "permittedWorkflows": ["Get Customer"]
    },
    { "name": "mine", "pfx": "certs/mine.pfx", "passphraseEnv": "MINE_PASS", "permittedWorkflows": [] }
  ]
}
`;

function manifest(text: string): Manifest {
  const r = parseManifest(text, FILE);
  assert.ok(r.ok, JSON.stringify(r.problems));
  return r.manifest;
}

describe('site mapping: model, pull merge, compare, push plan', () => {
  it('siteModel: bound workflows only, certificate keys only, ids and names both resolve to names', () => {
    for (const byName of [false, true]) {
      const m = siteModel(state({ byName }));
      assert.deepEqual(m.workflows.map((w) => w.name), ['Get Customer', 'Create Order']);
      assert.deepEqual(m.keys.map((k) => k.name), ['ci', 'partner']);
      assert.deepEqual(m.keys[0].permittedWorkflows, ['Get Customer', 'Create Order']);
      assert.equal(m.keys[0].environment, undefined, 'Production is written as no environment');
      assert.equal(m.keys[1].environment, 'QA', byName ? 'by name' : 'by ProfileId');
      assert.deepEqual(m.unresolved, []);
    }
  });

  it('pull writes the site over matching entries and keeps comments, formatting, local fields and local-only entries', () => {
    const out = pullText(LOCAL, FILE, siteModel(state()), { url: 'https://api3.flowgear.net', siteId: 'S1' });
    for (const kept of ['// shared with the team', '// only here', '// public part', '"privateKey": "certs/ci.key"', '"thumbprint": "0123456789ABCDEF0123456789ABCDEF01234567"', '"body": "bodies/order.json"', '"Accept": "application/json"', '"passphraseEnv": "MINE_PASS"', '{ "name": "Local" }, // only here\n    { "name": "QA" }\n  ]', '{ "name": "mine", "pfx": "certs/mine.pfx", "passphraseEnv": "MINE_PASS", "permittedWorkflows": [] },']) {
      assert.ok(out.includes(kept), `kept: ${kept}`);
    }
    const m = manifest(out);
    assert.deepEqual(m.siteApi, { url: 'https://api3.flowgear.net', siteId: 'S1' });
    assert.deepEqual(m.environments.map((e) => [e.name, e.production]), [['Production', true], ['Local', false], ['QA', false]]);
    assert.equal(m.workflows.find((w) => w.name === 'Create Order')!.path, '/orders/v2');
    assert.equal(m.workflows.find((w) => w.name === 'Nightly'), undefined, 'unbound workflows are not written');
    const ci = m.keys.find((k) => k.name === 'ci')!;
    assert.equal(ci.enabled, false);
    assert.deepEqual(ci.permittedWorkflows, ['Get Customer', 'Create Order']);
    const partner = m.keys.find((k) => k.name === 'partner')!;
    assert.deepEqual([partner.environment, partner.permittedWorkflows, partner.certificate], ['QA', ['Create Order'], undefined]);
    assert.ok(m.keys.find((k) => k.name === 'mine'), 'a key the site does not know stays');
    assert.equal(m.keys.find((k) => k.name === 'legacy-token'), undefined, 'token keys are not certificate keys');
    assert.ok(!/s3cret|SessionId|auth=/.test(out));
    // Pulling again changes nothing.
    assert.equal(pullText(out, FILE, siteModel(state()), { url: 'https://api3.flowgear.net', siteId: 'S1' }), out);
    assert.ok(compare(manifest(out), siteModel(state())).every((i) => i.state === 'same' || i.state === 'only-local'));
  });

  it('pull into a manifest that has only the site', () => {
    const out = pullText('{ "site": "https://acme.flowgear.net" }\n', FILE, siteModel(state()), { url: 'https://api3.flowgear.net', siteId: 'S1' });
    const m = manifest(out);
    assert.deepEqual(m.environments.map((e) => e.name), ['Production', 'QA']);
    assert.equal(m.keys.length, 2);
  });

  it('compare: same / only local / only on site / differs, with what differs', () => {
    const items = compare(manifest(LOCAL), siteModel(state()));
    const find = (kind: string, name: string) => items.find((i) => i.kind === kind && i.name === name)!;
    assert.equal(find('environment', 'Production').state, 'same');
    assert.equal(find('environment', 'Local').state, 'only-local');
    assert.equal(find('environment', 'QA').state, 'only-site');
    assert.equal(find('workflow', 'Get Customer').state, 'same');
    assert.deepEqual(find('workflow', 'Create Order').differences, [{ field: 'path', local: '/orders', site: '/orders/v2' }]);
    const ci = find('key', 'ci');
    assert.equal(ci.state, 'differs');
    assert.deepEqual(ci.differences.map((d) => d.field), ['enabled', 'permittedWorkflows']);
    assert.match(describeItem(ci), /enabled is true here, false on the site/);
    assert.equal(find('key', 'mine').state, 'only-local');
    assert.equal(find('key', 'partner').state, 'only-site');
  });

  it('push plan: creates missing keys, updates differing ones, writes references the way the site does', () => {
    for (const byName of [false, true]) {
      const text = LOCAL.replace('"permittedWorkflows": []', '"permittedWorkflows": ["Create Order"], "environment": "QA"');
      const plan = pushPlan(manifest(text), state({ byName }));
      const create = plan.changes.find((c) => c.action === 'create')!;
      assert.equal(create.key, 'mine');
      assert.deepEqual(create.body, { Name: 'mine', KeyType: 1, IsEnabled: true, TargetSiteEnvironment: byName ? 'QA' : 'p2', PermittedWorkflows: [byName ? 'Create Order' : 'w2'] });
      const update = plan.changes.find((c) => c.action === 'update')!;
      assert.equal(update.siteKeyId, 'k1');
      assert.equal(update.body.IsEnabled, true);
      assert.deepEqual(update.body.PermittedWorkflows, [byName ? 'Get Customer' : 'w1']);
      assert.ok(plan.notes.some((n) => /partner.*only on the site/.test(n)));
      assert.ok(plan.notes.some((n) => /workflow 'Create Order'/.test(n)));
    }
  });

  it('push refuses workflows that are not bound on the site and unknown environments', () => {
    const text = LOCAL.replace('"permittedWorkflows": []', '"permittedWorkflows": ["Nightly"], "environment": "Local"');
    assert.throws(() => pushPlan(manifest(text), state()), (e: Error) => /'Nightly' is not a REST-bound workflow/.test(e.message) && /no environment 'Local'/.test(e.message));
  });

  it('pickSite: by id or name, alone, or asks', () => {
    const sites = [{ SiteId: 'a', Name: 'Acme' }, { SiteId: 'b', Name: 'Beta' }];
    assert.equal(pickSite(sites, 'beta').SiteId, 'b');
    assert.equal(pickSite(sites, 'A').Name, 'Acme');
    assert.throws(() => pickSite(sites), /--site/);
    assert.throws(() => pickSite(sites, 'zz'), /no site 'zz'/);
    assert.equal(pickSite([sites[0]]).SiteId, 'a');
  });
});
