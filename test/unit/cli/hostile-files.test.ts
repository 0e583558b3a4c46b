import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_REASON, hostilePaths } from '../helpers/hostile';
import { makeClientCertificate, type FixtureCertificate } from '../helpers/fixture';

const cli = join(process.cwd(), 'dist', 'cli.js');

/** The CLI as a real process. The timeout only stops a hang from stalling the suite (the bug
 *  this guards against made every command hang on a FIFO); the assertion is on the message. */
function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `flowgear-mtls ${args.join(' ')} did not return:\n${r.stdout}\n${r.stderr}`);
  return { status: r.status, out: r.stdout + r.stderr };
}

/** `emulator` runs until stopped: wait until its output shows `re`, then stop it. */
function emulatorSays(cwd: string, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulator', '--workspace', cwd, '--port', '0', '--host', '127.0.0.1'], { cwd, env: { PATH: process.env.PATH } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`emulator never said ${re}:\n${out}`));
    }, 20_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(timer);
        child.kill();
        resolve(out);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
  });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('CLI: a hostile path in flowgear.json ends every command with a clear error', function () {
  this.timeout(120_000);
  let dir: string;
  let hostile: Record<string, string>;
  let good: FixtureCertificate;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fg-hostile-'));
    hostile = hostilePaths(dir);
    good = makeClientCertificate(dir, 'good');
    writeFileSync(join(dir, 'body.json'), '{}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function manifest(key: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    writeFileSync(join(dir, 'flowgear.json'), JSON.stringify({
      site: 'https://127.0.0.1:9',
      workflows: [{ name: 'W', method: 'POST', path: '/w', body: 'body.json' }],
      keys: [{ name: 'k', permittedWorkflows: ['W'], ...key }],
      ...extra,
    }));
  }

  for (const what of ['/dev/zero symlink', 'FIFO', 'symlink to a FIFO', 'symlink loop', 'folder', '50 MB file']) {
    it(`certificate is a ${what}: check, keys list, invoke, code, cert show, emulator`, async () => {
      const path = hostile[what];
      manifest({ certificate: path, privateKey: good.privateKey });
      const said = new RegExp(`key 'k' "certificate": ${esc(path)} ${HOSTILE_REASON[what].source}`);

      const check = run(['check', '--workspace', dir], dir);
      assert.equal(check.status, 1, check.out);
      assert.match(check.out, said, 'check');

      const keys = run(['keys', 'list', '--workspace', dir], dir);
      assert.match(keys.out, said, 'keys list');

      const invoke = run(['invoke', 'W', '--key', 'k', '--workspace', dir, '--timeout', '2000'], dir);
      assert.equal(invoke.status, 1, invoke.out);
      assert.match(invoke.out, said, 'invoke');

      const code = run(['code', 'curl', 'W', '--key', 'k', '--workspace', dir], dir);
      assert.notEqual(code.status, 0, code.out);
      assert.match(code.out, said, 'code');

      const show = run(['cert', 'show', path], dir);
      assert.notEqual(show.status, 0, show.out);
      assert.match(show.out, new RegExp(`certificate file: ${esc(path)} ${HOSTILE_REASON[what].source}`), 'cert show');

      await emulatorSays(dir, said);
    });
  }

  // The same reader guards every other field; two kinds each are enough to show the routing.
  for (const what of ['/dev/zero symlink', 'FIFO']) {
    it(`privateKey, pfx, body and ca as a ${what}: invoke names the field`, () => {
      const path = hostile[what];
      const reason = HOSTILE_REASON[what].source;
      const cases: [string, () => void][] = [
        [`key 'k' "privateKey": ${esc(path)} ${reason}`, () => manifest({ certificate: good.certificate, privateKey: path })],
        [`key 'k' "pfx": ${esc(path)} ${reason}`, () => manifest({ pfx: path })],
        [`workflow 'W' "body": ${esc(path)} ${reason.replace('1 MiB', '10 MiB')}`, () =>
          writeFileSync(join(dir, 'flowgear.json'), JSON.stringify({ site: 'https://127.0.0.1:9', workflows: [{ name: 'W', method: 'POST', path: '/w', body: path }], keys: [{ name: 'k', certificate: good.certificate, privateKey: good.privateKey, permittedWorkflows: ['W'] }] }))],
        [`flowgear.json "ca": ${esc(path)} ${reason}`, () => manifest({ certificate: good.certificate, privateKey: good.privateKey }, { ca: path })],
      ];
      for (const [said, write] of cases) {
        write();
        const r = run(['invoke', 'W', '--key', 'k', '--workspace', dir, '--timeout', '2000'], dir);
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, new RegExp(said), said);
      }
      const data = run(['invoke', 'W', '--key', 'k', '--workspace', dir, '--timeout', '2000', '--data', '@' + path], dir);
      assert.match(data.out, new RegExp(`--data: ${esc(path)} ${reason}`));
    });
  }
});
