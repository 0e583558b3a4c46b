import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { VERSION } from '../../../src/core/version';
import { memoryIo } from '../helpers/io';

const cli = join(process.cwd(), 'dist', 'cli.js');

describe('cli skeleton', () => {
  it('--version prints the package version', async () => {
    const io = memoryIo();
    assert.equal(await main(['--version'], io), 0);
    assert.equal(io.stdout.trim(), VERSION);
  });

  it('--help lists usage', async () => {
    const io = memoryIo();
    assert.equal(await main(['--help'], io), 0);
    assert.match(io.stdout, /Usage: flowgear-mtls <command>/);
  });

  it('unknown command: one line, exit 2, no stack (real process)', () => {
    const r = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+/);
  });

  it('the bundled bin runs --version as a process', () => {
    const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), VERSION);
  });
});
