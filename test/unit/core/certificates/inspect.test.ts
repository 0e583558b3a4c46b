import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCertificate, generateCertificate, inspectCertificateFile, inspectCertificates, keyMatchesCertificate, thumbprintOf } from '../../../../src/core/certificates';
import { hasCode, openssl, opensslFingerprint, tempDir } from './openssl';

describe('certificates: inspect', () => {
  const dir = tempDir('inspect');
  const f = (n: string) => join(dir.path, n);

  before(() => {
    // Certificates made by openssl itself, as users follow Flowgear's recipe.
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-keyout', f('o.key'), '-out', f('o.crt'), '-subj', '/', '-days', '600']);
    openssl(['x509', '-in', f('o.crt'), '-outform', 'DER', '-out', f('o.cer')]);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('e.key'), '-out', f('e.crt'), '-subj', '/CN=ec test/O=Acme', '-days', '10']);
    writeFileSync(f('bundle.pem'), readFileSync(f('o.crt'), 'utf8') + '\n' + readFileSync(f('e.crt'), 'utf8'));
  });
  after(() => dir.dispose());

  it('matches openssl fingerprints for an openssl-made cert, PEM and DER', () => {
    for (const [file, inform] of [['o.crt', 'PEM'], ['o.cer', 'DER']] as const) {
      const [info] = inspectCertificateFile(f(file));
      assert.equal(info.thumbprint, opensslFingerprint(f(file), 'sha1', inform));
      assert.equal(info.sha256, opensslFingerprint(f(file), 'sha256', inform));
      assert.equal(thumbprintOf(readFileSync(f(file))), info.thumbprint);
    }
  });

  it('reports subject, issuer, serial, key, signature, validity, self-signed', () => {
    const [o] = inspectCertificateFile(f('o.crt'));
    assert.equal(o.subject, '');
    assert.equal(o.issuer, '');
    assert.equal(o.keyType, 'RSA');
    assert.equal(o.keySize, 2048);
    assert.equal(o.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(o.selfSigned, true);
    assert.equal(o.expired, false);
    assert.ok(o.daysLeft === 599 || o.daysLeft === 600, String(o.daysLeft));
    const serial = openssl(['x509', '-in', f('o.crt'), '-noout', '-serial']).split('=')[1].trim();
    assert.equal(o.serialNumber, serial.toUpperCase());
    const end = openssl(['x509', '-in', f('o.crt'), '-noout', '-enddate']).split('=')[1].trim();
    assert.equal(o.notAfter.getTime(), new Date(end).getTime());
    assert.match(o.pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.ok(keyMatchesCertificate(readFileSync(f('o.key')), o.pem));

    const [e] = inspectCertificateFile(f('e.crt'));
    assert.equal(e.subject, 'CN=ec test, O=Acme');
    assert.equal(e.keyType, 'EC');
    assert.equal(e.keySize, 256);
    assert.equal(e.curve, 'prime256v1');
    assert.equal(e.signatureAlgorithm, 'ecdsa-with-SHA256');
  });

  it('reads every certificate of a PEM bundle, in order', () => {
    const infos = inspectCertificateFile(f('bundle.pem'));
    assert.equal(infos.length, 2);
    assert.equal(infos[0].thumbprint, opensslFingerprint(f('o.crt'), 'sha1'));
    assert.equal(infos[1].thumbprint, opensslFingerprint(f('e.crt'), 'sha1'));
  });

  it('days left and expired follow the clock', async () => {
    const g = await generateCertificate({ keyType: 'ec', days: 10 });
    const now = describeCertificate(g.certDer);
    assert.equal(now.daysLeft, 10);
    const later = describeCertificate(g.certDer, g.notAfter.getTime() + 2 * 86_400_000);
    assert.equal(later.expired, true);
    assert.equal(later.daysLeft, -2);
  });

  describe('bad input: one clear UserError each', () => {
    it('empty file', () => {
      writeFileSync(f('empty.crt'), '');
      assert.throws(() => inspectCertificateFile(f('empty.crt')), (e: Error) => hasCode('empty')(e) && /empty\.crt is empty/.test(e.message));
      assert.throws(() => inspectCertificates(' \n\n'), hasCode('empty'));
    });
    it('garbage bytes', () => {
      assert.throws(() => inspectCertificates(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8])), hasCode('not-a-certificate'));
      assert.throws(() => inspectCertificates('hello world'), hasCode('not-a-certificate'));
    });
    it('truncated PEM: no END line, or a cut body', () => {
      const pem = readFileSync(f('o.crt'), 'utf8');
      assert.throws(() => inspectCertificates(pem.slice(0, 300)), hasCode('truncated-pem'));
      assert.throws(() => inspectCertificates(pem.slice(0, 300) + '\n' + pem), hasCode('truncated-pem'), 'not silently skipped in a bundle');
      const lines = pem.trim().split('\n');
      const cut = [...lines.slice(0, 5), lines[lines.length - 1]].join('\n');
      assert.throws(() => inspectCertificates(cut), (e: Error) => hasCode('bad-certificate')(e) && /truncated/.test(e.message));
    });
    it('a truncated DER file', () => {
      const der = readFileSync(f('o.cer'));
      assert.throws(() => inspectCertificates(der.subarray(0, 200), { fileName: 'x.cer' }), hasCode('bad-certificate'));
    });
    it('a private key (PEM or DER) where a certificate is expected', () => {
      assert.throws(
        () => inspectCertificateFile(f('o.key')),
        (e: Error) => hasCode('not-a-certificate')(e) && /private key, not a certificate/.test(e.message),
      );
      const der = Buffer.from(openssl(['pkey', '-in', f('o.key'), '-outform', 'DER']), 'latin1');
      assert.throws(() => inspectCertificates(der), (e: Error) => hasCode('not-a-certificate')(e) && /private key/.test(e.message));
    });
    it('a CSR and a missing file', () => {
      const csr = openssl(['req', '-new', '-key', f('o.key'), '-subj', '/CN=x']);
      assert.throws(() => inspectCertificates(csr), (e: Error) => hasCode('not-a-certificate')(e) && /signing request/.test(e.message));
      assert.throws(() => inspectCertificateFile(f('nope.crt')), hasCode('file-missing'));
    });
  });
});
