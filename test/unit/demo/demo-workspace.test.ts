import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// scripts/demo-workspace.mjs is what `npm start` and the e2e test use; it runs here as a real
// ESM module in a child Node (the unit bundles are CommonJS), with the built CLI.
const root = process.cwd();
const moduleUrl = pathToFileURL(join(root, 'scripts', 'demo-workspace.mjs')).href;

function node(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

const prepare = `const m = await import(process.env.MOD); console.log(JSON.stringify(await m.prepareDemoWorkspace(process.env.DIR, { cli: process.env.CLI })));`;

function sha1Fingerprint(file: string): string {
  const out = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  return out.split('=')[1].trim().replace(/:/g, '');
}

describe('demo workspace (npm start, e2e)', function () {
  this.timeout(90_000);
  let tmp: string;
  let cli: string;
  let dir: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'fg-demo-'));
    // A private copy: a concurrent build in the shared tree may remove dist/ mid-run.
    cli = join(tmp, 'cli.js');
    copyFileSync(join(root, 'dist', 'cli.js'), cli);
    dir = join(tmp, 'ws');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('creates a manifest that `flowgear-mtls check` accepts, with key files made by our CLI', () => {
    const r = node(prepare, { MOD: moduleUrl, DIR: dir, CLI: cli });
    assert.equal(r.status, 0, r.stderr);
    const { thumbprints } = JSON.parse(r.stdout) as { thumbprints: Record<string, string> };
    const m = JSON.parse(readFileSync(join(dir, 'flowgear.json'), 'utf8'));
    assert.deepEqual(m.environments.map((e: { name: string }) => e.name), ['Production', 'Test']);
    assert.equal(m.workflows.length, 3);
    assert.deepEqual(m.keys.map((k: { name: string; enabled: boolean; environment?: string }) => [k.name, k.enabled, k.environment]), [['ci-test', true, 'Test'], ['ops', false, undefined]]);
    for (const k of m.keys) {
      // The thumbprint in flowgear.json is openssl's SHA-1 fingerprint of the file.
      assert.equal(k.thumbprint, sha1Fingerprint(join(dir, k.certificate)));
      assert.equal(thumbprints[k.name], k.thumbprint);
      assert.equal(statSync(join(dir, k.privateKey)).mode & 0o777, 0o600);
    }
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /\/certs\/\*\.key/);
    assert.match(readFileSync(join(dir, 'demo.flowgear.http'), 'utf8'), /# @key ci-test/);
    const check = spawnSync(process.execPath, [cli, 'check', '--workspace', dir], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /no problems/);
  });

  it('keeps edits on the next start and remakes only a missing certificate', () => {
    const file = join(dir, 'flowgear.json');
    const edited = readFileSync(file, 'utf8').replace('"enabled": false', '"enabled": true');
    writeFileSync(file, edited);
    const before = JSON.parse(edited);
    unlinkSync(join(dir, 'certs', 'ops.crt'));
    unlinkSync(join(dir, 'certs', 'ops.key'));
    const r = node(prepare, { MOD: moduleUrl, DIR: dir, CLI: cli });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(Object.keys(JSON.parse(r.stdout).thumbprints), ['ops']);
    const after = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(after.keys[1].enabled, true, 'the edit survived');
    assert.equal(after.keys[0].thumbprint, before.keys[0].thumbprint, 'ci-test untouched');
    assert.notEqual(after.keys[1].thumbprint, before.keys[1].thumbprint);
    assert.equal(after.keys[1].thumbprint, sha1Fingerprint(join(dir, 'certs', 'ops.crt')));
  });

  it('the emulator becomes the site: curl with ci-test gets Key: ci-test, and close() ends it', async () => {
    const script = `const m = await import(process.env.MOD);
      const emu = await m.startDemoEmulator(process.env.DIR, { cli: process.env.CLI });
      console.log(JSON.stringify({ url: emu.url, pid: emu.pid }));
      process.stdin.resume();
      process.stdin.on('end', async () => { await emu.close(); console.log('closed'); process.exit(0); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, MOD: moduleUrl, DIR: dir, CLI: cli }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const started = await new Promise<{ url: string; pid: number }>((res, rej) => {
      const t = setInterval(() => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearInterval(t);
          res(JSON.parse(line));
        }
      }, 50);
      child.on('exit', (c) => {
        clearInterval(t);
        rej(new Error(`exited ${c}: ${err}`));
      });
    });
    try {
      const m = JSON.parse(readFileSync(join(dir, 'flowgear.json'), 'utf8'));
      assert.equal(m.site, started.url);
      assert.equal(m.ca, join('.flowgear', 'emulator-ca.crt'));
      const curl = (key: string, path: string) =>
        spawnSync('curl', ['-sS', '--cacert', join(dir, m.ca), '--cert', join(dir, 'certs', `${key}.crt`), '--key', join(dir, 'certs', `${key}.key`), '-o', '-', '-w', '\n%{http_code}', `${started.url}${path}`], { encoding: 'utf8', timeout: 20_000 });
      const ok = curl('ci-test', '/customers/42?_profile=Test');
      assert.match(ok.stdout, /\n200$/, ok.stderr);
      assert.equal(JSON.parse(ok.stdout.slice(0, ok.stdout.lastIndexOf('\n'))).FgUsername, 'Key: ci-test');
      const wrongEnv = curl('ci-test', '/customers/42');
      assert.match(wrongEnv.stdout, /\n404$/, 'a Test key without _profile=Test is refused');
    } finally {
      child.stdin.end();
      await new Promise((res) => child.once('exit', res));
    }
    assert.match(out, /closed/);
    assert.equal(existsSync(`/proc/${started.pid}`), false, 'the emulator process is gone');
  });
});
