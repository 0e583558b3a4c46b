/**
 * The attacks of issue 11 on code generation, each as a shared manifest would carry it: the
 * generated program is RUN (or compiled) and must not do what the hostile name says — here,
 * create a marker file — nor fail to compile. The property test (property.test.ts) covers the
 * general case; these keep the reported attacks reproducible one by one.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate, LANGUAGES, type Language } from '../../../src/core/codegen';
import { UserError } from '../../../src/core/errors';
import { parseManifest } from '../../../src/core/manifest/load';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { recipeCommands, removeAll, run, scratch, writeProgram } from './harness';
import { csharpCheck } from './parsers';
import { PWSH, skipOrFail } from './runners';

const dirs: string[] = [];
after(() => removeAll(dirs));

/** A fresh marker path in its own dir: the attack's proof of execution. */
function marker(): string {
  const dir = scratch('marker');
  dirs.push(dir);
  return join(dir, 'pwned');
}

/** A request whose connection fails at once (closed port, missing key files): only injected code could act. */
function request(over: Partial<ResolvedRequest['client']> = {}, rest: Partial<ResolvedRequest> = {}): ResolvedRequest {
  return {
    method: 'POST',
    url: 'https://127.0.0.1:9/customers/1',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
    workflow: 'Update Customer',
    environment: 'Production',
    client: { keyName: 'ci', certificate: '/nonexistent/ci.crt', privateKey: '/nonexistent/ci.key', ...over },
    ...rest,
  };
}

async function runs(lang: 'python' | 'javascript' | 'curl', code: string): Promise<void> {
  const dir = scratch('attack');
  dirs.push(dir);
  const [cmd, file] = lang === 'python' ? ['python3', 'invoke.py'] : lang === 'javascript' ? [process.execPath, 'invoke.js'] : ['sh', 'invoke.sh'];
  await run(cmd, [writeProgram(dir, file, code)], { cwd: dir, timeoutMs: 20_000 });
}

describe('codegen: a hostile manifest cannot inject code', function () {
  this.timeout(60_000);

  it('Python: a newline in the key name does not end the comment', async () => {
    const m = marker();
    await runs('python', generate('python', request({ keyName: `ci\nopen(${JSON.stringify(m)}, "w").close()\n` })));
    assert.equal(existsSync(m), false);
  });

  it('Python: "coding: unicode_escape" in a name on line 1 does not turn \\u000a into a newline', async () => {
    const m = marker();
    // The cookie applies from line 2 on: the workflow name (line 2) carries the escaped newline.
    const workflow = `W \\u000aopen(${JSON.stringify(m)}, "w").close()#`;
    const code = generate('python', request({ keyName: 'ci coding: unicode_escape' }, { body: undefined, headers: {}, workflow }));
    await runs('python', code);
    assert.equal(existsSync(m), false);
  });

  it('JavaScript: U+2028 in the key name does not end the // comment', async () => {
    const m = marker();
    await runs('javascript', generate('javascript', request({ keyName: `ci\u2028require("fs").writeFileSync(${JSON.stringify(m)}, "")//` })));
    assert.equal(existsSync(m), false);
  });

  it('curl: a newline in the key name does not end the # comment', async () => {
    const m = marker();
    await runs('curl', generate('curl', request({ keyName: `ci\ntouch '${m}'\n` })));
    assert.equal(existsSync(m), false);
  });

  it("curl: a ' or $(…) in the key name keeps the passphrase check valid shell and inert", async () => {
    const m = marker();
    const code = generate('curl', request({ keyName: `it's "$(touch '${m}')" \`touch '${m}'\` }`, passphraseEnv: 'FG_PASS' }));
    for (const sh of ['sh', 'bash']) assert.equal((await run(sh, ['-n', '-c', code])).code, 0, `${sh} -n`);
    const dir = scratch('attack');
    dirs.push(dir);
    const r = await run('sh', [writeProgram(dir, 'invoke.sh', code)], { env: { FG_PASS: '' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Set FG_PASS to the passphrase of key it's "\$\(touch/);
    assert.equal(existsSync(m), false);
  });

  it('openssl recipes in comments quote the paths they name', async () => {
    const m = marker();
    const pfx = `/nonexistent/ci$(touch '${m}').pfx`;
    for (const lang of ['python', 'go', 'java', 'csharp', 'powershell'] as Language[]) {
      const req = lang === 'python' || lang === 'go' ? request({ pfx, certificate: undefined, privateKey: undefined, passphraseEnv: 'FG_PASS' }) : request({ certificate: `/nonexistent/$(touch '${m}').crt`, passphraseEnv: 'FG_PASS', thumbprint: 'A'.repeat(40) });
      const commands = recipeCommands(generate(lang, req));
      assert.ok(commands.length > 0, `${lang}: names openssl commands`);
      for (const cmd of commands) await run('sh', ['-c', cmd]);
    }
    assert.equal(existsSync(m), false);
  });

  it('passphraseEnv that is not a variable name is refused by every generator', async () => {
    const m = marker();
    const req = request({ passphraseEnv: `X;require('fs').writeFileSync(${JSON.stringify(m)},'')//` });
    for (const lang of LANGUAGES) assert.throws(() => generate(lang, req), (e) => e instanceof UserError && /not an environment variable name/.test(e.message), lang);
    assert.throws(() => generate('javascript', request(), { passphraseEnv: '$(id)' }), UserError);
  });

  it('passphraseEnv that is not a variable name is a manifest error on its value', () => {
    const text = `{\n  "site": "https://acme.flowgear.net",\n  "keys": [{ "name": "ci", "pfx": "ci.pfx", "passphraseEnv": "X;require('fs')//" }]\n}\n`;
    const r = parseManifest(text, '/work/acme/flowgear.json');
    assert.ok(r.ok);
    const p = r.problems.find((x) => /passphraseEnv/.test(x.message));
    assert.ok(p, 'a problem names passphraseEnv');
    assert.equal(p.severity, 'error');
    const line = text.split('\n')[2];
    const at = line.indexOf('"X;');
    assert.deepEqual(p.range, { start: { line: 2, character: at }, end: { line: 2, character: line.indexOf('"', at + 1) + 1 } });
    assert.equal(r.manifest.keys[0].passphraseEnv, undefined);
    const ok = parseManifest(text.replace(`X;require('fs')//`, 'FG_CI_PASS'), '/work/acme/flowgear.json');
    assert.ok(ok.ok && ok.manifest.keys[0].passphraseEnv === 'FG_CI_PASS' && !ok.problems.some((x) => /passphraseEnv/.test(x.message)));
  });

  it('Java: \\u000a in a name stays inside the comment (javac compiles the program)', async function () {
    skipOrFail(this, ['java']);
    const dir = scratch('javac');
    dirs.push(dir);
    const code = generate('java', request({ keyName: 'ci\\u000a}\\u000d}\\\\u000a}' }));
    const src = writeProgram(dir, 'FlowgearInvoke.java', code);
    const r = await run('javac', ['-encoding', 'UTF-8', '-d', join(dir, 'out'), src]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('C#: U+2028 / U+2029 / U+0085 in a name stay inside the comment (csc compiles the program)', function () {
    skipOrFail(this, ['dotnet']);
    const dir = scratch('csc');
    dirs.push(dir);
    const code = generate('csharp', request({ keyName: 'ci\u2028}\u2029}\u0085}' }), { variant: 'pfx' });
    const src = writeProgram(dir, 'FlowgearInvoke.cs', code);
    assert.deepEqual(csharpCheck([src], dir).get(src), {});
  });

  describe('PowerShell (pwsh runs the program)', () => {
    before(function () {
      skipOrFail(this, ['pwsh']);
    });
    async function runPs(code: string) {
      const dir = scratch('ps');
      dirs.push(dir);
      mkdirSync(join(dir, 'home'));
      await run(PWSH, ['-NoProfile', '-NonInteractive', '-File', writeProgram(dir, 'invoke.ps1', code)], { cwd: dir, timeoutMs: 30_000, env: { HOME: join(dir, 'home') } });
    }

    it('typographic single quotes in a string do not end it', async () => {
      const m = marker();
      const body = `'@\n\u2019; New-Item -ItemType File -Path "${m}" | Out-Null; $y = \u2019`;
      await runPs(generate('powershell', request({}, { body }), { variant: 'pfx' }));
      assert.equal(existsSync(m), false);
    });

    it('a body line starting with ’@ does not end the here-string', async () => {
      const m = marker();
      const body = `x\n\u2019@\nNew-Item -ItemType File -Path "${m}" | Out-Null\n@\u2019\ny`;
      await runPs(generate('powershell', request({}, { body }), { variant: 'pfx' }));
      assert.equal(existsSync(m), false);
    });
  });
});
