import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import * as tls from 'node:tls';
import { Agent } from 'undici';
import { UserError } from '../../../src/core/errors';
import { Invoker } from '../../../src/core/invoke/invoker';
import { resolveRequest, adhocRequest } from '../../../src/core/invoke/resolve';
import { makePki, type Pki } from './pki';
import { testManifest } from './manifest';
import { closedPort, startRawServer, startTlsServer, thumbprintOfFile, type TestServer } from './servers';

function rejectsWith(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe('invoke: Invoker over real TLS (plain Node https server)', () => {
  let pki: Pki;
  let thumb: string;
  const invoker = new Invoker();
  before(() => {
    pki = makePki();
    thumb = thumbprintOfFile(pki.clientCert);
  });
  after(async () => {
    await invoker.dispose();
    pki.cleanup();
  });

  for (const mode of ['handshake', 'renegotiate'] as const) {
    describe(`server asks for the certificate by ${mode}`, () => {
      let srv: TestServer;
      before(async () => (srv = await startTlsServer(pki, mode)));
      after(() => srv.close());

      for (const key of ['prod', 'enc', 'pfx']) {
        it(`presents key '${key}' (${key === 'pfx' ? 'PFX' : key === 'enc' ? 'encrypted PEM key' : 'PEM'})`, async () => {
          const inv = new Invoker();
          try {
            const req = resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key, vars: { id: '7' } });
            const r = await inv.invoke(req, { passphrase: key === 'prod' ? undefined : pki.passphrase });
            assert.equal(r.status, 200);
            const body = JSON.parse(r.body);
            assert.equal(body.thumbprint, thumb, 'the server saw our client certificate');
            assert.equal(body.url, '/customers/7');
            assert.equal(r.protocol, mode === 'renegotiate' ? 'TLSv1.2' : 'TLSv1.3');
          } finally {
            await inv.dispose();
          }
        });
      }
    });
  }

  it('renegotiation trap: a plain undici Agent stays anonymous, ours presents the certificate on every new connection', async () => {
    const srv = await startTlsServer(pki, 'renegotiate');
    const ca = [...tls.rootCertificates, readFileSync(pki.caCert, 'utf8')];
    // Control: what a naive client does (session tickets on) — proves the server sets the trap.
    const plain = new Agent({ connect: { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey), ca } });
    const inv = new Invoker();
    try {
      const r = await plain.request({ origin: srv.url, path: '/x', method: 'GET', headers: { 'X-Provide-Client-Certificate': 'Yes' } });
      assert.equal(JSON.parse(await r.body.text()).thumbprint, null);
      // `connection: close` forces a new connection (and a chance to resume a session) per invoke.
      const req = adhocRequest({ url: `${srv.url}/x`, certificate: pki.clientCert, privateKey: pki.clientKey, ca: pki.caCert, headers: { connection: 'close' } });
      for (let i = 0; i < 3; i++) {
        const ours = await inv.invoke(req);
        assert.equal(JSON.parse(ours.body).thumbprint, thumb, `invoke ${i + 1}`);
        assert.equal(ours.timings.reusedConnection, false);
        assert.equal(ours.protocol, 'TLSv1.2');
      }
    } finally {
      await plain.close();
      await inv.dispose();
      await srv.close();
    }
  });

  it('keeps one Agent per key and origin alive: the second invoke reuses the connection', async () => {
    const srv = await startTlsServer(pki, 'handshake');
    try {
      const req = resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      const a = await invoker.invoke(req);
      const b = await invoker.invoke(req);
      assert.equal(invoker.agentCount, 1);
      assert.equal(a.timings.reusedConnection, false);
      assert.ok(a.timings.tls > 0, `TLS handshake measured (${a.timings.tls} ms)`);
      assert.ok(a.timings.total >= a.timings.tls + a.timings.ttfb);
      assert.equal(b.timings.reusedConnection, true);
      assert.equal(b.timings.tls, 0);
      await invoker.forget('prod');
      assert.equal(invoker.agentCount, 0);
      const c = await invoker.invoke(req);
      assert.equal(c.timings.reusedConnection, false, 'a forgotten key opens a new connection');
    } finally {
      await srv.close();
    }
  });

  it('sends method, headers and body; _profile reaches the server', async () => {
    const srv = await startTlsServer(pki, 'handshake');
    try {
      const mf = testManifest(srv.url, pki);
      const r = await invoker.invoke(resolveRequest(mf, { workflow: 'Get Customer', key: 'ci-test', vars: { id: '9' } }));
      assert.equal(JSON.parse(r.body).url, '/customers/9?_profile=Test');
      assert.equal(srv.seen.at(-1)!.headers['x-provide-client-certificate'], 'Yes');
      const post = await invoker.invoke(resolveRequest(mf, { workflow: 'Create Order', key: 'prod', body: '{"qty":3}' }));
      assert.equal(JSON.parse(post.body).method, 'POST');
      assert.equal(JSON.parse(post.body).body, '{"qty":3}');
      assert.equal(post.sizes.requestBody, 9);
    } finally {
      await srv.close();
    }
  });

  it("an environment's tlsMaxVersion caps the protocol", async () => {
    const srv = await startTlsServer(pki, 'handshake');
    const inv = new Invoker();
    try {
      const mf = testManifest(srv.url, pki);
      mf.environments[0].tlsMaxVersion = 'TLSv1.2';
      const r = await inv.invoke(resolveRequest(mf, { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } }));
      assert.equal(r.protocol, 'TLSv1.2');
      assert.equal(JSON.parse(r.body).protocol, 'TLSv1.2');
    } finally {
      await inv.dispose();
      await srv.close();
    }
  });

  it('encrypted key or PFX without passphrase, a wrong one, a legacy RC2 PFX: clear error, no network', async () => {
    const req = resolveRequest(testManifest('https://127.0.0.1:9', pki), { workflow: 'Get Customer', key: 'enc', vars: { id: '1' } });
    await assert.rejects(new Invoker().invoke(req), rejectsWith('passphrase-required', /encrypted/));
    await assert.rejects(new Invoker().invoke(req, { passphrase: 'nope' }), rejectsWith('bad-passphrase'));
    const pfx = resolveRequest(testManifest('https://127.0.0.1:9', pki), { workflow: 'Get Customer', key: 'pfx', vars: { id: '1' } });
    await assert.rejects(new Invoker().invoke(pfx, { passphrase: 'nope' }), rejectsWith('bad-passphrase'));
    const legacy = adhocRequest({ url: 'https://127.0.0.1:9/x', pfx: pki.clientPfxLegacy });
    await assert.rejects(new Invoker().invoke(legacy, { passphrase: pki.passphrase }), rejectsWith('pfx-legacy', /openssl pkcs12 -legacy/));
  });

  it('untrusted server certificate is an error naming the ca option; trusted via ca; insecure opt-out', async () => {
    const srv = await startTlsServer(pki, 'handshake');
    const inv = new Invoker();
    try {
      const noCa = testManifest(srv.url, pki, { ca: undefined });
      const req = resolveRequest(noCa, { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      await assert.rejects(inv.invoke(req), rejectsWith('untrusted-server-cert', /"ca" in flowgear\.json/));
      assert.equal(srv.seen.length, 0, 'no request reached the untrusted server');
      const ok = await inv.invoke(resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } }));
      assert.equal(ok.status, 200);
      const insecure = testManifest(srv.url, pki, { ca: undefined });
      insecure.environments[0].insecure = true;
      const r = await inv.invoke(resolveRequest(insecure, { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } }));
      assert.equal(r.status, 200);
    } finally {
      await inv.dispose();
      await srv.close();
    }
  });

  for (const version of ['-tls1_2', '-tls1_3']) {
    it(`openssl s_server rejects our certificate (${version}): "handshake-alert"`, async () => {
      // A real OpenSSL server that only accepts client certificates signed by the test CA; ours is self-signed.
      const port = await closedPort();
      const server = spawn('openssl', ['s_server', '-accept', String(port), '-cert', pki.serverCert, '-key', pki.serverKey, '-CAfile', pki.caCert, '-Verify', '1', '-verify_return_error', '-www', version]);
      try {
        await new Promise<void>((res, rej) => {
          let out = '';
          server.stdout.on('data', (d) => (out += d) && out.includes('ACCEPT') && res());
          server.on('exit', () => rej(new Error(`openssl s_server exited: ${out}`)));
        });
        const req = adhocRequest({ url: `https://127.0.0.1:${port}/x`, certificate: pki.clientCert, privateKey: pki.clientKey, ca: pki.caCert });
        await assert.rejects(new Invoker().invoke(req), rejectsWith('handshake-alert', /rejected our client certificate.*TLS alert: unknown ca/));
      } finally {
        server.kill();
      }
    });
  }

  it('unknown host: "dns"', async () => {
    const req = adhocRequest({ url: 'https://no-such-site.invalid/x', certificate: pki.clientCert, privateKey: pki.clientKey });
    await assert.rejects(invoker.invoke(req), rejectsWith('dns', /cannot resolve no-such-site\.invalid/));
  });

  it('port closed: "refused"', async () => {
    const port = await closedPort();
    const req = adhocRequest({ url: `https://127.0.0.1:${port}/x`, certificate: pki.clientCert, privateKey: pki.clientKey });
    await assert.rejects(invoker.invoke(req), rejectsWith('refused', /nothing is listening/));
  });

  it('server resets mid-handshake: "reset"', async () => {
    const srv = await startRawServer('reset');
    try {
      const req = adhocRequest({ url: `${srv.url}/x`, certificate: pki.clientCert, privateKey: pki.clientKey });
      await assert.rejects(invoker.invoke(req), rejectsWith('reset', /closed the connection during the TLS handshake/));
    } finally {
      await srv.close();
    }
  });

  it('server never answers: the connect timeout fires', async () => {
    const srv = await startRawServer('silent');
    try {
      const req = adhocRequest({ url: `${srv.url}/x`, certificate: pki.clientCert, privateKey: pki.clientKey });
      const t0 = Date.now();
      await assert.rejects(new Invoker().invoke(req, { timeouts: { connect: 300 } }), rejectsWith('timeout', /took too long to connect/));
      assert.ok(Date.now() - t0 < 3000, 'ended within the timeout');
    } finally {
      await srv.close();
    }
  });

  it('server accepts the request but never answers: the headers timeout fires', async () => {
    const srv = await startTlsServer(pki, 'handshake', () => undefined);
    try {
      const req = resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      await assert.rejects(invoker.invoke(req, { timeouts: { headers: 300 } }), rejectsWith('timeout', /took too long to answer/));
    } finally {
      await srv.close();
    }
  });

  it('huge body: display text capped, full bytes kept', async () => {
    const size = 3 * 1024 * 1024;
    const srv = await startTlsServer(pki, 'handshake', (_q, res) => res.end(Buffer.alloc(size, 'x')));
    try {
      const req = resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      const r = await invoker.invoke(req, { bodyCap: 64 * 1024 });
      assert.equal(r.bodyTruncated, true);
      assert.equal(r.body.length, 64 * 1024);
      assert.equal(r.bodyBytes.length, size);
      assert.equal(r.sizes.responseBody, size);
    } finally {
      await srv.close();
    }
  });

  it('cancel during a slow response ends promptly with "cancelled"', async () => {
    const srv = await startTlsServer(pki, 'handshake', (_q, res) => {
      res.writeHead(200);
      res.write('first part');
      // never ends
    });
    try {
      const req = resolveRequest(testManifest(srv.url, pki), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const t0 = Date.now();
      await assert.rejects(invoker.invoke(req, { signal: ac.signal }), rejectsWith('cancelled'));
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      await srv.close();
    }
  });
});
