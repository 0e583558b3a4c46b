import * as assert from 'node:assert/strict';
import type { Key, Manifest, Workflow } from '../../../src/core/manifest/types';
import { authorize, type AuthorizeState, type InvokeRequest } from '../../../src/emulator/authorize';
import { buildRouter } from '../../../src/emulator/route';

// The decision table alone (no sockets): each refusal has its own logged reason.
const workflows: Workflow[] = [
  { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
  { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}' },
  { name: 'Customer Alias', method: 'GET', path: '/CUSTOMERS/{ref}' },
  { name: 'Create Order', method: 'POST', path: '/orders' },
];
const key = (name: string, extra: Partial<Key> = {}): Key => ({ name, enabled: true, permittedWorkflows: ['Get Customer', 'Report', 'Create Order'], ...extra });
const keys: Key[] = [
  key('prod'),
  key('test', { environment: 'Test' }),
  key('off', { enabled: false }),
  key('narrow', { permittedWorkflows: ['Report'] }),
  key('qa', { environment: 'QA' }),
];
const manifest: Manifest = {
  file: '/w/flowgear.json', root: '/w', site: 'https://acme.flowgear.net',
  environments: [{ name: 'Production', production: true }, { name: 'Test', production: false },
    { name: 'QA', production: false, baseUrl: 'https://acme-qa.flowgear.net' }],
  workflows, keys,
};
const tp = (name: string) => name.toUpperCase().padEnd(40, '0').replace(/[^0-9A-F]/g, 'A');

function state(now = 1000, delayMs = 0): AuthorizeState {
  return {
    manifest,
    keyring: { byThumbprint: new Map(keys.map((k) => [tp(k.name), k])), warnings: [] },
    router: buildRouter(manifest).router,
    disabledSince: new Map([['off', 1000]]),
    disableDelayMs: delayMs,
    now,
  };
}
function req(method: string, target: string, keyName?: string, host = 'acme.flowgear.net'): InvokeRequest {
  const u = new URL(target, 'https://x');
  return { method, pathname: u.pathname, query: u.searchParams, host, thumbprint: keyName ? tp(keyName) : undefined };
}

describe('emulator authorize', () => {
  it('allows a permitted Production call and binds path and query variables', () => {
    const ok = authorize(req('GET', '/reports/revenue?name=Q1', 'prod'), state());
    assert.equal(ok.ok, true);
    if (ok.ok) {
      assert.equal(ok.workflow.name, 'Report');
      assert.deepEqual(ok.variables, { name: 'Q1' });
      assert.equal(ok.environment.name, 'Production');
    }
  });

  it('no certificate → 404 saying so', () => {
    const d = authorize(req('POST', '/orders'), state());
    assert.equal(d.ok, false);
    if (!d.ok) { assert.equal(d.status, 404); assert.match(d.reason, /no client certificate/); }
  });

  it('each refusal is the same 404 body with its own reason', () => {
    const cases: [InvokeRequest, RegExp][] = [
      [req('POST', '/nothing-here', 'prod'), /no route: no workflow is bound to POST \/nothing-here/],
      [req('POST', '/orders', 'stranger'), /unknown certificate: thumbprint [0-9A-F]{40} belongs to no key/],
      [req('POST', '/orders', 'off'), /disabled key: 'off'/],
      [req('POST', '/orders', 'narrow'), /not permitted: key 'narrow' does not permit workflow 'Create Order'/],
      [req('POST', '/orders', 'test'), /environment mismatch: key 'test' targets 'Test' but the request is for 'Production' \(add _profile=Test\)/],
      [req('POST', '/orders?_profile=Test', 'prod'), /environment mismatch: key 'prod' targets 'Production' but the request is for 'Test'/],
      [req('POST', '/orders?_profile=Nope', 'prod'), /unknown environment: _profile=Nope/],
    ];
    const messages = new Set<string>();
    for (const [r, reason] of cases) {
      const d = authorize(r, state());
      assert.equal(d.ok, false, reason.source);
      if (!d.ok) {
        assert.equal(d.status, 404);
        assert.match(d.reason, reason);
        messages.add(d.message);
      }
    }
    assert.equal(messages.size, 1, 'Flowgear does not say why');
  });

  it('ambiguous routes (literals compare case-insensitively) → 409 naming both workflows', () => {
    const d = authorize(req('GET', '/customers/42', 'prod'), state());
    assert.equal(d.ok, false);
    if (!d.ok) {
      assert.equal(d.status, 409);
      assert.equal(d.message, 'Multiple Workflows share this route.');
      assert.match(d.reason, /'Get Customer', 'Customer Alias'/);
    }
  });

  it('environment from _profile (case-insensitive) or from the Host of an environment baseUrl', () => {
    const t = authorize(req('POST', '/orders?_profile=test', 'test'), state());
    assert.equal(t.ok && t.environment.name, 'Test');
    const qa = authorize(req('POST', '/orders', 'qa', 'acme-qa.flowgear.net:8443'), state());
    assert.equal(qa.ok && qa.environment.name, 'QA');
    const wrongHost = authorize(req('POST', '/orders', 'qa'), state());
    assert.equal(wrongHost.ok, false);
  });

  it('disable delay: a disabled key works until the delay after it was first seen disabled', () => {
    const during = authorize(req('POST', '/orders', 'off'), state(1000 + 299_000, 300_000));
    assert.equal(during.ok, true);
    assert.match(during.ok ? during.note ?? '' : '', /still works for 1 s/);
    const after = authorize(req('POST', '/orders', 'off'), state(1000 + 300_000, 300_000));
    assert.equal(after.ok, false);
  });
});
