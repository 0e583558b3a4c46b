import * as assert from 'node:assert/strict';
import { explain404 } from '../../../src/core/invoke/explain404';
import { Invoker } from '../../../src/core/invoke/invoker';
import { resolveRequest } from '../../../src/core/invoke/resolve';
import { PASSPHRASE, emulated, type Emulated } from './emulated';

for (const mode of ['handshake', 'renegotiate'] as const) {
  describe(`invoke: against the local emulator (${mode} mode)`, () => {
    let e: Emulated;
    const invoker = new Invoker();
    before(async () => (e = await emulated(mode)));
    after(async () => {
      await invoker.dispose();
      await e.close();
    });

    async function run(workflow: string, key: string, environment?: string, vars: Record<string, string> = { id: '7' }) {
      const m = await e.manifest();
      const req = resolveRequest(m, { workflow, key, environment, vars });
      const r = await invoker.invoke(req);
      return { m, req, r, json: JSON.parse(r.body) };
    }

    it('allowed: Production key, no _profile; the workflow sees Key: NAME', async () => {
      const { r, json } = await run('Get Customer', 'prod');
      assert.equal(r.status, 200);
      assert.equal(r.statusText, 'OK');
      assert.equal(new URL(r.url).searchParams.has('_profile'), false);
      assert.equal(json.FgUsername, 'Key: prod');
      assert.equal(json.FgProfile, 'Production');
      assert.match(json.InitialisationXml, /<Username>Key: prod<\/Username>/);
      assert.deepEqual(json.pathVariables, { id: '7' });
      if (mode === 'renegotiate') assert.equal(r.protocol, 'TLSv1.2');
    });

    it('allowed: Test key gets _profile=Test on the wire', async () => {
      const { r, json } = await run('Get Customer', 'ci-test');
      assert.equal(r.status, 200);
      assert.equal(new URL(r.url).searchParams.get('_profile'), 'Test');
      assert.equal(json.FgProfile, 'Test');
      assert.equal(json.FgUsername, 'Key: ci-test');
    });

    it('per-environment baseUrl: no _profile, environment chosen by host', async () => {
      const { r, json } = await run('Get Customer', 'qa');
      assert.equal(r.status, 200, r.body);
      assert.match(r.url, /^https:\/\/localhost:\d+\/customers\/7$/);
      assert.equal(json.FgProfile, 'QA');
    });

    for (const key of ['pfxkey', 'enckey']) {
      it(`allowed: ${key === 'pfxkey' ? 'PFX key' : 'encrypted PEM key'} with its passphrase`, async () => {
        const m = await e.manifest();
        const req = resolveRequest(m, { workflow: 'Get Customer', key, vars: { id: '1' } });
        const inv = new Invoker();
        try {
          const r = await inv.invoke(req, { passphrase: PASSPHRASE });
          assert.equal(r.status, 200, r.body);
          assert.equal(JSON.parse(r.body).FgUsername, `Key: ${key}`);
        } finally {
          await inv.dispose();
        }
      });
    }

    const refusals: [string, string, string, string | undefined, string][] = [
      ['disabled key', 'Get Customer', 'off', undefined, 'key-disabled'],
      ['workflow not permitted', 'Create Order', 'ci-test', 'Test', 'workflow-not-permitted'],
      ["key's environment differs from the chosen one", 'Get Customer', 'ci-test', 'Production', 'environment-mismatch'],
      ['Production key sent to Test (_profile)', 'Get Customer', 'prod', 'Test', 'environment-mismatch'],
    ];
    for (const [title, workflow, key, env, cause] of refusals) {
      it(`refused (${title}): 404, explained as ${cause}`, async () => {
        const { m, req, r, json } = await run(workflow, key, env);
        assert.equal(r.status, 404);
        assert.equal(typeof json.Message, 'string');
        const causes = explain404(m, req, { protocol: r.protocol });
        assert.equal(causes[0].code, cause, causes.map((c) => c.message).join('\n'));
      });
    }
  });
}
