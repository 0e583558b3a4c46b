import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { memoryIo } from '../helpers/io';
import { openssl, opensslFingerprint, tempDir } from '../core/certificates/openssl';
import { NULL_PASSWORD_PFX, python, withKeyAlgorithm, withTime } from '../core/certificates/craft';

const cli = join(process.cwd(), 'dist', 'cli.js');

/** The bundled CLI as a real process, in `cwd`. */
function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
}

/** The contract for bad input: exit ≠ 0, one line on stderr, no stack, nothing on stdout. */
function failsCleanly(r: ReturnType<typeof run>, message: RegExp, status = 1) {
  assert.equal(r.status, status, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^flowgear-mtls: /);
  assert.match(lines[0], message);
  assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+|Error:/);
}

describe('cli: cert', () => {
  const dir = tempDir('cli-cert');
  const ws = join(dir.path, 'ws');
  const f = (n: string) => join(ws, n);
  before(() => {
    mkdirSync(ws);
  });
  after(() => dir.dispose());

  it('cert new --json: files, thumbprint and dates; key 0600 and git-ignored', async () => {
    const io = memoryIo({}, ws);
    assert.equal(await main(['cert', 'new', '--name', 'acme', '--bits', '2048', '--cn', 'acme dev', '--days', '90', '--json'], io), 0, io.stderr);
    const doc = JSON.parse(io.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['files', 'name', 'notAfter', 'notBefore', 'sha256', 'thumbprint']);
    assert.equal(doc.name, 'acme');
    assert.deepEqual(doc.files, { key: f('certs/acme.key'), crt: f('certs/acme.crt'), cer: f('certs/acme.cer') });
    assert.equal(doc.thumbprint, opensslFingerprint(doc.files.crt, 'sha1'));
    assert.equal(doc.thumbprint, opensslFingerprint(doc.files.cer, 'sha1', 'DER'));
    assert.equal(doc.sha256, opensslFingerprint(doc.files.crt, 'sha256'));
    assert.equal((Date.parse(doc.notAfter) - Date.parse(doc.notBefore)) / 86_400_000, 90);
    assert.equal(statSync(doc.files.key).mode & 0o777, 0o600);
    assert.match(readFileSync(f('.gitignore'), 'utf8'), /^\/certs\/\*\.key$/m);
    assert.match(openssl(['x509', '-in', doc.files.crt, '-noout', '-subject']), /CN ?= ?acme dev/);
  });

  it('cert new --ec --pfx with --passphrase-env (process): encrypted key, PFX openssl reads', () => {
    const r = run(['cert', 'new', '--name', 'win', '--ec', '--pfx', '--passphrase-env', 'PW', '--out', 'other'], ws, { PW: 'pw1' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /other\/win\.pfx/);
    assert.match(readFileSync(f('other/win.key'), 'utf8'), /ENCRYPTED PRIVATE KEY/);
    assert.match(openssl(['pkcs12', '-in', f('other/win.pfx'), '-info', '-nodes', '-passin', 'env:PW'], { env: { PW: 'pw1' } }), /friendlyName: selfsignedcert/);
    assert.match(readFileSync(f('.gitignore'), 'utf8'), /^\/other\/\*\.pfx$/m);
  });

  it('cert new with the defaults (RSA 4096) makes the recipe certificate and exits', () => {
    const r = run(['cert', 'new', '--name', 'recipe'], ws);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /RSA 4096/);
    const text = openssl(['x509', '-in', f('certs/recipe.crt'), '-noout', '-text']);
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.match(text, /Subject: *\n/);
    openssl(['pkey', '-in', f('certs/recipe.key'), '-noout']);
  });

  it('cert show / thumbprint: same values as openssl, for PEM, DER and PFX', async () => {
    const io = memoryIo({ PW: 'pw1' }, ws);
    assert.equal(await main(['cert', 'show', 'certs/acme.cer', '--json'], io), 0, io.stderr);
    const [info] = JSON.parse(io.stdout);
    assert.equal(info.thumbprint, opensslFingerprint(f('certs/acme.crt'), 'sha1'));
    assert.equal(info.keyType, 'RSA');
    assert.equal(info.keySize, 2048);
    assert.match(info.notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    const text = memoryIo({}, ws);
    assert.equal(await main(['cert', 'show', 'certs/acme.crt'], text), 0);
    assert.match(text.stdout, new RegExp(`Thumbprint: +${info.thumbprint}`));
    assert.match(text.stdout, /expires in 90 day\(s\)/);

    const tp = memoryIo({ PW: 'pw1' }, ws);
    assert.equal(await main(['cert', 'thumbprint', 'other/win.pfx', '--passphrase-env', 'PW'], tp), 0, tp.stderr);
    assert.equal(tp.stdout, opensslFingerprint(f('other/win.crt'), 'sha1') + '\n');

    writeFileSync(f('bundle.pem'), readFileSync(f('certs/acme.crt'), 'utf8') + readFileSync(f('other/win.crt'), 'utf8'));
    const both = memoryIo({}, ws);
    assert.equal(await main(['cert', 'thumbprint', 'bundle.pem'], both), 0);
    assert.equal(both.stdout.trim().split('\n').length, 2);
  });

  it('cert show / thumbprint (process) on hostile files: no raw OpenSSL text, what can be shown is', () => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('h.key'), '-out', f('h.crt'), '-subj', '/CN=h', '-days', '30']);
    const der = Buffer.from(openssl(['x509', '-in', f('h.crt'), '-outform', 'DER']), 'latin1');
    writeFileSync(f('gost.cer'), withKeyAlgorithm(der, '1.2.643.7.1.1.1.1'));
    const tp = run(['cert', 'thumbprint', 'gost.cer'], ws);
    assert.equal(tp.status, 0, tp.stderr);
    assert.equal(tp.stdout, opensslFingerprint(f('gost.cer'), 'sha1', 'DER') + '\n');
    const show = run(['cert', 'show', 'gost.cer'], ws);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^Key: +unsupported algorithm OID 1\.2\.643\.7\.1\.1\.1\.1 \(GOST R 34\.10-2012 with 256 bit modulus\), sha256WithRSAEncryption$/m);

    writeFileSync(f('date.cer'), withTime(der, 1, '991332000000Z'));
    const date = run(['cert', 'show', 'date.cer'], ws);
    assert.equal(date.status, 0, date.stderr);
    assert.match(date.stdout, /→ Bad time value \("991332000000Z"\) \(expiry date unreadable\)/);
    const json = run(['cert', 'show', 'date.cer', '--json'], ws);
    assert.equal(JSON.parse(json.stdout)[0].notAfter, null);
    assert.equal(JSON.parse(json.stdout)[0].notAfterRaw, '991332000000Z');

    python(NULL_PASSWORD_PFX, [f('h.crt'), f('h.key'), f('nopass.pfx'), 'PBE-SHA1-3DES']);
    const pfx = run(['cert', 'thumbprint', 'nopass.pfx'], ws);
    assert.equal(pfx.status, 0, pfx.stderr);
    assert.equal(pfx.stdout, opensslFingerprint(f('h.crt'), 'sha1') + '\n');
    for (const r of [tp, show, date, json, pfx]) assert.equal(r.stderr, '');
  });

  it('cert pfx (process): modern and --legacy from a .crt/.key pair', () => {
    let r = run(['cert', 'pfx', '--cert', 'certs/acme.crt', '--key', 'certs/acme.key', '--out', 'certs/acme.pfx', '--passphrase-env', 'PW'], ws, { PW: 's' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(f('certs/acme.pfx')).mode & 0o777, 0o600);
    assert.match(openssl(['pkcs12', '-in', f('certs/acme.pfx'), '-info', '-nodes', '-passin', 'env:PW'], { env: { PW: 's' } }), /AES-256-CBC/);
    r = run(['cert', 'pfx', '--cert', 'certs/acme.cer', '--key', 'certs/acme.key', '--out', 'old.pfx', '--legacy', '--name', 'legacy', '--passphrase-env', 'PW'], ws, { PW: 's' });
    assert.equal(r.status, 0, r.stderr);
    const info = openssl(['pkcs12', '-legacy', '-in', f('old.pfx'), '-info', '-nodes', '-passin', 'env:PW'], { env: { PW: 's' } });
    assert.match(info, /3-KeyTripleDES/);
    assert.match(info, /friendlyName: legacy/);
    assert.match(readFileSync(f('.gitignore'), 'utf8'), /^\/\*\.pfx$/m, 'a PFX at the root is git-ignored too');
  });

  describe('bad input (real process): one line, exit ≠ 0, no stack, nothing written', () => {
    before(() => {
      writeFileSync(f('empty.crt'), '');
      writeFileSync(f('garbage.cer'), Buffer.from('00ff13a7c0ffee'.repeat(20), 'hex'));
      writeFileSync(f('truncated.crt'), readFileSync(f('certs/acme.crt'), 'utf8').slice(0, 400));
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('o.key'), '-out', f('o.crt'), '-subj', '/', '-days', '1']);
      openssl(['pkcs12', '-export', '-legacy', '-in', f('o.crt'), '-inkey', f('o.key'), '-out', f('rc2.pfx'), '-passout', 'pass:abc']);
    });
    const cases: [string, string[], RegExp, NodeJS.ProcessEnv?, number?][] = [
      ['empty file', ['cert', 'show', 'empty.crt'], /empty\.crt is empty/],
      ['garbage bytes', ['cert', 'show', 'garbage.cer'], /garbage\.cer is not a certificate/],
      ['truncated PEM', ['cert', 'thumbprint', 'truncated.crt'], /truncated/],
      ['private key as certificate', ['cert', 'show', 'o.key'], /private key, not a certificate/],
      ['wrong PFX passphrase', ['cert', 'show', 'certs/acme.pfx', '--passphrase-env', 'PW'], /Wrong passphrase for acme\.pfx/, { PW: 'nope' }],
      ['PFX without passphrase', ['cert', 'show', 'certs/acme.pfx'], /--passphrase-env VAR/],
      ['legacy RC2-40 PFX', ['cert', 'show', 'rc2.pfx', '--passphrase-env', 'PW'], /legacy PKCS#12 .*RC2-40.*openssl pkcs12 -legacy/, { PW: 'abc' }],
      ['mismatched key and certificate', ['cert', 'pfx', '--cert', 'o.crt', '--key', 'certs/acme.key', '--out', 'm.pfx', '--passphrase-env', 'PW'], /does not belong to the certificate/, { PW: 'x' }],
      ['certificate given as the key', ['cert', 'pfx', '--cert', 'o.crt', '--key', 'o.crt', '--out', 'm.pfx', '--passphrase-env', 'PW'], /certificate, not a private key/, { PW: 'x' }],
      ['unknown key size', ['cert', 'new', '--name', 'k', '--bits', '1024'], /Unsupported RSA key size 1024/],
      ['non-numeric days', ['cert', 'new', '--name', 'k', '--days', 'soon'], /--days expects a whole number/, {}, 2],
      ['unwritable folder', ['cert', 'new', '--name', 'k', '--ec', '--out', 'empty.crt/sub'], /Cannot write to .*empty\.crt\/sub/],
      ['existing files', ['cert', 'new', '--name', 'acme', '--ec'], /Not overwriting existing certs\/acme\.key/],
      ['PFX passphrase on argv is not an option', ['cert', 'new', '--name', 'k', '--pfx', '--passphrase', 'x'], /Unknown option '--passphrase'/, {}, 2],
      ['--pfx without a passphrase', ['cert', 'new', '--name', 'k', '--pfx'], /--pfx needs a passphrase/, {}, 2],
      ['missing environment variable', ['cert', 'show', 'certs/acme.pfx', '--passphrase-env', 'NOPE'], /environment variable NOPE is not set/, {}, 2],
      ['missing file', ['cert', 'show', 'nope.crt'], /nope\.crt does not exist/],
      ['unknown subcommand', ['cert', 'frob'], /expected 'cert new\|show\|thumbprint\|pfx'/, {}, 2],
    ];
    for (const [name, args, message, env, status] of cases) {
      it(name, () => {
        const before = readdirSync(ws).sort().join();
        const certsBefore = readdirSync(f('certs')).sort().join();
        failsCleanly(run(args, ws, env), message, status ?? 1);
        assert.equal(readdirSync(ws).sort().join(), before, 'nothing new in the workspace');
        assert.equal(readdirSync(f('certs')).sort().join(), certsBefore);
        assert.ok(!existsSync(f('m.pfx')));
      });
    }
  });
});
