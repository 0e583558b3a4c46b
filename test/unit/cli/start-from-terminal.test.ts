import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { isGitignored } from '../../../src/core/certificates/gitignore';
import { loadManifest } from '../../../src/core/manifest/load';
import { makeClientCertificate } from '../helpers/fixture';
import { memoryIo } from '../helpers/io';

/** SHA-1 thumbprint as the openssl CLI prints it, in Flowgear's form. */
const opensslThumbprint = (file: string, inform = 'PEM') =>
  execFileSync('openssl', ['x509', '-inform', inform, '-in', file, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' }).split('=')[1].trim().replace(/:/g, '');

describe('cli: starting from the terminal — init, workflows add, keys add (issue 18 point 1)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fg-init-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...argv: string[]) => {
    const io = memoryIo({ FG_PFX_PASS: 'pfx-secret' }, dir);
    const code = await main(argv, io);
    return { code, ...io };
  };
  const manifest = async () => {
    const r = await loadManifest(join(dir, 'flowgear.json'));
    assert.ok(r.ok, JSON.stringify(r.problems));
    return r.manifest;
  };

  it('an empty folder: commands point at init (was: "create one from the editor"); init was an unknown command', async () => {
    const list = await cli('keys', 'list');
    assert.equal(list.code, 1);
    assert.match(list.stderr, /flowgear-mtls init/);
    assert.doesNotMatch(list.stderr, /from the editor/);
    const r = await cli('init', '--site', 'https://acme.flowgear.net', '--environment', 'Test', '--environment', 'QA');
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, 'flowgear.json'), 'utf8');
    assert.match(text, /^\/\/ /m, 'commented');
    const m = await manifest();
    assert.equal(m.site, 'https://acme.flowgear.net');
    assert.deepEqual(m.environments.map((e) => [e.name, e.production]), [['Production', true], ['Test', false], ['QA', false]]);
    for (const f of ['certs/ci.key', 'x.pfx', 'flowgear.local.json', '.flowgear/emulator-ca.key']) assert.ok(isGitignored(dir, f), `${f} git-ignored`);
    // Never overwrites.
    const again = await cli('init');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    assert.equal(readFileSync(join(dir, 'flowgear.json'), 'utf8'), text);
    assert.equal((await cli('init', '--site', 'ftp://x')).code, 2);
  });

  it('workflows add keeps comments; bad method or template is a usage error and writes nothing', async () => {
    await cli('init', '--environment', 'Test');
    const r = await cli('workflows', 'add', 'Get Customer', '--method', 'get', '--path', '/customers/{id}');
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, 'flowgear.json'), 'utf8');
    assert.match(text, /\/\/ REST-bound workflows/);
    assert.deepEqual((await manifest()).workflows.map((w) => [w.name, w.method, w.path]), [['Get Customer', 'GET', '/customers/{id}']]);
    for (const bad of [['--method', 'FETCH', '--path', '/x'], ['--method', 'GET', '--path', '/a{id}'], ['--method', 'GET']]) {
      assert.equal((await cli('workflows', 'add', 'W2', ...bad)).code, 2);
    }
    assert.equal((await cli('workflows', 'add', 'get customer', '--method', 'GET', '--path', '/c')).code, 1, 'duplicate name');
    assert.equal(readFileSync(join(dir, 'flowgear.json'), 'utf8'), text);
  });

  it('keys add with existing certificate + key, and with a PFX: thumbprint as openssl prints it, environment, permits, disabled', async () => {
    await cli('init', '--environment', 'Test');
    await cli('workflows', 'add', 'Get Customer', '--method', 'GET', '--path', '/customers/{id}');
    const made = makeClientCertificate(join(dir, 'mine'), 'ci');
    const r = await cli('keys', 'add', 'ci', '--certificate', 'mine/ci.crt', '--private-key', 'mine/ci.key', '--environment', 'test', '--permit', 'Get Customer');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Thumbprint: ${opensslThumbprint(made.certificate)}`));
    let k = (await manifest()).keys.find((x) => x.name === 'ci')!;
    assert.equal(k.thumbprint, opensslThumbprint(made.certificate));
    assert.equal(k.environment, 'Test');
    assert.deepEqual(k.permittedWorkflows, ['Get Customer']);
    assert.equal(k.enabled, true);
    assert.ok(isGitignored(dir, 'mine/ci.key'), 'the private key is git-ignored');
    assert.match(readFileSync(join(dir, 'flowgear.json'), 'utf8'), /"certificate": "mine\/ci\.crt"/, 'stored relative');

    execFileSync('openssl', ['pkcs12', '-export', '-in', made.certificate, '-inkey', made.privateKey, '-passout', 'pass:pfx-secret', '-out', join(dir, 'mine', 'ops.pfx')]);
    const p = await cli('keys', 'add', 'ops', '--pfx', 'mine/ops.pfx', '--passphrase-env', 'FG_PFX_PASS', '--disabled');
    assert.equal(p.code, 0, p.stderr);
    k = (await manifest()).keys.find((x) => x.name === 'ops')!;
    assert.equal(k.enabled, false);
    assert.equal(k.passphraseEnv, 'FG_PFX_PASS');
    assert.equal(k.thumbprint, opensslThumbprint(made.certificate));
    assert.ok(!readFileSync(join(dir, 'flowgear.json'), 'utf8').includes('pfx-secret'));
  });

  it('keys add refuses before writing: unknown environment/workflow (exit 2), a key of another certificate, a duplicate (exit 1)', async () => {
    await cli('init', '--environment', 'Test');
    const a = makeClientCertificate(join(dir, 'mine'), 'a');
    makeClientCertificate(join(dir, 'mine'), 'b');
    const before = readFileSync(join(dir, 'flowgear.json'), 'utf8');
    const cases: [string[], number, RegExp][] = [
      [['--certificate', 'mine/a.crt', '--private-key', 'mine/a.key', '--environment', 'Staging'], 2, /unknown environment 'Staging'/],
      [['--certificate', 'mine/a.crt', '--private-key', 'mine/a.key', '--permit', 'Nope'], 2, /unknown workflow 'Nope'/],
      [['--certificate', 'mine/a.crt', '--private-key', 'mine/b.key'], 1, /does not belong/],
      [['--new', '--pfx', 'mine/x.pfx'], 2, /exactly one of/],
      [[], 2, /exactly one of/],
    ];
    for (const [args, code, re] of cases) {
      const r = await cli('keys', 'add', 'k1', ...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(readFileSync(join(dir, 'flowgear.json'), 'utf8'), before);
    }
    assert.equal((await cli('keys', 'add', 'k1', '--certificate', a.certificate, '--private-key', a.privateKey)).code, 0);
    const dup = await cli('keys', 'add', 'K1', '--certificate', a.certificate, '--private-key', a.privateKey);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    // The bundled bin lists the new command.
    const help = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /^\s+init\s/m);
  });
});
