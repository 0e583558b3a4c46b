import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { adhocRequest, resolveRequest } from '../../../src/core/invoke/resolve';
import { makePki, type Pki } from './pki';
import { testManifest } from './manifest';

describe('invoke: resolveRequest', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => pki.cleanup());
  const m = () => testManifest('https://acme.flowgear.net', pki);

  it('adds _profile for a non-Production environment, none for Production', () => {
    const test = resolveRequest(m(), { workflow: 'Get Customer', key: 'ci-test', environment: 'Test', vars: { id: '42' } });
    assert.equal(test.url, 'https://acme.flowgear.net/customers/42?_profile=Test');
    assert.equal(test.profile, 'Test');
    const prod = resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', vars: { id: '42' } });
    assert.equal(prod.url, 'https://acme.flowgear.net/customers/42');
    assert.equal(prod.profile, undefined);
    assert.equal(prod.environment, 'Production');
  });

  it("defaults to the key's target environment", () => {
    const r = resolveRequest(m(), { workflow: 'Get Customer', key: 'ci-test', vars: { id: '1' } });
    assert.equal(r.environment, 'Test');
    assert.match(r.url, /_profile=Test$/);
  });

  it('uses an environment baseUrl instead of _profile', () => {
    const r = resolveRequest(m(), { workflow: 'Get Customer', key: 'ci-test', environment: 'QA', vars: { id: '1' } });
    assert.equal(r.url, 'https://acme.flowgear.net/qa-host/customers/1');
    assert.equal(r.profile, undefined);
  });

  it('URL-encodes path variables and expands query variables, keeping literal ones', () => {
    const r = resolveRequest(m(), { workflow: 'Report', key: 'prod', vars: { name: 'Q1 & Q2' }, query: { extra: 'a/b' } });
    const u = new URL(r.url);
    assert.equal(u.pathname, '/reports/revenue');
    assert.equal(u.searchParams.get('name'), 'Q1 & Q2');
    assert.equal(u.searchParams.get('format'), 'json');
    assert.equal(u.searchParams.get('extra'), 'a/b');
    const p = resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', vars: { id: 'a/b c' } });
    assert.equal(new URL(p.url).pathname, '/customers/a%2Fb%20c');
  });

  it('a missing variable is a UserError naming it', () => {
    assert.throws(
      () => resolveRequest(m(), { workflow: 'Get Customer', key: 'prod' }),
      (e: unknown) => e instanceof UserError && e.code === 'missing-variable' && /\bid\b/.test(e.message),
    );
  });

  it('unknown workflow, key or environment lists what exists', () => {
    assert.throws(() => resolveRequest(m(), { workflow: 'Nope', key: 'prod' }), /unknown workflow 'Nope'.*'Get Customer'/);
    assert.throws(() => resolveRequest(m(), { workflow: 'Get Customer', key: 'x', vars: { id: '1' } }), /unknown key 'x'.*'ci-test'/);
    assert.throws(() => resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', environment: 'Dev', vars: { id: '1' } }), /unknown environment 'Dev'/);
  });

  it('fills headers, client files, ca, TLS options and the body file', () => {
    const body = join(pki.dir, 'order.json');
    writeFileSync(body, '{"qty":2}');
    const mf = m();
    mf.workflows[2].body = body;
    mf.environments[0].tlsMaxVersion = 'TLSv1.2';
    const r = resolveRequest(mf, { workflow: 'Create Order', key: 'prod' });
    assert.equal(r.method, 'POST');
    assert.equal(r.body, '{"qty":2}');
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(r.headers['X-Provide-Client-Certificate'], 'Yes');
    assert.deepEqual(r.client, { keyName: 'prod', certificate: pki.clientCert, privateKey: pki.clientKey, pfx: undefined, thumbprint: undefined, passphraseEnv: undefined });
    assert.equal(r.ca, pki.caCert);
    assert.equal(r.tlsMaxVersion, 'TLSv1.2');
    const off = resolveRequest(mf, { workflow: 'Create Order', key: 'prod', body: 'x', provideClientCertificateHeader: false });
    assert.equal(off.headers['X-Provide-Client-Certificate'], undefined);
    assert.equal(off.body, 'x');
  });

  it('ad-hoc requests need https and a certificate', () => {
    assert.throws(() => adhocRequest({ url: 'http://x', certificate: 'a', privateKey: 'b' }), /only https/);
    assert.throws(() => adhocRequest({ url: 'https://x/y' }), /--cert and --key/);
    const r = adhocRequest({ url: 'https://x/y?_profile=Test', certificate: 'a', privateKey: 'b' });
    assert.equal(r.environment, 'Test');
    assert.equal(r.method, 'GET');
  });
});
