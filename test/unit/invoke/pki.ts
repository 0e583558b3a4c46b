import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test PKI made with the real openssl CLI in a temp dir: a CA, a server cert for 127.0.0.1, client certs. */
export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Self-signed client certificate as the Flowgear recipe makes one. */
  clientCert: string;
  clientKey: string;
  /** Same certificate, private key encrypted with `passphrase`. */
  clientKeyEncrypted: string;
  /** PKCS#12 of the client certificate and key, protected with `passphrase`. */
  clientPfx: string;
  /** The same as a legacy (RC2-40) PKCS#12, which OpenSSL 3 cannot read without its legacy provider. */
  clientPfxLegacy: string;
  passphrase: string;
  /** A second, unrelated client certificate. */
  otherCert: string;
  otherKey: string;
  cleanup(): void;
}

function ossl(dir: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'fg-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ossl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Test CA', '-days', '2');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ossl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  ossl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  ossl(dir, 'req', '-x509', ...ec, '-keyout', 'client.key', '-out', 'client.crt', '-subj', '/CN=ci-test', '-days', '2');
  ossl(dir, 'pkey', '-in', 'client.key', '-aes256', '-passout', 'pass:s3cret', '-out', 'client-enc.key');
  ossl(dir, 'pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-passout', 'pass:s3cret', '-out', 'client.pfx');
  ossl(dir, 'pkcs12', '-export', '-legacy', '-in', 'client.crt', '-inkey', 'client.key', '-passout', 'pass:s3cret', '-out', 'client-legacy.pfx');
  ossl(dir, 'req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-subj', '/CN=other', '-days', '2');
  const p = (f: string) => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    clientKeyEncrypted: p('client-enc.key'),
    clientPfx: p('client.pfx'),
    clientPfxLegacy: p('client-legacy.pfx'),
    passphrase: 's3cret',
    otherCert: p('other.crt'),
    otherKey: p('other.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
