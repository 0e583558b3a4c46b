import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { curlCert } from '../emulator/clients';
import { standardFixture } from '../emulator/shared';

const cli = join(process.cwd(), 'dist', 'cli.js');

/** Collects a child's stdout; `waitFor` matches against everything printed so far. */
function stdoutOf(child: ReturnType<typeof spawn>) {
  let out = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  });
  return {
    text: () => out,
    waitFor(re: RegExp, ms = 15_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (!m) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(m);
        };
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got:\n${out}`)), ms);
        waiters.push(check);
        check();
      });
    },
  };
}

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cli: flowgear-mtls emulator', () => {
  it('prints the URL and CA, serves, reloads on manifest and certificate changes, stops on SIGTERM with exit 0', async () => {
    const fx = standardFixture();
    const child = spawn(process.execPath, [cli, 'emulator', '--workspace', fx.dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { waitFor, text } = stdoutOf(child);
    try {
      const [, url] = await waitFor( /^listening on (https:\/\/127\.0\.0\.1:\d+)$/m);
      const [, ca] = await waitFor(/^CA certificate: (.+)$/m);
      assert.equal(ca, join(fx.dir, '.flowgear', 'emulator-ca.crt'));
      assert.equal((await curlCert(`${url}/customers/1`, ca, fx.keys.ci)).status, 200);

      // A replaced certificate file is picked up too: the intruder's certificate becomes ci's.
      const loads = () => (text().match(/loaded .*flowgear\.json/g) ?? []).length;
      copyFileSync(fx.strangers.intruder.certificate, fx.keys.ci.certificate);
      await until(() => loads() >= 2);
      assert.equal((await curlCert(`${url}/customers/1`, ca, fx.strangers.intruder)).status, 200);

      fx.manifest.keys.find((k) => k.name === 'ci')!.enabled = false;
      fx.writeManifest();
      await until(() => loads() >= 3);
      assert.equal((await curlCert(`${url}/customers/1`, ca, fx.strangers.intruder)).status, 404);
      await waitFor(/refused: disabled key: 'ci'/);

      const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      child.kill('SIGKILL');
      fx.cleanup();
    }
  });

  it('bad input: one line, no stack — usage errors exit 2, a missing manifest exits 1', () => {
    const bad = spawnSync(process.execPath, [cli, 'emulator', '--cert-request', 'sometimes'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim(), "flowgear-mtls: --cert-request must be handshake or renegotiate (got 'sometimes')");
    const port = spawnSync(process.execPath, [cli, 'emulator', '--port', '70000'], { encoding: 'utf8' });
    assert.equal(port.status, 2);
    const missing = spawnSync(process.execPath, [cli, 'emulator', '--workspace', '/nonexistent-fg'], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /cannot start the emulator: .*does not exist/);
    assert.doesNotMatch(missing.stderr, /\bat .*:\d+:\d+/);
  });
});
