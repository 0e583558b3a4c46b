import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm start` with `code` on PATH: a stand-in `code` records its arguments and waits like
// `code --wait`. Checks what desktop VS Code would be asked to open, that the emulator serves the
// demo workspace, and that Ctrl-C (SIGINT to the process group) or SIGTERM leaves nothing behind.
const root = process.cwd();

interface Started {
  child: ChildProcess;
  site: string;
  codePid: number;
  codeArgs: string[];
  output: () => string;
}

async function start(tmp: string, demo: string): Promise<Started> {
  const bin = join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  const argsFile = join(tmp, 'code-args.txt');
  rmSync(argsFile, { force: true });
  writeFileSync(join(bin, 'code'), `#!/bin/sh\nprintf '%s\\n' "$$" "$@" > "${argsFile}.tmp" && mv "${argsFile}.tmp" "${argsFile}"\nexec sleep 600\n`);
  chmodSync(join(bin, 'code'), 0o755);
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--no-build'], {
    cwd: root,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FLOWGEAR_DEMO_DIR: demo },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!existsSync(argsFile)) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`code was not started:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const [pid, ...codeArgs] = readFileSync(argsFile, 'utf8').trim().split('\n');
  const site = /Local Flowgear emulator \(the workspace's site\): (\S+)/.exec(out)?.[1];
  assert.ok(site, out);
  return { child, site, codePid: Number(pid), codeArgs, output: () => out };
}

function curlStatus(demo: string, url: string) {
  return spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', join(demo, '.flowgear', 'emulator-ca.crt'), '--cert', join(demo, 'certs', 'ci-test.crt'), '--key', join(demo, 'certs', 'ci-test.key'), url], { encoding: 'utf8', timeout: 20_000 });
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((res) => child.once('exit', (code) => res(code)));
}

describe('npm start with desktop VS Code on PATH', function () {
  this.timeout(120_000);
  let tmp: string;
  let demo: string;
  let running: Started | undefined;

  before(function () {
    if (!existsSync(join(root, 'dist', 'cli.js'))) this.skip(); // built by the test runner; a concurrent build may have wiped it
    tmp = mkdtempSync(join(tmpdir(), 'fg-start-'));
    demo = join(tmp, 'demo');
  });
  afterEach(() => {
    if (running?.child.exitCode === null) process.kill(-running.child.pid!, 'SIGKILL');
    if (running && alive(running.codePid)) process.kill(running.codePid, 'SIGKILL');
    running = undefined;
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it('opens the demo workspace with the extension loaded; Ctrl-C stops code and the emulator', async () => {
    running = await start(tmp, demo);
    const { codeArgs, site, child, codePid } = running;
    assert.deepEqual(codeArgs, ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, demo]);
    assert.equal(JSON.parse(readFileSync(join(demo, 'flowgear.json'), 'utf8')).site, site);
    assert.equal(curlStatus(demo, `${site}/customers/1?_profile=Test`).stdout, '200', 'the emulator serves the demo keys');

    process.kill(-child.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
    assert.equal(await exited(child), 0, running.output());
    assert.equal(alive(codePid), false, 'code is gone');
    const after = curlStatus(demo, `${site}/customers/1?_profile=Test`);
    assert.equal(after.status, 7, `the emulator no longer listens (curl: ${after.stderr})`);
  });

  it('SIGTERM to npm start alone also stops code and the emulator, and the demo is reused', async () => {
    const thumbprint = JSON.parse(readFileSync(join(demo, 'flowgear.json'), 'utf8')).keys[0].thumbprint;
    running = await start(tmp, demo);
    const { site, child, codePid } = running;
    assert.equal(JSON.parse(readFileSync(join(demo, 'flowgear.json'), 'utf8')).keys[0].thumbprint, thumbprint, 'same certificates as before');
    process.kill(child.pid!, 'SIGTERM');
    assert.equal(await exited(child), 0, running.output());
    assert.equal(alive(codePid), false, 'code is gone');
    assert.equal(curlStatus(demo, `${site}/customers/1?_profile=Test`).status, 7);
  });
});
