import * as assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { generateCertificate, type GeneratedCertificate } from '../../../../src/core/certificates';
import { hasCode, openssl, opensslFingerprint, tempDir } from './openssl';

describe('certificates: generate', () => {
  const dir = tempDir('gen');
  let def: GeneratedCertificate;
  let crt: string;
  let der: string;
  let key: string;

  before(async () => {
    def = await generateCertificate();
    crt = join(dir.path, 'def.crt');
    der = join(dir.path, 'def.cer');
    key = join(dir.path, 'def.key');
    writeFileSync(crt, def.certPem);
    writeFileSync(der, def.certDer);
    writeFileSync(key, def.keyPem, { mode: 0o600 });
  });
  after(() => dir.dispose());

  it('defaults equal the Flowgear/openssl recipe (openssl x509 -text)', () => {
    const text = openssl(['x509', '-in', crt, '-noout', '-text']);
    assert.match(text, /Version: 3 \(0x2\)/);
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Subject: *\n/, 'empty subject, as -subj "/"');
    assert.match(text, /Issuer: *\n/);
    assert.match(text, /X509v3 Subject Key Identifier/);
    assert.match(text, /X509v3 Authority Key Identifier/);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
    const days = (def.notAfter.getTime() - def.notBefore.getTime()) / 86_400_000;
    assert.equal(days, 600);
    const x = new X509Certificate(def.certDer);
    assert.equal(new Date(x.validTo).getTime(), def.notAfter.getTime());
    assert.ok(Math.abs(def.notBefore.getTime() - Date.now()) < 60_000);
    // Positive serial, openssl-sized.
    assert.ok(/^[0-7]/.test(x.serialNumber) && x.serialNumber.length >= 38, x.serialNumber);
  });

  it('openssl verifies the self-signature and reads the PKCS#8 key', () => {
    assert.match(openssl(['verify', '-CAfile', crt, crt]), /: OK/);
    assert.match(def.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    const pkey = openssl(['pkey', '-in', key, '-noout', '-text']);
    assert.match(pkey, /Private-Key: \(4096 bit, 2 primes\)/);
    // The key and the certificate belong together (same modulus).
    const m1 = openssl(['x509', '-in', crt, '-noout', '-modulus']);
    const m2 = openssl(['rsa', '-in', key, '-noout', '-modulus']);
    assert.equal(m1, m2);
  });

  it('thumbprint and sha256 equal openssl -fingerprint for PEM and DER', () => {
    assert.match(def.thumbprint, /^[0-9A-F]{40}$/);
    assert.equal(def.thumbprint, opensslFingerprint(crt, 'sha1'));
    assert.equal(def.thumbprint, opensslFingerprint(der, 'sha1', 'DER'));
    assert.equal(def.sha256, opensslFingerprint(crt, 'sha256'));
    assert.equal(def.sha256, opensslFingerprint(der, 'sha256', 'DER'));
  });

  it('ECDSA P-256 with a CN and custom days', async () => {
    const g = await generateCertificate({ keyType: 'ec', cn: 'acme-test', days: 30 });
    const f = join(dir.path, 'ec.crt');
    writeFileSync(f, g.certPem);
    const text = openssl(['x509', '-in', f, '-noout', '-text']);
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(text, /ASN1 OID: prime256v1/);
    assert.match(text, /Subject: CN ?= ?acme-test/);
    assert.match(openssl(['verify', '-CAfile', f, f]), /: OK/);
    assert.equal((g.notAfter.getTime() - g.notBefore.getTime()) / 86_400_000, 30);
    assert.equal(createPrivateKey(g.keyPem).asymmetricKeyType, 'ec');
  });

  it('2048 and 3072 bits', async () => {
    for (const bits of [2048, 3072] as const) {
      const g = await generateCertificate({ bits });
      assert.equal(new X509Certificate(g.certDer).publicKey.asymmetricKeyDetails?.modulusLength, bits);
    }
  });

  it('a CA-issued leaf passes openssl verify and serves real TLS', async () => {
    const ca = await generateCertificate({ bits: 2048, cn: 'Test CA' });
    const leaf = await generateCertificate({
      keyType: 'ec',
      issuer: { certPem: ca.certPem, keyPem: ca.keyPem },
      subjectAltNames: ['localhost', '127.0.0.1'],
      extKeyUsage: ['serverAuth'],
    });
    const caFile = join(dir.path, 'ca.crt');
    const leafFile = join(dir.path, 'leaf.crt');
    writeFileSync(caFile, ca.certPem);
    writeFileSync(leafFile, leaf.certPem);
    assert.match(openssl(['verify', '-CAfile', caFile, leafFile]), /leaf.crt: OK/);
    const text = openssl(['x509', '-in', leafFile, '-noout', '-text']);
    assert.match(text, /Issuer: CN ?= ?Test CA/);
    assert.match(text, /CA:FALSE/);
    assert.match(text, /TLS Web Server Authentication/);
    assert.match(text, /DNS:localhost, IP Address:127\.0\.0\.1/);
    assert.match(text, /X509v3 Subject Alternative Name: critical/, 'empty subject → critical SAN');
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/, 'signed by the RSA CA');

    const server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (s) => s.end('hi'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as { port: number }).port;
      const sock = tls.connect({ host: '127.0.0.1', port, ca: ca.certPem, servername: 'localhost' });
      await once(sock, 'secureConnect');
      assert.equal(sock.authorized, true, String(sock.authorizationError));
      sock.destroy();
    } finally {
      server.close();
    }
  });

  it('rejects an unknown key size, bad days, and a CA key that does not match', async () => {
    await assert.rejects(generateCertificate({ bits: 1024 as 2048 }), hasCode('bad-key-size'));
    await assert.rejects(generateCertificate({ days: 0 }), hasCode('bad-days'));
    await assert.rejects(generateCertificate({ days: 1.5 }), hasCode('bad-days'));
    const a = await generateCertificate({ keyType: 'ec' });
    const b = await generateCertificate({ keyType: 'ec' });
    await assert.rejects(generateCertificate({ keyType: 'ec', issuer: { certPem: a.certPem, keyPem: b.keyPem } }), hasCode('key-mismatch'));
  });
});
