import * as assert from 'node:assert/strict';
import { UserError } from '../../../../src/core/errors';
import { parseProxyUrl, proxyFor } from '../../../../src/core/net/proxy';

describe('net: which proxy a connection uses (proxyFor)', () => {
  const env = (e: Record<string, string>) => ({ env: e as NodeJS.ProcessEnv });

  it('no proxy without settings or environment', () => {
    assert.equal(proxyFor('https://acme.flowgear.net/x', env({})), undefined);
  });

  it('https targets read HTTPS_PROXY, https_proxy, then HTTP_PROXY, http_proxy (as VS Code does)', () => {
    assert.equal(proxyFor('https://a.flowgear.net', env({ HTTPS_PROXY: 'http://p1:3128', HTTP_PROXY: 'http://p2:3128' }))?.url.href, 'http://p1:3128/');
    assert.equal(proxyFor('https://a.flowgear.net', env({ https_proxy: 'p3:8080' }))?.url.href, 'http://p3:8080/');
    assert.equal(proxyFor('https://a.flowgear.net', env({ HTTP_PROXY: 'http://p2:3128' }))?.source, 'HTTP_PROXY');
    assert.equal(proxyFor('http://127.0.0.1:9', env({ HTTPS_PROXY: 'http://p1:3128' })), undefined, 'http targets do not use HTTPS_PROXY');
  });

  it('an explicit proxy wins over the environment; null means none', () => {
    assert.equal(proxyFor('https://a.flowgear.net', { proxy: 'http://mine:1', source: '--proxy', env: { HTTPS_PROXY: 'http://p1:3128' } })?.url.host, 'mine:1');
    assert.equal(proxyFor('https://a.flowgear.net', { proxy: null, env: { HTTPS_PROXY: 'http://p1:3128' } }), undefined);
  });

  it('NO_PROXY: *, names, domain suffixes, ports, IPs and CIDR ranges', () => {
    const p = (no: string, url: string) => proxyFor(url, env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: no }));
    assert.equal(p('*', 'https://a.flowgear.net'), undefined);
    assert.equal(p('flowgear.net', 'https://a.flowgear.net'), undefined);
    assert.equal(p('.flowgear.net', 'https://a.flowgear.net'), undefined);
    assert.equal(p('*.flowgear.net', 'https://flowgear.net'), undefined);
    assert.ok(p('flowgear.net', 'https://notflowgear.net'), 'a suffix matches at a dot only');
    assert.equal(p('a.flowgear.net:443', 'https://a.flowgear.net'), undefined);
    assert.ok(p('a.flowgear.net:8443', 'https://a.flowgear.net'), 'another port does not bypass');
    assert.equal(p('127.0.0.1', 'https://127.0.0.1:8443'), undefined);
    assert.equal(p('10.0.0.0/8', 'https://10.1.2.3'), undefined);
    assert.ok(p('10.0.0.0/8', 'https://11.1.2.3'));
    assert.equal(p('::1', 'https://[::1]:8443'), undefined);
    assert.equal(p('localhost, example.com', 'https://example.com'), undefined);
    assert.equal(proxyFor('https://x.corp', { proxy: 'http://p:1', noProxy: ['x.corp'], env: {} }), undefined, 'http.noProxy list');
  });

  it('credentials in the proxy URL become a Basic Proxy-Authorization and leave the shown URL', () => {
    const r = parseProxyUrl('http://alice:s%40cret@proxy.corp:3128', 'HTTPS_PROXY');
    assert.equal(r.url.href, 'http://proxy.corp:3128/');
    assert.equal(r.authorization, `Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
    assert.equal(proxyFor('https://a.flowgear.net', { proxy: 'http://p:1', authorization: 'Basic xyz', env: {} })?.authorization, 'Basic xyz');
  });

  it('a socks or malformed proxy is one clear error', () => {
    assert.throws(() => parseProxyUrl('socks5://p:1080', 'ALL'), (e: unknown) => e instanceof UserError && /only http:\/\/ and https:\/\//.test(e.message));
    assert.throws(() => parseProxyUrl('http://[bad', 'X'), (e: unknown) => e instanceof UserError && e.code === 'proxy-config');
  });
});
