import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import {
  exportPfx,
  generateCertificate,
  importPfx,
  inspectCertificateFile,
  inspectCertificates,
  keyMatchesCertificate,
  type GeneratedCertificate,
} from '../../../../src/core/certificates';
import { hasCode, openssl, opensslFingerprint, tempDir } from './openssl';

describe('certificates: pfx', () => {
  const dir = tempDir('pfx');
  const f = (n: string) => join(dir.path, n);
  const env = { FG_TEST_PASS: 'correct horse' };
  let rsa: GeneratedCertificate;

  before(async () => {
    rsa = await generateCertificate({ bits: 2048 });
    writeFileSync(f('rsa.crt'), rsa.certPem);
    writeFileSync(f('rsa.key'), rsa.keyPem, { mode: 0o600 });
  });
  after(() => dir.dispose());

  it('modern PFX opens with openssl pkcs12 -info (AES-256, PBKDF2-SHA256, friendly name)', () => {
    writeFileSync(f('modern.pfx'), exportPfx({ certPem: rsa.certPem, keyPem: rsa.keyPem, passphrase: env.FG_TEST_PASS }));
    const info = openssl(['pkcs12', '-in', f('modern.pfx'), '-info', '-nodes', '-passin', 'env:FG_TEST_PASS'], { env });
    assert.match(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    assert.match(info, /friendlyName: selfsignedcert/);
    assert.match(info, /MAC: sha1/);
    // The certificate inside is ours, and so is the key.
    openssl(['pkcs12', '-in', f('modern.pfx'), '-nokeys', '-clcerts', '-out', f('modern-out.crt'), '-passin', 'env:FG_TEST_PASS'], { env });
    assert.equal(opensslFingerprint(f('modern-out.crt'), 'sha1'), rsa.thumbprint);
    const keyOut = openssl(['pkcs12', '-in', f('modern.pfx'), '-nocerts', '-nodes', '-passin', 'env:FG_TEST_PASS'], { env });
    assert.ok(keyMatchesCertificate(keyOut.slice(keyOut.indexOf('-----BEGIN')), rsa.certPem));
    // Node's TLS (OpenSSL 3) accepts it as a client/server pfx.
    assert.doesNotThrow(() => tls.createSecureContext({ pfx: readFileSync(f('modern.pfx')), passphrase: env.FG_TEST_PASS }));
  });

  it('legacy PFX (3DES) opens with openssl -legacy, friendly name kept', () => {
    writeFileSync(f('legacy.pfx'), exportPfx({ certPem: rsa.certPem, keyPem: rsa.keyPem, passphrase: env.FG_TEST_PASS, legacy: true, friendlyName: 'my key' }));
    const info = openssl(['pkcs12', '-legacy', '-in', f('legacy.pfx'), '-info', '-nodes', '-passin', 'env:FG_TEST_PASS'], { env });
    assert.match(info, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
    assert.match(info, /friendlyName: my key/);
  });

  it('round-trips RSA and EC keys with a chain through our import', async () => {
    const ca = await generateCertificate({ keyType: 'ec', cn: 'CA' });
    const ec = await generateCertificate({ keyType: 'ec', issuer: { certPem: ca.certPem, keyPem: ca.keyPem } });
    const pfx = exportPfx({ certPem: ec.certPem, keyPem: ec.keyPem, passphrase: 'pässword', chainPem: [ca.certPem] });
    const back = importPfx(pfx, 'pässword');
    assert.equal(new X509Certificate(back.certPem).fingerprint, new X509Certificate(ec.certPem).fingerprint);
    assert.ok(keyMatchesCertificate(back.keyPem, back.certPem));
    assert.equal(back.chainPem.length, 1);
    assert.equal(new X509Certificate(back.chainPem[0]).subject, 'CN=CA');
    writeFileSync(f('ec.pfx'), pfx);
    const info = openssl(['pkcs12', '-in', f('ec.pfx'), '-info', '-nodes', '-passin', 'env:P'], { env: { P: 'pässword' } });
    assert.match(info, /BEGIN PRIVATE KEY/);
    const infos = inspectCertificateFile(f('ec.pfx'), { passphrase: 'pässword' });
    assert.deepEqual(infos.map((i) => i.thumbprint), [ec.thumbprint, ca.thumbprint]);
  });

  it('a PFX made by openssl (default OpenSSL 3 settings) imports in ours', () => {
    openssl(['pkcs12', '-export', '-name', 'selfsignedcert', '-out', f('o.pfx'), '-inkey', f('rsa.key'), '-in', f('rsa.crt'), '-passout', 'env:FG_TEST_PASS'], { env });
    const back = importPfx(readFileSync(f('o.pfx')), env.FG_TEST_PASS);
    assert.equal(new X509Certificate(back.certPem).fingerprint256, new X509Certificate(rsa.certPem).fingerprint256);
    assert.ok(keyMatchesCertificate(back.keyPem, rsa.certPem));
    assert.match(back.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  });

  it('wrong or missing passphrase: pfx-bad-passphrase / pfx-passphrase-required', () => {
    const pfx = readFileSync(f('modern.pfx'));
    assert.throws(() => importPfx(pfx, 'nope'), hasCode('pfx-bad-passphrase'));
    assert.throws(() => inspectCertificates(pfx, { fileName: 'modern.pfx' }), hasCode('pfx-passphrase-required'));
    assert.throws(() => inspectCertificates(pfx, { fileName: 'modern.pfx', passphrase: 'nope' }), hasCode('pfx-bad-passphrase'));
  });

  it('a legacy RC2-40 PFX (openssl -legacy) is named as such, with the re-export recipe', () => {
    openssl(['pkcs12', '-export', '-legacy', '-out', f('rc2.pfx'), '-inkey', f('rsa.key'), '-in', f('rsa.crt'), '-passout', 'env:FG_TEST_PASS'], { env });
    assert.match(openssl(['pkcs12', '-legacy', '-in', f('rc2.pfx'), '-info', '-noout', '-passin', 'env:FG_TEST_PASS'], { env }), /40BitRC2/);
    const check = (e: Error) => hasCode('pfx-legacy-rc2')(e) && /RC2-40/.test(e.message) && /openssl pkcs12 -legacy/.test(e.message);
    assert.throws(() => importPfx(readFileSync(f('rc2.pfx')), env.FG_TEST_PASS), check);
    assert.throws(() => inspectCertificateFile(f('rc2.pfx'), { passphrase: env.FG_TEST_PASS }), check);
    // Still readable on purpose (e.g. to convert it).
    assert.ok(importPfx(readFileSync(f('rc2.pfx')), env.FG_TEST_PASS, { allowLegacy: true }).keyPem);
  });

  it('refuses a key that does not belong to the certificate, and a damaged PFX', async () => {
    const other = await generateCertificate({ keyType: 'ec' });
    assert.throws(() => exportPfx({ certPem: rsa.certPem, keyPem: other.keyPem, passphrase: 'x' }), hasCode('key-mismatch'));
    assert.throws(() => exportPfx({ certPem: rsa.certPem, keyPem: rsa.certPem, passphrase: 'x' }), hasCode('not-a-private-key'));
    const pfx = readFileSync(f('modern.pfx'));
    assert.throws(() => importPfx(pfx.subarray(0, pfx.length - 40), env.FG_TEST_PASS), (e: Error) => e.name === 'UserError');
  });
});
