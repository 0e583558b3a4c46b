/**
 * The installable CLI: `npm run pack:cli` makes a tarball holding only the bundled CLI (bin,
 * `files` whitelist, no dependencies); npm installs it into a temporary global prefix and the
 * installed `flowgear-mtls run` runs a request file against the emulator with a JUnit report.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseTestResults } from 'test-results-parser';
import { emulated, type Emulated } from '../invoke/emulated';

describe('cli: npm package installed from its tarball', function () {
  this.timeout(180_000);
  let e: Emulated;
  let tmp: string;
  before(async () => {
    e = await emulated('handshake');
    tmp = mkdtempSync(join(tmpdir(), 'fg-pack-'));
  });
  after(async () => {
    await e?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('packs only the bundled CLI, installs with npm -g --prefix, and runs against the emulator', async () => {
    const pack = spawnSync(process.execPath, ['scripts/pack-cli.mjs', join(tmp, 'out')], { encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = pack.stdout.trim().split('\n').pop()!;
    assert.match(tarball, /flowgear-mtls-\d+\.\d+\.\d+\.tgz$/);
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    assert.deepEqual(list, ['package/LICENSE', 'package/README.md', 'package/cli.js', 'package/package.json']);
    const manifest = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout);
    assert.deepEqual(manifest.bin, { 'flowgear-mtls': 'cli.js' });
    assert.equal(manifest.dependencies, undefined);

    const prefix = join(tmp, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    const bin = join(prefix, 'bin', 'flowgear-mtls');
    writeFileSync(join(e.fx.dir, 'ci.flowgear.http'), '# @key ci-test\nGET /customers/12\n# @expect json $.FgUsername == Key: ci-test\n');
    // Asynchronously: the emulator answers from this process's event loop.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const p = spawn(bin, ['run', 'ci.flowgear.http', '--reporter', 'junit', '--output', 'junit.xml'], { cwd: e.fx.dir });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('error', reject);
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 request: 1 passed/);
    const res = parseTestResults({ type: 'junit', files: [join(e.fx.dir, 'junit.xml')] });
    assert.deepEqual([res.total, res.passed, res.failed], [1, 1, 0]);
    assert.match(readFileSync(join(e.fx.dir, 'junit.xml'), 'utf8'), /<testsuite id="0" name="ci\.flowgear\.http" tests="1"/);
  });
});
