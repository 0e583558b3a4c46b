/**
 * Generated code behind a proxy: each program is run with HTTPS_PROXY pointing at a real
 * tinyproxy and must reach the emulator with the right key, through a CONNECT the proxy logged
 * (nothing of the request in clear). Go is not in the list: Go never proxies loopback
 * addresses, and the emulator is on 127.0.0.1 here; its code sets Proxy: http.ProxyFromEnvironment.
 */
import * as assert from 'node:assert/strict';
import { generate, type CodegenOptions, type Language } from '../../../src/core/codegen';
import { requireTinyproxy, startProxy, type TestProxy } from '../helpers/proxy';
import { echoed, parseOutput, removeAll, startWorld, TRICKY_BODY, type CodegenWorld, type RunResult } from './harness';
import { execute, missing, skipOrFail, type Runtime } from './runners';

const CASES: { name: string; lang: Language; opts?: CodegenOptions; needs: Runtime[] }[] = [
  { name: 'curl', lang: 'curl', needs: ['curl'] },
  { name: 'JavaScript node:https', lang: 'javascript', needs: ['node'] },
  { name: 'JavaScript undici', lang: 'javascript', opts: { variant: 'undici' }, needs: ['node'] },
  { name: 'TypeScript node:https', lang: 'typescript', needs: ['node'] },
  { name: 'Python http.client', lang: 'python', needs: ['python'] },
  { name: 'Python requests', lang: 'python', opts: { variant: 'requests' }, needs: ['python', 'requests'] },
];

describe('codegen: generated code through an HTTP proxy (HTTPS_PROXY, tinyproxy)', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  let world: CodegenWorld;
  let proxy: TestProxy;
  const results = new Map<string, Promise<RunResult>>();

  before(async function () {
    requireTinyproxy(this);
    world = await startWorld('renegotiate');
    proxy = await startProxy({ auth: { user: 'gen', pass: 'pw' } });
    const HTTPS_PROXY = proxy.url.replace('http://', 'http://gen:pw@');
    for (const c of CASES) {
      if (missing(c.needs).length) continue;
      const req = world.resolve({});
      results.set(c.name, execute(c.lang, generate(c.lang, req, c.opts), dirs, { ca: req.ca, env: { HTTPS_PROXY } }));
    }
  });
  after(async () => {
    await Promise.allSettled(results.values());
    await proxy?.close();
    await world?.close();
    removeAll(dirs.splice(0));
  });

  for (const c of CASES) {
    it(c.name, async function () {
      skipOrFail(this, c.needs);
      const r = await results.get(c.name)!;
      const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;
      assert.equal(r.code, 0, detail);
      assert.equal(parseOutput(r.stdout).status, 200, detail);
      assert.match(r.stdout, /"FgUsername":\s*"Key: ci"/, detail);
      assert.equal(echoed(r.stdout)?.body, TRICKY_BODY, detail);
    });
  }

  it('the proxy saw one CONNECT per program and none of the requests in clear', async function () {
    if (!results.size) this.skip();
    await Promise.allSettled(results.values());
    const log = proxy.log();
    const connects = log.match(/CONNECT 127\.0\.0\.1:\d+ HTTP\/1\.[01]/g) ?? [];
    assert.ok(connects.length >= results.size, `expected ≥ ${results.size} CONNECTs, log:\n${log}`);
    assert.doesNotMatch(log, /customers|Lovelace|_profile/);
  });
});
