import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ensureGitignored,
  generateCertificate,
  isGitignored,
  gitignoreVerdicts,
  keyMatchesCertificate,
  writeKeyFiles,
  type GeneratedCertificate,
} from '../../../../src/core/certificates';
import { hasCode, openssl, tempDir } from './openssl';

describe('certificates: files and .gitignore', () => {
  const dir = tempDir('files');
  let g: GeneratedCertificate;
  let n = 0;
  const ws = () => {
    const p = join(dir.path, `ws${n++}`);
    mkdirSync(p);
    return p;
  };
  before(async () => {
    g = await generateCertificate({ keyType: 'ec' });
  });
  after(() => dir.dispose());

  it('writes NAME.key (0600), .crt, .cer (DER) and gitignores the folder first', async () => {
    const root = ws();
    writeFileSync(join(root, '.gitignore'), 'node_modules/');
    const files = await writeKeyFiles({ workspaceRoot: root, name: 'acme', generated: g });
    assert.equal(files.key, join(root, 'certs', 'acme.key'));
    assert.equal(statSync(files.key).mode & 0o777, 0o600);
    assert.equal(readFileSync(files.crt, 'utf8'), g.certPem);
    assert.deepEqual(readFileSync(files.cer), g.certDer);
    assert.equal(files.pfx, undefined);
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), 'node_modules/\n# private keys (flowgear-mtls)\n/certs/*.key\n/certs/*.pfx\n/certs/*.p12\n');
    assert.ok(await isGitignored(root, files.key));
    assert.ok(!(await isGitignored(root, files.crt)), 'the public certificate may be committed');
    openssl(['pkey', '-in', files.key, '-noout']);
    assert.deepEqual(readdirSync(join(root, 'certs')).sort(), ['acme.cer', 'acme.crt', 'acme.key'], 'no temp files left');
  });

  it('encrypts the key with a passphrase and writes a 0600 PFX', async () => {
    const root = ws();
    const files = await writeKeyFiles({ workspaceRoot: root, folder: 'keys/dev', name: 'k1', generated: g, passphrase: 'pw', pfx: true });
    assert.match(readFileSync(files.key, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    openssl(['pkey', '-in', files.key, '-noout', '-passin', 'env:PW'], { env: { PW: 'pw' } });
    assert.ok(keyMatchesCertificate(readFileSync(files.key), g.certPem, 'pw'));
    assert.equal(statSync(files.pfx!).mode & 0o777, 0o600);
    openssl(['pkcs12', '-in', files.pfx!, '-noout', '-passin', 'env:PW'], { env: { PW: 'pw' } });
    assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), /^\/keys\/dev\/\*\.key$/m);
  });

  it('leaves .gitignore alone when the files are already ignored', async () => {
    const root = ws();
    writeFileSync(join(root, '.gitignore'), '*.key\n*.pfx\n');
    await writeKeyFiles({ workspaceRoot: root, name: 'a', generated: g });
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), '*.key\n*.pfx\n');
  });

  it('never overwrites: file-exists, existing files untouched', async () => {
    const root = ws();
    mkdirSync(join(root, 'certs'));
    writeFileSync(join(root, 'certs', 'x.crt'), 'mine');
    await assert.rejects(writeKeyFiles({ workspaceRoot: root, name: 'x', generated: g }), (e: Error) => hasCode('file-exists')(e) && /certs\/x\.crt/.test(e.message));
    assert.equal(readFileSync(join(root, 'certs', 'x.crt'), 'utf8'), 'mine');
    assert.deepEqual(readdirSync(join(root, 'certs')), ['x.crt']);
  });

  it('bad name, PFX without passphrase, unwritable folder: nothing written', async () => {
    const root = ws();
    await assert.rejects(writeKeyFiles({ workspaceRoot: root, name: '../evil', generated: g }), hasCode('bad-name'));
    await assert.rejects(writeKeyFiles({ workspaceRoot: root, name: 'p', generated: g, pfx: true }), hasCode('pfx-passphrase-required'));
    writeFileSync(join(root, 'afile'), '');
    await assert.rejects(writeKeyFiles({ workspaceRoot: root, folder: 'afile/sub', name: 'u', generated: g }), hasCode('unwritable'));
    assert.deepEqual(readdirSync(root), ['afile']);
  });

  it('ensureGitignored appends once and creates the file', async () => {
    const root = ws();
    assert.equal(await ensureGitignored(root, ['/certs/*.key']), true);
    assert.equal(await ensureGitignored(root, ['/certs/*.key']), false);
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), '# private keys (flowgear-mtls)\n/certs/*.key\n');
  });

  // Both answers: git's own (a repository, git on PATH) and the `ignore` fallback must agree.
  for (const withGit of [true, false]) {
    it(`isGitignored follows gitignore rules (anchoring, dirs, negation, nested files, **) — ${withGit ? 'git check-ignore' : 'ignore package'}`, async () => {
      const root = ws();
      if (withGit) execFileSync('git', ['init', '-q'], { cwd: root });
      writeFileSync(join(root, '.gitignore'), ['*.key', '!keep.key', '/top/*.pfx', 'build/', 'deep/**/x.p12', '# c', ''].join('\n'));
      mkdirSync(join(root, 'sub'));
      writeFileSync(join(root, 'sub', '.gitignore'), 'local.pem\n');
      mkdirSync(join(root, 'certs'));
      writeFileSync(join(root, 'certs', '.gitignore'), '!*.key\n');
      const opts = { git: withGit };
      const is = (f: string) => isGitignored(root, f, opts);
      assert.ok(await is(join(root, 'a.key')));
      assert.ok(!(await is('certs/a.key')), 'a nested !*.key re-includes keys below it');
      assert.ok(!(await is('keep.key')));
      assert.ok(await is('top/a.pfx'));
      assert.ok(!(await is('other/top/a.pfx')), 'anchored');
      assert.ok(await is('build/x/keep.key'), 'inside an ignored folder nothing is re-included');
      assert.ok(await is('deep/x.p12'));
      assert.ok(await is('deep/a/b/x.p12'));
      assert.ok(await is('sub/local.pem'));
      assert.ok(!(await is('local.pem')));
      assert.ok(!(await is(join(dir.path, 'outside.key'))), 'outside the workspace');
      const [v] = await gitignoreVerdicts(root, ['certs/a.key'], opts);
      assert.equal(v.by, withGit ? 'git' : 'ignore');
      assert.equal(v.rule, 'certs/.gitignore:1: !*.key');
      assert.ok(!existsSync(join(root, 'a.key')));
    });

    it(`refuses to write a key git would still commit, naming file and rule; writes nothing — ${withGit ? 'git' : 'no git'}`, async () => {
      const root = ws();
      if (withGit) execFileSync('git', ['init', '-q'], { cwd: root });
      mkdirSync(join(root, 'certs'));
      writeFileSync(join(root, 'certs', '.gitignore'), '!*.key\n');
      const run = () => writeKeyFiles({ workspaceRoot: root, name: 'acme', generated: g });
      const path = process.env.PATH;
      if (!withGit) process.env.PATH = '/nonexistent'; // git absent: the fallback must answer the same
      try {
        await assert.rejects(run, (e: Error) => hasCode('not-gitignored')(e) && /Not writing certs\/acme\.key: git would still commit it/.test(e.message) && /certs\/\.gitignore:1: !\*\.key un-ignores it/.test(e.message));
      } finally {
        process.env.PATH = path;
      }
      assert.deepEqual(readdirSync(join(root, 'certs')), ['.gitignore'], 'no key, no certificate');
      assert.ok(!existsSync(join(root, '.gitignore')), 'the root .gitignore it tried is removed again');
      if (withGit) {
        // Reproduces the attack's check: after fixing the rule, git add would not take the key.
        writeFileSync(join(root, 'certs', '.gitignore'), '');
        const files = await run();
        const added = execFileSync('git', ['add', '-A', '--dry-run'], { cwd: root, encoding: 'utf8' });
        assert.ok(!added.includes('acme.key'), added);
        assert.ok(added.includes('acme.crt'), added);
        assert.ok(existsSync(files.key));
      }
    });
  }
});
