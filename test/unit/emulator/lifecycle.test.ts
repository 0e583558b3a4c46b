import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../../../src/core/errors';
import { startEmulator } from '../../../src/emulator';
import { makeFixtureWorkspace } from '../helpers/fixture';
import { curlCert } from './clients';
import { standardFixture, withLog } from './shared';

describe('emulator lifecycle', () => {
  it('first start creates the CA + server certificate in .flowgear/ (git-ignored, keys 0600); the next start reuses them', async () => {
    const fx = standardFixture();
    try {
      const first = await withLog({ workspace: fx.dir });
      await first.emu.close();
      const dir = join(fx.dir, '.flowgear');
      assert.equal(first.emu.caPath, join(dir, 'emulator-ca.crt'));
      assert.ok(first.lines.some((l) => l.startsWith('created the local CA')), first.lines.join('\n'));
      for (const key of ['emulator-ca.key', 'emulator-server.key']) {
        assert.equal(statSync(join(dir, key)).mode & 0o777, 0o600, key);
      }
      assert.match(readFileSync(join(fx.dir, '.gitignore'), 'utf8'), /^\.flowgear\/$/m);
      // openssl agrees the server certificate chains to the CA and is for localhost/127.0.0.1.
      const v = spawnSync('openssl', ['verify', '-CAfile', first.emu.caPath, '-purpose', 'sslserver', join(dir, 'emulator-server.crt')], { encoding: 'utf8' });
      assert.equal(v.status, 0, v.stderr + v.stdout);
      const text = spawnSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', join(dir, 'emulator-server.crt')], { encoding: 'utf8' }).stdout;
      assert.match(text, /DNS:localhost/);
      assert.match(text, /IP Address:127\.0\.0\.1/);

      const ca = readFileSync(first.emu.caPath, 'utf8');
      const second = await withLog({ workspace: fx.dir });
      await second.emu.close();
      assert.equal(readFileSync(second.emu.caPath, 'utf8'), ca, 'CA reused');
      assert.ok(!second.lines.some((l) => l.startsWith('created')), second.lines.join('\n'));
    } finally {
      fx.cleanup();
    }
  });

  it('two emulators starting at once in one workspace share one CA (both verify against the file)', async () => {
    const fx = standardFixture();
    const [a, b] = await Promise.all([withLog({ workspace: fx.dir }), withLog({ workspace: fx.dir })]);
    try {
      for (const { emu } of [a, b]) {
        const r = await curlCert(`${emu.url}/customers/1`, emu.caPath, fx.keys.ci);
        assert.equal(r.status, 200, r.stderr);
      }
      assert.equal([a, b].filter((x) => x.lines.some((l) => l.startsWith('created the local CA'))).length, 1);
    } finally {
      await Promise.all([a.emu.close(), b.emu.close()]);
      fx.cleanup();
    }
  });

  it('reload() follows manifest edits; a broken manifest keeps the previous one', async () => {
    const fx = standardFixture();
    const { emu, last } = await withLog({ workspace: fx.dir });
    try {
      const call = () => curlCert(`${emu.url}/customers/5`, emu.caPath, fx.keys.ci);
      assert.equal((await call()).status, 200);
      fx.manifest.keys.find((k) => k.name === 'ci')!.enabled = false;
      fx.writeManifest();
      assert.equal(await emu.reload(), true);
      assert.equal((await call()).status, 404);
      assert.match(last(), /disabled key: 'ci'/);
      writeFileSync(fx.manifestFile, '{ "site": ');
      assert.equal(await emu.reload(), false);
      assert.match(last(), /reload failed, keeping the previous manifest/);
      assert.equal((await call()).status, 404, 'previous manifest (ci disabled) still applies');
    } finally {
      await emu.close();
      fx.cleanup();
    }
  });

  it('disable delay: a key disabled while running keeps working for the delay, then 404', async () => {
    const fx = standardFixture();
    let clock = 1_000_000;
    const { emu, last } = await withLog({ workspace: fx.dir, disableDelaySeconds: 300, now: () => clock });
    try {
      fx.manifest.keys.find((k) => k.name === 'ci')!.enabled = false;
      fx.writeManifest();
      await emu.reload();
      clock += 299_000;
      const during = await curlCert(`${emu.url}/customers/5`, emu.caPath, fx.keys.ci);
      assert.equal(during.status, 200);
      assert.match(last(), /key 'ci' is disabled but still works for 1 s \(disable delay\)/);
      clock += 1_000;
      assert.equal((await curlCert(`${emu.url}/customers/5`, emu.caPath, fx.keys.ci)).status, 404);
    } finally {
      await emu.close();
      fx.cleanup();
    }
  });

  it('a PFX-only key is matched by the manifest thumbprint; a key without any is reported', async () => {
    const fx = makeFixtureWorkspace({
      workflows: [{ name: 'W', method: 'GET', path: '/w' }],
      keys: [{ name: 'by-thumbprint', form: 'thumbprint' }],
    });
    (fx.manifest.keys as Record<string, unknown>[]).push({ name: 'nothing', enabled: true, pfx: 'certs/none.pfx', permittedWorkflows: ['W'] });
    fx.writeManifest();
    const { emu, lines } = await withLog({ workspace: fx.dir });
    try {
      const r = await curlCert(`${emu.url}/w`, emu.caPath, fx.keys['by-thumbprint']);
      assert.equal(r.status, 200, r.body);
      assert.ok(lines.some((l) => /warning: key 'nothing': no certificate file and no thumbprint.*add the thumbprint the Flowgear console shows/.test(l)), lines.join('\n'));
    } finally {
      await emu.close();
      fx.cleanup();
    }
  });

  it('one clear UserError for a missing manifest and for a port in use', async () => {
    const fx = standardFixture();
    try {
      const { emu } = await withLog({ workspace: fx.dir });
      try {
        await assert.rejects(startEmulator({ workspace: fx.dir, port: emu.port }),
          (e: unknown) => isUserError(e) && /port \d+ is already in use/.test((e as Error).message));
      } finally {
        await emu.close();
      }
      rmSync(fx.manifestFile);
      await assert.rejects(startEmulator({ workspace: fx.dir }),
        (e: unknown) => isUserError(e) && /cannot start the emulator: .*flowgear\.json does not exist/.test((e as Error).message));
    } finally {
      fx.cleanup();
    }
  });
});
