import * as assert from 'node:assert/strict';
import { enabledAt, explain404, trackEnabled } from '../../../src/core/invoke/explain404';
import { adhocRequest, resolveRequest } from '../../../src/core/invoke/resolve';
import { makePki, type Pki } from './pki';
import { testManifest } from './manifest';

describe('invoke: explain404 ranks causes from local knowledge', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => pki.cleanup());
  const m = () => testManifest('https://acme.flowgear.net', pki);
  const codes = (c: { code: string }[]) => c.map((x) => x.code);

  it('a clean request only gets the generic explanation', () => {
    const req = resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
    assert.deepEqual(codes(explain404(m(), req)), ['not-uploaded-or-binding']);
  });

  it('disabled key first', () => {
    const req = resolveRequest(m(), { workflow: 'Get Customer', key: 'off', vars: { id: '1' } });
    const c = explain404(m(), req);
    assert.equal(c[0].code, 'key-disabled');
    assert.match(c[0].message, /disabled in flowgear\.json/);
  });

  it('recently enabled: may take up to five minutes', () => {
    const req = resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
    const now = Date.now();
    const c = explain404(m(), req, { enabledAt: now - 60_000 }, now);
    assert.equal(c[0].code, 'key-recently-enabled');
    assert.match(c[0].message, /60 s ago.*five minutes/);
    assert.ok(!codes(explain404(m(), req, { enabledAt: now - 600_000 }, now)).includes('key-recently-enabled'));
  });

  it('tracks when a key was switched on (what the editor remembers between invokes)', () => {
    let c = trackEnabled({}, [{ name: 'a', enabled: false }, { name: 'b', enabled: true }], 1000);
    assert.equal(enabledAt(c, 'b'), undefined, 'first sighting: no change seen');
    c = trackEnabled(c, [{ name: 'a', enabled: true }, { name: 'b', enabled: true }], 2000);
    assert.equal(enabledAt(c, 'a'), 2000);
    c = trackEnabled(c, [{ name: 'a', enabled: true }], 3000);
    assert.equal(enabledAt(c, 'a'), 2000, 'unchanged keeps the time');
    c = trackEnabled(c, [{ name: 'a', enabled: false }], 4000);
    assert.equal(enabledAt(c, 'a'), undefined);
    assert.equal(c.b, undefined, 'removed keys are dropped');
  });

  it('workflow not permitted', () => {
    const req = resolveRequest(m(), { workflow: 'Create Order', key: 'ci-test', body: '{}' });
    assert.equal(explain404(m(), req)[0].code, 'workflow-not-permitted');
  });

  it("key's target environment differs from the chosen one; _profile missing", () => {
    const prod = resolveRequest(m(), { workflow: 'Get Customer', key: 'ci-test', environment: 'Production', vars: { id: '1' } });
    const c = explain404(m(), prod);
    assert.equal(c[0].code, 'environment-mismatch');
    assert.match(c[0].message, /targets the Test environment but this invoke went to Production/);
    const stripped = resolveRequest(m(), { workflow: 'Get Customer', key: 'ci-test', vars: { id: '1' } });
    stripped.url = stripped.url.replace('?_profile=Test', '');
    assert.match(explain404(m(), stripped)[0].message, /needs _profile=Test \(it has none\)/);
  });

  it("path doesn't match the template", () => {
    const req = resolveRequest(m(), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
    req.url = 'https://acme.flowgear.net/customer/1/extra';
    assert.equal(explain404(m(), req)[0].code, 'path-mismatch');
  });

  it('certificate expired and thumbprint mismatch', () => {
    const mf = m();
    mf.keys[1].thumbprint = 'AA'.repeat(20);
    const req = resolveRequest(mf, { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
    const c = codes(explain404(mf, req, { notAfter: new Date('2020-01-01'), fileThumbprint: 'BB'.repeat(20) }));
    assert.ok(c.indexOf('certificate-expired') >= 0 && c.indexOf('thumbprint-mismatch') >= 0);
    assert.ok(c.indexOf('certificate-expired') < c.indexOf('not-uploaded-or-binding'));
  });

  it('TLS 1.3 hint only with evidence that no certificate was requested in the handshake (issue 18)', () => {
    const req = adhocRequest({ url: 'https://x/y', certificate: 'a', privateKey: 'b' });
    // Old behaviour: every TLS 1.3 404 listed the hint. Now: negotiated TLS 1.3 alone is no evidence…
    assert.deepEqual(codes(explain404(undefined, req, { protocol: 'TLSv1.3' })), ['not-uploaded-or-binding']);
    // …nor is a certificate requested in the handshake (renegotiation cannot be the cause then).
    assert.deepEqual(codes(explain404(undefined, req, { protocol: 'TLSv1.3', certificateRequestedInHandshake: true })), ['not-uploaded-or-binding']);
    // Not requested: the hint, after the console-side causes of an ad-hoc --url invoke.
    const c = explain404(undefined, req, { protocol: 'TLSv1.3', certificateRequestedInHandshake: false });
    assert.deepEqual(codes(c), ['not-uploaded-or-binding', 'tls13-post-handshake']);
    assert.match(c[0].message, /--cert\/--pfx certificate/);
    assert.doesNotMatch(c.map((x) => x.message).join(' '), /flowgear\.json/);
    // A manifest key: the manifest's causes stay first.
    const k = resolveRequest(m(), { workflow: 'Get Customer', key: 'off', vars: { id: '1' } });
    assert.deepEqual(codes(explain404(m(), k, { protocol: 'TLSv1.3', certificateRequestedInHandshake: false })), ['key-disabled', 'tls13-post-handshake', 'not-uploaded-or-binding']);
  });
});
