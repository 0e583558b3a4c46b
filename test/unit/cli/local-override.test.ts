import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { isGitignored } from '../../../src/core/certificates/gitignore';
import { applyLocalOverride } from '../../../src/core/manifest/local';
import { loadManifest, parseManifest } from '../../../src/core/manifest/load';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';
import { memoryIo } from '../helpers/io';
import { stopChild } from '../helpers/stop';

const cli = join(process.cwd(), 'dist', 'cli.js');

describe('flowgear.local.json: a per-user override (issue 18 point 2)', () => {
  it('merges site, ca, environments and key paths by name; refuses what is the team’s to decide', () => {
    const shared = parseManifest(
      JSON.stringify({
        site: 'https://acme.flowgear.net',
        environments: [{ name: 'Production', production: true }, { name: 'QA', baseUrl: 'https://qa.acme.net' }],
        keys: [{ name: 'ci', certificate: 'certs/ci.crt', privateKey: 'certs/ci.key', thumbprint: 'AB'.repeat(20), permittedWorkflows: [] }],
      }),
      '/ws/flowgear.json',
    );
    assert.ok(shared.ok);
    const ok = applyLocalOverride(
      shared.manifest,
      `// mine
      { "site": "https://127.0.0.1:8443/", "ca": ".flowgear/emulator-ca.crt",
        "environments": [{ "name": "qa", "baseUrl": "https://127.0.0.1:9443", "tlsMaxVersion": "TLSv1.2" }],
        "keys": [{ "name": "ci", "pfx": "/home/me/ci.pfx", "passphraseEnv": "MY_PASS" }] }`,
      '/ws/flowgear.local.json',
    );
    assert.deepEqual(ok.problems, []);
    const m = ok.manifest;
    assert.equal(m.site, 'https://127.0.0.1:8443');
    assert.equal(m.ca, '/ws/.flowgear/emulator-ca.crt');
    assert.equal(m.environments[1].baseUrl, 'https://127.0.0.1:9443');
    assert.equal(m.environments[1].tlsMaxVersion, 'TLSv1.2');
    assert.deepEqual([m.keys[0].pfx, m.keys[0].certificate, m.keys[0].passphraseEnv, m.keys[0].thumbprint], ['/home/me/ci.pfx', undefined, 'MY_PASS', 'AB'.repeat(20)]);
    assert.equal(shared.manifest.site, 'https://acme.flowgear.net', 'the shared model is not mutated');
    for (const bad of ['{"workflows": []}', '{"keys": [{"name": "ci", "thumbprint": "00"}]}', '{"keys": [{"name": "ci", "permittedWorkflows": ["x"]}]}', '{"environments": [{"name": "Staging", "baseUrl": "https://x"}]}', '{"site": "http://x"}', '{ bad']) {
      const r = applyLocalOverride(shared.manifest, bad, '/ws/flowgear.local.json');
      assert.ok(r.problems.length > 0, bad);
      assert.equal(r.manifest, shared.manifest);
    }
  });

  describe('against the emulator, without touching the shared flowgear.json', () => {
    let fx: FixtureWorkspace;
    let child: ReturnType<typeof spawn>;
    let url: string;
    let sharedText: string;
    before(async () => {
      fx = makeFixtureWorkspace({
        environments: [{ name: 'Production', production: true }, { name: 'Test' }],
        workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
        keys: [{ name: 'ci-test', environment: 'Test' }, { name: 'prod' }],
      });
      sharedText = readFileSync(fx.manifestFile, 'utf8');
      child = spawn(process.execPath, [cli, 'emulator', '--workspace', fx.dir, '--write-local-override'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 20_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^listening on (\S+)$/m.exec(out);
          if (m && /wrote flowgear\.local\.json/.test(out)) (clearTimeout(t), resolve(m[1]));
        });
      });
    });
    after(async () => {
      await stopChild(child);
      fx.cleanup();
    });
    const run = async (...argv: string[]) => {
      const io = memoryIo({}, fx.dir);
      return { code: await main(argv, io), ...io };
    };

    it('emulator --write-local-override: invoke reaches the emulator with _profile=Test; flowgear.json unchanged; override git-ignored', async () => {
      const local = JSON.parse(readFileSync(join(fx.dir, 'flowgear.local.json'), 'utf8'));
      assert.deepEqual(local, { site: url, ca: '.flowgear/emulator-ca.crt' });
      assert.ok(isGitignored(fx.dir, 'flowgear.local.json'));
      const r = await run('invoke', 'Get Customer', '--key', 'ci-test', '--var', 'id=7', '--json');
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.url, `${url}/customers/7?_profile=Test`);
      assert.equal(JSON.parse(doc.body).FgUsername, 'Key: ci-test');
      assert.equal(readFileSync(fx.manifestFile, 'utf8'), sharedText);
      // The loader the editor's ManifestStore and the emulator use gives the merged site too.
      const m = await loadManifest(fx.manifestFile);
      assert.ok(m.ok && m.manifest.site === url);
    });

    it('code is generated from the shared manifest (was: the emulator’s 127.0.0.1 and CA), --local applies the override', async () => {
      const shared = await run('code', 'curl', 'Get Customer', '--key', 'ci-test', '--var', 'id=7');
      assert.equal(shared.code, 0, shared.stderr);
      assert.match(shared.stdout, /https:\/\/acme\.flowgear\.net\/customers\/7\?_profile=Test/);
      assert.doesNotMatch(shared.stdout, /127\.0\.0\.1|emulator-ca/);
      const local = await run('code', 'curl', 'Get Customer', '--key', 'ci-test', '--var', 'id=7', '--local');
      assert.ok(local.stdout.includes(`${url}/customers/7?_profile=Test`), local.stdout);
      assert.match(local.stdout, /emulator-ca\.crt/);
    });

    it('--profile and --base-url for one call; --var _profile is a usage error (was silently ignored)', async () => {
      const viaVar = await run('invoke', 'Get Customer', '--key', 'ci-test', '--env', 'Production', '--var', 'id=1', '--var', '_profile=Test');
      assert.equal(viaVar.code, 2);
      assert.match(viaVar.stderr, /use --profile Test/);
      const p = await run('invoke', 'Get Customer', '--key', 'ci-test', '--env', 'Production', '--var', 'id=1', '--profile', 'Test', '--json');
      assert.equal(p.code, 0, p.stderr);
      assert.match(JSON.parse(p.stdout).url, /\?_profile=Test$/);
      // Only the CA locally; the URL for this one call.
      writeFileSync(join(fx.dir, 'flowgear.local.json'), '{ "ca": ".flowgear/emulator-ca.crt" }\n');
      try {
        const b = await run('invoke', 'Get Customer', '--key', 'prod', '--var', 'id=2', '--base-url', url, '--json');
        assert.equal(b.code, 0, b.stderr);
        assert.equal(JSON.parse(b.stdout).url, `${url}/customers/2`);
        assert.equal((await run('invoke', 'Get Customer', '--key', 'prod', '--var', 'id=2', '--base-url', 'http://x')).code, 2);
        // A broken override is an error naming its file, never silently skipped.
        writeFileSync(join(fx.dir, 'flowgear.local.json'), '{ "keys": [{ "name": "ghost" }] }\n');
        const broken = await run('invoke', 'Get Customer', '--key', 'prod', '--var', 'id=2');
        assert.equal(broken.code, 1);
        assert.match(broken.stderr, /flowgear\.local\.json.*key 'ghost' is not in flowgear\.json/);
      } finally {
        unlinkSync(join(fx.dir, 'flowgear.local.json'));
      }
    });
  });
});
