import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// src/core and src/emulator must run in plain Node (CLI, CI): no `vscode` import, direct or dynamic.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|mjs|cjs)$/.test(n) ? [p] : [];
  });
}

const importOfVscode = /(?:from\s+|require\s*\(\s*|import\s*\(\s*|import\s+)['"]vscode['"]/;

describe('layout', () => {
  for (const dir of ['src/core', 'src/emulator', 'src/cli']) {
    it(`${dir} never imports vscode`, () => {
      const files = sources(dir);
      assert.ok(files.length > 0, `${dir} has sources`);
      const offenders = files.filter((f) => importOfVscode.test(readFileSync(f, 'utf8')));
      assert.deepEqual(offenders, []);
    });
  }

  it('the scanner recognises every import form', () => {
    for (const s of [`import * as v from 'vscode'`, `const v = require("vscode")`, `await import('vscode')`, `import 'vscode'`]) {
      assert.ok(importOfVscode.test(s), s);
    }
    assert.ok(!importOfVscode.test(`import x from 'vscode-uri'`));
  });
});
