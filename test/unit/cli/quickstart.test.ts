import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopChild } from '../helpers/stop';

/**
 * README's "Quick start in a terminal", executed line by line from an empty folder with
 * `flowgear-mtls` on PATH (the bundled CLI), as a user would type it. The lines are read from
 * README, so the test and the documentation cannot drift apart.
 */
function quickStartLines(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const block = /<!-- quickstart -->\n```sh\n([\s\S]*?)```\n<!-- \/quickstart -->/.exec(readme);
  assert.ok(block, 'README has the quickstart block');
  return block[1].split('\n').filter((l) => l.trim() !== '');
}

function sh(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', line], { cwd, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('README: the terminal quick start runs as written (issue 18)', function () {
  // RSA 4096 key generation on a busy machine.
  this.timeout(240_000);
  let root: string;
  let emulator: ChildProcess | undefined;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'fg-quickstart-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const shim = join(bin, 'flowgear-mtls');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${resolve('dist/cli.js')}" "$@"\n`);
    chmodSync(shim, 0o755);
    mkdirSync(join(root, 'home'));
  });
  after(async () => {
    await stopChild(emulator);
    rmSync(root, { recursive: true, force: true });
  });

  it('from an empty folder to a 200 from the emulator, every line exit 0', async () => {
    const env = { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}`, HOME: join(root, 'home') };
    let cwd = join(root, 'home');
    assert.deepEqual(readdirSync(cwd), [], 'starts empty');
    const outputs: string[] = [];
    for (const line of quickStartLines()) {
      const command = line.replace(/\s+#.*$/, '');
      const cd = /^mkdir (\S+) && cd (\S+)$/.exec(command);
      if (cd) {
        mkdirSync(join(cwd, cd[1]));
        cwd = join(cwd, cd[2]);
        continue;
      }
      if (command.endsWith('&')) {
        // A long-running command: started in the background, ready when it says so.
        emulator = spawn('bash', ['-c', `exec ${command.slice(0, -1).trim()}`], { cwd, env });
        let out = '';
        await new Promise<void>((ready, fail) => {
          const t = setTimeout(() => fail(new Error(`'${command}' did not get ready: ${out}`)), 30_000);
          emulator!.stdout!.on('data', (d) => {
            out += d;
            if (/^listening on /m.test(out) && /wrote flowgear\.local\.json/.test(out)) (clearTimeout(t), ready());
          });
          emulator!.once('exit', (c) => fail(new Error(`'${command}' exited ${c}: ${out}`)));
        });
        outputs.push(out);
        continue;
      }
      const r = await sh(command, cwd, env);
      assert.equal(r.code, 0, `${command}\n${r.out}\n${r.err}`);
      outputs.push(r.out + r.err);
    }
    const [invokeOut, codeOut] = [outputs[outputs.length - 2], outputs[outputs.length - 1]];
    assert.match(invokeOut, /^200 OK {2}GET https:\/\/127\.0\.0\.1:\d+\/customers\/42\?_profile=Test {2}\(key ci-test, Test/m);
    assert.match(invokeOut, /"FgUsername":\s*"Key: ci-test"/);
    assert.equal(codeOut, '', 'code wrote to invoke.py and said nothing');

    // What the lines made: the recipe certificate, its thumbprint as openssl prints it, the key
    // private and git-ignored, the shared manifest untouched by the emulator, portable code.
    const manifest = readFileSync(join(cwd, 'flowgear.json'), 'utf8');
    assert.match(manifest, /"site": "https:\/\/acme\.flowgear\.net"/);
    const fp = execFileSync('openssl', ['x509', '-in', join(cwd, 'certs/ci-test.crt'), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' }).split('=')[1].trim().replace(/:/g, '');
    assert.ok(manifest.includes(`"thumbprint": "${fp}"`), manifest);
    const text = execFileSync('openssl', ['x509', '-in', join(cwd, 'certs/ci-test.crt'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.equal(statSync(join(cwd, 'certs/ci-test.key')).mode & 0o777, 0o600);
    const gitignore = readFileSync(join(cwd, '.gitignore'), 'utf8');
    assert.match(gitignore, /^\*\.key$/m);
    assert.match(gitignore, /^\/flowgear\.local\.json$/m);
    assert.ok(existsSync(join(cwd, 'flowgear.local.json')));
    const py = readFileSync(join(cwd, 'invoke.py'), 'utf8');
    assert.match(py, /https:\/\/acme\.flowgear\.net\/customers\/42\?_profile=Test/);
    assert.ok(!py.includes(cwd) && !py.includes('127.0.0.1'), 'no author path, no emulator in shared code');
  });
});
