import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { main } from '../../../src/cli/main';
import { generateCertificate } from '../../../src/core/certificates/generate';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';
import { memoryIo } from '../helpers/io';

const DAY = 86_400_000;

describe('expired certificates: one behaviour everywhere (issue 18 point 6)', () => {
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  const logs: string[] = [];
  before(async () => {
    fx = makeFixtureWorkspace({ workflows: [{ name: 'Ping', method: 'GET', path: '/ping' }], keys: [{ name: 'old' }] });
    // Expired ten days ago, made with the product's own certificate code (openssl cannot back-date).
    const g = await generateCertificate({ keyType: 'ec', days: 1, notBefore: new Date(Date.now() - 11 * DAY) });
    writeFileSync(fx.keys.old.certificate, g.certPem);
    writeFileSync(fx.keys.old.privateKey, g.keyPem);
    fx.manifest.keys[0].thumbprint = g.thumbprint;
    emu = await startEmulator({ workspace: fx.dir, log: (l) => logs.push(l) });
    fx.manifest.site = emu.url;
    fx.manifest.ca = emu.caPath;
    fx.writeManifest();
    assert.ok(await emu.reload());
  });
  after(async () => {
    await emu.close();
    fx.cleanup();
  });
  const run = async (...argv: string[]) => {
    const io = memoryIo({}, fx.dir);
    return { code: await main(argv, io), ...io };
  };

  it('check: an error, exit 1 (was a warning with exit 0)', async () => {
    const r = await run('check');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /error: Key 'old': the certificate expired on .*\[certificate-expired\]/);
  });

  it('the emulator refuses it with 404 by default and says why; invoke warns before sending and ranks it first', async () => {
    const r = await run('invoke', 'Ping', '--key', 'old', '--json');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^warning: key 'old': the certificate expired on \d{4}-\d\d-\d\d; expect Flowgear to refuse it \(404\)/);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.status, 404);
    assert.equal(doc.explanation[0].code, 'certificate-expired');
    assert.ok(logs.some((l) => /404 refused: expired certificate: key 'old'/.test(l)), logs.join('\n'));
  });

  it('the emulator accepts it when started with the switch (was: always 200)', async () => {
    const lenient = await startEmulator({ workspace: fx.dir, acceptExpiredCertificates: true });
    try {
      const r = await run('invoke', 'Ping', '--key', 'old', '--base-url', lenient.url, '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^warning: key 'old': the certificate expired/);
    } finally {
      await lenient.close();
    }
  });

  it('code warns on stderr and still prints the code (was: not a word)', async () => {
    const r = await run('code', 'curl', 'Ping', '--key', 'old');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^warning: key 'old': the certificate expired/);
    assert.match(r.stdout, /curl/);
  });
});
