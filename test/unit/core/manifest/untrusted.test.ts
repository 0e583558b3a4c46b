import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkManifest } from '../../../../src/core/manifest/diagnostics';
import { keyStatusAsync } from '../../../../src/core/manifest/status';
import { makeClientCertificate } from '../../helpers/fixture';

describe('Restricted Mode reads (issue 11): no private key, nothing outside the folder', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let text: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fg-untrusted-'));
    ws = join(dir, 'ws');
    mkdirSync(ws);
    const a = makeClientCertificate(join(ws, 'certs'), 'a');
    const b = makeClientCertificate(join(ws, 'certs'), 'b');
    const outside = makeClientCertificate(join(dir, 'elsewhere'), 'o');
    writeFileSync(join(ws, '.gitignore'), '*.key\n');
    text = JSON.stringify({
      site: 'https://acme.flowgear.net',
      workflows: [{ name: 'W', method: 'GET', path: '/w' }],
      // a's certificate with b's private key: only reading the key shows the mismatch.
      keys: [
        { name: 'mixed', certificate: a.certificate, privateKey: b.privateKey, permittedWorkflows: ['W'] },
        { name: 'far', certificate: outside.certificate, privateKey: outside.privateKey, permittedWorkflows: ['W'] },
      ],
    });
    writeFileSync(join(ws, 'flowgear.json'), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trusted: the private key is compared (key-mismatch) and the outside certificate is read', async () => {
    const codes = (await checkManifest(text, join(ws, 'flowgear.json'), { git: false })).map((p) => p.code);
    assert.ok(codes.includes('key-mismatch'), codes.join());
    const far = await keyStatusAsync({ name: 'far', enabled: true, permittedWorkflows: [], certificate: join(dir, 'elsewhere', 'o.crt') });
    assert.ok(far.certificate?.thumbprint);
  });

  it('untrusted: no private key is read (no key-mismatch) and the outside certificate is not followed', async () => {
    const problems = await checkManifest(text, join(ws, 'flowgear.json'), { git: false, untrusted: true });
    assert.ok(!problems.some((p) => p.code === 'key-mismatch'), 'the private key was read');
    const far = await keyStatusAsync({ name: 'far', enabled: true, permittedWorkflows: [], certificate: join(dir, 'elsewhere', 'o.crt') }, { within: ws });
    assert.equal(far.certificate, undefined);
    assert.equal(far.certificateError?.code, 'outside-untrusted');
    assert.match(far.certificateError!.message, /outside the workspace; not read in Restricted Mode/);
    // Inside the folder the certificate is still shown.
    const mixed = await keyStatusAsync({ name: 'mixed', enabled: true, permittedWorkflows: [], certificate: join(ws, 'certs', 'a.crt') }, { within: ws });
    assert.ok(mixed.certificate?.thumbprint);
  });
});
