import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(process.cwd(), 'dist', 'cli.js');

describe('CLI: cert new refuses a key that git would commit', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'fg-gi-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const git of [true, false]) {
    it(`nested certs/.gitignore with !*.key: exit 1, names file and rule, writes nothing (${git ? 'git on PATH' : 'git absent from PATH'})`, () => {
      const ws = join(dir, git ? 'git' : 'nogit');
      mkdirSync(join(ws, 'certs'), { recursive: true });
      execFileSync('git', ['init', '-q'], { cwd: ws });
      writeFileSync(join(ws, 'certs', '.gitignore'), '# keys are fine here\n!*.key\n');
      const r = spawnSync(process.execPath, [cli, 'cert', 'new', '--name', 'acme', '--ec', '--workspace', ws], {
        cwd: ws,
        env: { PATH: git ? process.env.PATH : '/nonexistent' },
        encoding: 'utf8',
      });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /Not writing certs\/acme\.key: git would still commit it/);
      assert.match(r.stderr, /certs\/\.gitignore:2: !\*\.key un-ignores it/);
      assert.doesNotMatch(r.stdout, /git-ignored/);
      assert.deepEqual(readdirSync(join(ws, 'certs')), ['.gitignore']);
      assert.ok(!existsSync(join(ws, '.gitignore')));
    });
  }
});
