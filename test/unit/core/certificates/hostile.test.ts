import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateMarkdown, derToPem, exportPfx, importPfx, inspectCertificates, readPfx, thumbprintOf } from '../../../../src/core/certificates';
import { SIGNATURE_ALGORITHMS } from '../../../../src/core/certificates/oids';
import { formatInfo } from '../../../../src/cli/commands/cert';
import { keyStatus } from '../../../../src/core/manifest/status';
import type { Key } from '../../../../src/core/manifest/types';
import { NULL_PASSWORD_PFX, PYCA_PFX, python, withKeyAlgorithm, withMacIterations, withNegativeDsaKey, withoutKeyParameters, withSignatureAlgorithm, withTime } from './craft';
import { hasCode, openssl, opensslFingerprint, tempDir } from './openssl';

describe('certificates: hostile and real-world files', () => {
  const dir = tempDir('hostile');
  const f = (n: string) => join(dir.path, n);
  let rsaDer: Buffer;
  let dsaDer: Buffer;

  before(() => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('r.key'), '-out', f('r.crt'), '-subj', '/CN=r', '-days', '30']);
    openssl(['x509', '-in', f('r.crt'), '-outform', 'DER', '-out', f('r.cer')]);
    openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', f('dsa.param')]);
    openssl(['genpkey', '-paramfile', f('dsa.param'), '-out', f('dsa.key')]);
    openssl(['req', '-x509', '-new', '-key', f('dsa.key'), '-subj', '/CN=dsa', '-days', '30', '-sha256', '-outform', 'DER', '-out', f('dsa.cer')]);
    rsaDer = readFileSync(f('r.cer'));
    dsaDer = readFileSync(f('dsa.cer'));
  });
  after(() => dir.dispose());

  describe('keys Node cannot load: thumbprint from the DER alone, show says what the key is', () => {
    const cases: [string, (d: () => Buffer) => Buffer, RegExp][] = [
      ['DSA with parameters inherited from the issuer', () => withoutKeyParameters(dsaDer), /^DSA, parameters inherited from the issuing CA/],
      ['GOST R 34.10-2012', () => withKeyAlgorithm(rsaDer, '1.2.643.7.1.1.1.1', ['1.2.643.7.1.2.1.1.1', '1.2.643.7.1.1.2.2']), /^unsupported algorithm OID 1\.2\.643\.7\.1\.1\.1\.1 \(GOST R 34\.10-2012 with 256 bit modulus\)$/],
      ['an unknown algorithm OID', () => withKeyAlgorithm(rsaDer, '1.2.3.4.5.6'), /^unsupported algorithm OID 1\.2\.3\.4\.5\.6$/],
    ];
    for (const [name, make, keyType] of cases) {
      it(name, () => {
        const der = make(() => rsaDer);
        writeFileSync(f('k.cer'), der);
        const expected = opensslFingerprint(f('k.cer'), 'sha1', 'DER'); // openssl reads it
        assert.equal(thumbprintOf(der), expected);
        const [info] = inspectCertificates(der, { fileName: 'k.cer' });
        assert.equal(info.thumbprint, expected);
        assert.match(info.keyType, keyType);
        assert.equal(info.selfSigned, false);
        assert.match(formatInfo(info), /^Key: +(unsupported algorithm OID|DSA, parameters inherited)/m);
        assert.doesNotThrow(() => certificateMarkdown(info));
      });
    }
    it('packing such a certificate into a PFX: a clear error, not OpenSSL text', () => {
      const certPem = derToPem(withKeyAlgorithm(rsaDer, '1.2.3.4.5.6'));
      assert.throws(() => exportPfx({ certPem, keyPem: readFileSync(f('r.key'), 'utf8'), passphrase: 'x' }), (e: Error) => hasCode('unsupported-key')(e) && !/error:/.test(e.message));
    });
    it('a DSA key with a negative public value (found by the fuzz: Node aborted the process reading its details)', () => {
      const der = withNegativeDsaKey(dsaDer);
      writeFileSync(f('neg.cer'), der);
      assert.match(openssl(['x509', '-inform', 'DER', '-in', f('neg.cer'), '-noout', '-text']), /pub: +\(Negative\)/);
      const [info] = inspectCertificates(der);
      assert.equal(info.thumbprint, opensslFingerprint(f('neg.cer'), 'sha1', 'DER'));
      assert.equal(info.keyType, 'DSA');
      assert.equal(info.keySize, 1024);
    });
    it('a real DSA certificate (openssl-made) names its key and signature', () => {
      const [info] = inspectCertificates(dsaDer);
      assert.equal(info.keyType, 'DSA');
      assert.equal(info.keySize, 1024);
      assert.equal(info.signatureAlgorithm, 'dsa_with_SHA256');
      assert.equal(info.selfSigned, true);
    });
  });

  it('malformed validity dates: the raw value, as openssl says "Bad time value"', () => {
    const der = withTime(rsaDer, 1, '991332000000Z');
    writeFileSync(f('d.cer'), der);
    assert.match(openssl(['x509', '-inform', 'DER', '-in', f('d.cer'), '-noout', '-enddate']), /notAfter=Bad time value/);
    const [info] = inspectCertificates(der);
    assert.equal(info.thumbprint, opensslFingerprint(f('d.cer'), 'sha1', 'DER'));
    assert.ok(Number.isNaN(info.notAfter.getTime()));
    assert.equal(info.notAfterRaw, '991332000000Z');
    assert.equal(info.expired, false);
    const text = formatInfo(info);
    assert.match(text, /^Valid: .* → Bad time value \("991332000000Z"\)/m);
    assert.doesNotMatch(text, /NaN|Invalid/);
    assert.doesNotThrow(() => certificateMarkdown(info));
    assert.match(certificateMarkdown(info), /Bad time value/);
    const [before] = inspectCertificates(withTime(rsaDer, 0, 'garbage\n'));
    assert.match(formatInfo(before), /^Valid: +Bad time value \("garbage\\x0a"\) → \d{4}-/m);
  });

  it('a key whose certificate has a malformed expiry: a clear status, not a crash', () => {
    writeFileSync(f('bad-date.cer'), withTime(rsaDer, 1, '991332000000Z'));
    const key: Key = { name: 'k', enabled: true, certificate: f('bad-date.cer'), permittedWorkflows: [] };
    const s = keyStatus(key);
    assert.equal(s.certificate, undefined);
    assert.equal(s.certificateError?.code, 'bad-certificate-date');
    assert.match(s.certificateError!.message, /expiry date is malformed \(Bad time value \("991332000000Z"\)\)/);
  });

  describe('other DER structures say what they are', () => {
    before(() => {
      writeFileSync(f('ca.cnf'), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${f('index.txt')}\ncrlnumber = ${f('crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 30\n`);
      writeFileSync(f('index.txt'), '');
      writeFileSync(f('crlnumber'), '01\n');
    });
    const identify = (der: Buffer, what: RegExp) =>
      assert.throws(() => inspectCertificates(der, { fileName: 'x.cer' }), (e: Error) => hasCode('not-a-certificate')(e) && what.test(e.message) && !/damaged/.test(e.message));
    it('CRL (DER and PEM)', () => {
      openssl(['ca', '-config', f('ca.cnf'), '-gencrl', '-keyfile', f('r.key'), '-cert', f('r.crt'), '-out', f('crl.pem')]);
      const pem = readFileSync(f('crl.pem'), 'utf8');
      const der = Buffer.from(openssl(['crl', '-in', f('crl.pem'), '-outform', 'DER']), 'latin1');
      identify(der, /x\.cer is a certificate revocation list \(CRL\), not a certificate/);
      assert.throws(() => inspectCertificates(pem), (e: Error) => hasCode('not-a-certificate')(e) && /revocation list \(CRL\)/.test(e.message));
    });
    it('CSR (DER)', () => {
      identify(Buffer.from(openssl(['req', '-new', '-key', f('r.key'), '-subj', '/CN=x', '-outform', 'DER']), 'latin1'), /signing request \(CSR\), not a certificate/);
    });
    it('OCSP request and response (DER)', () => {
      openssl(['ocsp', '-issuer', f('r.crt'), '-cert', f('r.crt'), '-no_nonce', '-reqout', f('req.der')]);
      identify(readFileSync(f('req.der')), /is an OCSP request, not a certificate/);
      openssl(['ocsp', '-index', f('index.txt'), '-rsigner', f('r.crt'), '-rkey', f('r.key'), '-CA', f('r.crt'), '-reqin', f('req.der'), '-respout', f('resp.der')]);
      identify(readFileSync(f('resp.der')), /is an OCSP response, not a certificate/);
    });
    it('a truncated certificate is still "damaged"', () => {
      assert.throws(() => inspectCertificates(rsaDer.subarray(0, 300)), (e: Error) => hasCode('bad-certificate')(e) && /damaged/.test(e.message));
    });
  });

  describe('signature algorithm names', () => {
    it('every name we print is the one openssl prints for that OID', () => {
      const oids = Object.keys(SIGNATURE_ALGORITHMS);
      writeFileSync(f('oids.cnf'), `asn1 = SEQUENCE:s\n[s]\n${oids.map((o, i) => `o${i} = OBJECT:${o}`).join('\n')}\n`);
      const names = openssl(['asn1parse', '-genconf', f('oids.cnf')])
        .split('\n')
        .filter((l) => /OBJECT/.test(l))
        .map((l) => l.replace(/^.*OBJECT\s*:/, '').trim());
      assert.deepEqual(names, oids.map((o) => SIGNATURE_ALGORITHMS[o]));
    });
    for (const [oid, name] of [['1.2.840.10040.4.3', 'dsaWithSHA1'], ['1.3.14.3.2.29', 'sha1WithRSA'], ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'], ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption']]) {
      it(`${name} (${oid}) on a certificate, as openssl x509 -text names it`, () => {
        const der = withSignatureAlgorithm(rsaDer, oid);
        writeFileSync(f('s.cer'), der);
        assert.match(openssl(['x509', '-inform', 'DER', '-in', f('s.cer'), '-noout', '-text']), new RegExp(`Signature Algorithm: ${name}\\n`));
        assert.equal(inspectCertificates(der)[0].signatureAlgorithm, name);
      });
    }
  });

  describe('PKCS#12 without a password: empty and NULL are tried before asking', () => {
    const opensslOpens = (file: string) => assert.match(openssl(['pkcs12', '-in', file, '-nodes', '-passin', 'pass:']), /BEGIN PRIVATE KEY/);
    const readsWithoutAsking = (file: string) => {
      const pfx = readFileSync(file);
      const [info] = inspectCertificates(pfx, { fileName: file });
      assert.equal(info.thumbprint, opensslFingerprint(f('r.crt'), 'sha1'));
      assert.ok(readPfx(pfx, undefined).key);
      assert.ok(readPfx(pfx, '').key, 'an empty typed passphrase too');
      assert.match(importPfx(pfx, '').keyPem, /BEGIN PRIVATE KEY/);
    };
    it('NULL password, 3DES (Windows "no password" export)', () => {
      python(NULL_PASSWORD_PFX, [f('r.crt'), f('r.key'), f('null-3des.pfx'), 'PBE-SHA1-3DES']);
      opensslOpens(f('null-3des.pfx'));
      assert.throws(() => openssl(['pkcs12', '-in', f('null-3des.pfx'), '-nodes', '-passin', 'pass:x']), 'not readable with another password');
      readsWithoutAsking(f('null-3des.pfx'));
    });
    it('NULL password, AES-256 (PBES2)', () => {
      python(NULL_PASSWORD_PFX, [f('r.crt'), f('r.key'), f('null-aes.pfx'), 'AES-256-CBC']);
      opensslOpens(f('null-aes.pfx'));
      readsWithoutAsking(f('null-aes.pfx'));
    });
    it('pyca/cryptography NoEncryption', () => {
      python(PYCA_PFX, [f('r.crt'), f('r.key'), f('pyca.pfx')]);
      opensslOpens(f('pyca.pfx'));
      readsWithoutAsking(f('pyca.pfx'));
    });
    it('empty password from openssl pkcs12 -export -passout pass:', () => {
      openssl(['pkcs12', '-export', '-in', f('r.crt'), '-inkey', f('r.key'), '-out', f('empty.pfx'), '-passout', 'pass:']);
      opensslOpens(f('empty.pfx'));
      readsWithoutAsking(f('empty.pfx'));
    });
    it('a protected PFX still asks, and a wrong passphrase is still wrong', () => {
      openssl(['pkcs12', '-export', '-in', f('r.crt'), '-inkey', f('r.key'), '-out', f('p.pfx'), '-passout', 'pass:secret']);
      const pfx = readFileSync(f('p.pfx'));
      assert.throws(() => inspectCertificates(pfx, { fileName: 'p.pfx' }), hasCode('pfx-passphrase-required'));
      assert.throws(() => inspectCertificates(pfx, { fileName: 'p.pfx', passphrase: '' }), hasCode('pfx-passphrase-required'));
      assert.throws(() => inspectCertificates(pfx, { fileName: 'p.pfx', passphrase: 'nope' }), hasCode('pfx-bad-passphrase'));
      assert.equal(inspectCertificates(pfx, { fileName: 'p.pfx', passphrase: 'secret' }).length, 1);
    });
    it('a PFX asking for 2^31 key-derivation iterations is refused before any is computed', () => {
      openssl(['pkcs12', '-export', '-in', f('r.crt'), '-inkey', f('r.key'), '-out', f('i.pfx'), '-passout', 'pass:secret']);
      const pfx = withMacIterations(readFileSync(f('i.pfx')), 0x7fffffff);
      for (const pass of ['secret', undefined]) assert.throws(() => readPfx(pfx, pass), hasCode('pfx-iterations'));
      assert.throws(() => inspectCertificates(pfx, { fileName: 'i.pfx' }), hasCode('pfx-iterations'));
    });
    it('a passphrase given for a password-less PFX still opens it', () => {
      assert.equal(inspectCertificates(readFileSync(f('null-3des.pfx')), { passphrase: 'whatever' }).length, 1);
    });
  });
});
