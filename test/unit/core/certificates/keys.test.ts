import * as assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { generateCertificate, keyMatchesCertificate, loadPrivateKey } from '../../../../src/core/certificates';
import { hasCode } from './openssl';

describe('certificates: keys', () => {
  it('keyMatchesCertificate: true for its own key (PEM, DER cert, encrypted key), false for another', async () => {
    const a = await generateCertificate({ keyType: 'ec' });
    const b = await generateCertificate({ keyType: 'ec' });
    assert.equal(keyMatchesCertificate(a.keyPem, a.certPem), true);
    assert.equal(keyMatchesCertificate(a.keyPem, a.certDer), true);
    assert.equal(keyMatchesCertificate(b.keyPem, a.certPem), false);
    const enc = createPrivateKey(a.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 's3cret' }) as string;
    assert.equal(keyMatchesCertificate(enc, a.certPem, 's3cret'), true);
    assert.throws(() => keyMatchesCertificate(enc, a.certPem), hasCode('key-passphrase-required'));
    assert.throws(() => keyMatchesCertificate(enc, a.certPem, 'wrong'), hasCode('key-bad-passphrase'));
    assert.throws(() => loadPrivateKey(a.certPem), (e: Error) => hasCode('not-a-private-key')(e) && /certificate, not a private key/.test(e.message));
    assert.throws(() => loadPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), hasCode('not-a-private-key'));
  });
});
