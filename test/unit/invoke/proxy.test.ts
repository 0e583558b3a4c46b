import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { Invoker } from '../../../src/core/invoke/invoker';
import { resolveRequest } from '../../../src/core/invoke/resolve';
import { startProxy, requireTinyproxy, type TestProxy } from '../helpers/proxy';
import { closedPort } from './servers';
import { emulated, type Emulated } from './emulated';

/** Invokes through a real forward proxy (tinyproxy): CONNECT tunnel, TLS end to end. */
function rejectsWith(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe('invoke: through an HTTP proxy (tinyproxy on loopback)', function () {
  let proxy: TestProxy;
  let authProxy: TestProxy;
  before(async function () {
    requireTinyproxy(this);
    proxy = await startProxy();
    authProxy = await startProxy({ auth: { user: 'alice', pass: 's3cret' } });
  });
  after(async () => {
    await proxy?.close();
    await authProxy?.close();
  });

  for (const mode of ['handshake', 'renegotiate'] as const) {
    describe(`emulator asks for the certificate by ${mode}`, () => {
      let e: Emulated;
      before(async () => (e = await emulated(mode)));
      after(() => e?.close());

      it('reaches the workflow with the key (Key: NAME); the proxy saw only a CONNECT, nothing in clear', async () => {
        const inv = new Invoker();
        try {
          const req = resolveRequest(await e.manifest(), { workflow: 'Get Customer', key: 'ci-test', vars: { id: '7' } });
          const r = await inv.invoke(req, { network: { proxy: { env: { HTTPS_PROXY: proxy.url } } } });
          assert.equal(r.status, 200, r.body);
          assert.equal(JSON.parse(r.body).FgUsername, 'Key: ci-test');
          assert.equal(r.proxy, proxy.url);
          if (mode === 'renegotiate') assert.equal(r.protocol, 'TLSv1.2');
          const port = new URL(e.emu.url).port;
          const log = proxy.log();
          assert.match(log, new RegExp(`CONNECT 127\\.0\\.0\\.1:${port} HTTP/1\\.1`));
          assert.doesNotMatch(log, /customers|_profile|Key: ci-test/, 'the proxy never saw the request inside the tunnel');
        } finally {
          await inv.dispose();
        }
      });

      it('Basic auth from the proxy URL (credentials never in the result or errors)', async () => {
        const inv = new Invoker();
        try {
          const url = authProxy.url.replace('http://', 'http://alice:s3cret@');
          const req = resolveRequest(await e.manifest(), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
          const r = await inv.invoke(req, { network: { proxy: { proxy: url, source: '--proxy' } } });
          assert.equal(r.status, 200);
          assert.equal(JSON.parse(r.body).FgUsername, 'Key: prod');
          assert.doesNotMatch(JSON.stringify({ ...r, bodyBytes: undefined }), /s3cret|alice/);
        } finally {
          await inv.dispose();
        }
      });
    });
  }

  describe('errors that say what failed', () => {
    let e: Emulated;
    before(async () => (e = await emulated('handshake')));
    after(() => e?.close());
    const req = async () => resolveRequest(await e.manifest(), { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });

    it('407: the proxy wants credentials', async () => {
      const inv = new Invoker();
      await assert.rejects(inv.invoke(await req(), { network: { proxy: { proxy: authProxy.url, source: 'http.proxy' } } }), rejectsWith('proxy-auth', /requires authentication \(407 Proxy Authentication Required\)/));
      await inv.dispose();
    });

    it('407 with wrong credentials says they were refused, without showing them', async () => {
      const inv = new Invoker();
      await assert.rejects(
        inv.invoke(await req(), { network: { proxy: { proxy: authProxy.url.replace('http://', 'http://alice:wrong@'), source: '--proxy' } } }),
        (err: unknown) => rejectsWith('proxy-auth', /refused the proxy credentials/)(err) && !/wrong|alice/.test((err as Error).message),
      );
      await inv.dispose();
    });

    it('CONNECT refused by the proxy: the status line is shown', async () => {
      const strict = await startProxy({ connectPorts: [443] });
      const inv = new Invoker();
      try {
        await assert.rejects(inv.invoke(await req(), { network: { proxy: { proxy: strict.url, source: 'HTTPS_PROXY' } } }), rejectsWith('proxy-connect', /refused to open a tunnel \(CONNECT\) to 127\.0\.0\.1:\d+ \(403 Forbidden\)/));
      } finally {
        await inv.dispose();
        await strict.close();
      }
    });

    it('nothing listening at the proxy: proxy refused the connection', async () => {
      const inv = new Invoker();
      const port = await closedPort();
      await assert.rejects(inv.invoke(await req(), { network: { proxy: { proxy: `http://127.0.0.1:${port}`, source: 'HTTPS_PROXY' } } }), rejectsWith('proxy-unreachable', /refused the connection/));
      await inv.dispose();
    });

    it('target unreachable through the proxy', async () => {
      const inv = new Invoker();
      const m = await e.manifest();
      const port = await closedPort();
      const r = resolveRequest({ ...m, site: `https://127.0.0.1:${port}` }, { workflow: 'Get Customer', key: 'prod', vars: { id: '1' } });
      await assert.rejects(inv.invoke(r, { network: { proxy: { proxy: proxy.url, source: 'HTTPS_PROXY' } } }), rejectsWith('proxy-target', /could not reach 127\.0\.0\.1:\d+ \(500/));
      await inv.dispose();
    });

    it('NO_PROXY bypasses the proxy (no CONNECT in its log)', async () => {
      const inv = new Invoker();
      const before = proxy.log().length;
      const r = await inv.invoke(await req(), { network: { proxy: { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } } } });
      assert.equal(r.status, 200);
      assert.equal(r.proxy, undefined);
      assert.doesNotMatch(proxy.log().slice(before), /CONNECT/);
      await inv.dispose();
    });
  });

  describe('CLI flowgear-mtls invoke as a real process', () => {
    let e: Emulated;
    before(async () => (e = await emulated('renegotiate')));
    after(() => e?.close());

    async function cli(args: string[], env: NodeJS.ProcessEnv) {
      const child = spawn(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), 'invoke', 'Get Customer', '--var', 'id=5', '--workspace', e.fx.dir, '--json', ...args], {
        env: { PATH: process.env.PATH, ...env },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((r) => child.on('close', r));
      return { code, out, err };
    }

    it('HTTPS_PROXY from the environment: 200 with Key: NAME, the JSON names the proxy', async () => {
      const r = await cli(['--key', 'ci-test'], { HTTPS_PROXY: proxy.url });
      assert.equal(r.code, 0, r.err);
      const doc = JSON.parse(r.out);
      assert.equal(JSON.parse(doc.body).FgUsername, 'Key: ci-test');
      assert.equal(doc.proxy, proxy.url);
      assert.equal(doc.protocol, 'TLSv1.2');
    });

    it('--no-proxy ignores HTTPS_PROXY; --proxy overrides it', async () => {
      const direct = await cli(['--key', 'prod', '--no-proxy'], { HTTPS_PROXY: 'http://127.0.0.1:9' });
      assert.equal(direct.code, 0, direct.err);
      assert.equal(JSON.parse(direct.out).proxy, undefined);
      const via = await cli(['--key', 'prod', '--proxy', authProxy.url.replace('http://', 'http://alice:s3cret@')], { HTTPS_PROXY: 'http://127.0.0.1:9' });
      assert.equal(via.code, 0, via.err);
      assert.equal(JSON.parse(via.out).proxy, authProxy.url);
    });

    it('a 407 is one line on stderr, exit 1, no stack, no credentials', async () => {
      const r = await cli(['--key', 'prod'], { HTTPS_PROXY: authProxy.url.replace('http://', 'http://alice:nope@') });
      assert.equal(r.code, 1);
      assert.match(r.err, /refused the proxy credentials/);
      assert.doesNotMatch(r.err, /nope|\bat .*:\d+:\d+/);
    });

    it('--proxy with --no-proxy is a usage error (exit 2)', async () => {
      const r = await cli(['--key', 'prod', '--proxy', proxy.url, '--no-proxy'], {});
      assert.equal(r.code, 2);
    });
  });
});
