/**
 * The `fg…` snippets: well-formed and contributed per language in package.json, and every
 * snippet body, instantiated with sample values, runs against the emulator with the real
 * toolchain (curl's Windows certificate store is checked as text; C# and PowerShell snippets
 * run in csharp.test.ts and powershell.test.ts).
 * Snippets rely on system trust, so the emulator's CA is trusted the platform's way.
 */
import * as assert from 'node:assert/strict';
import { assertInvoked, PASSPHRASE, removeAll, startWorld, type CodegenWorld, type RunResult } from './harness';
import { execute, missing, skipNotice, skipOrFail, type Runtime } from './runners';
import { contributed, expand, snippetFiles as files, snippetValues } from './snippet-expand';

/** How each snippet is checked: which runner, and what it needs. */
function plan(language: string, prefix: string): { runner?: 'javascript' | 'typescript' | 'python' | 'java' | 'go' | 'shellscript'; needs: Runtime[] } {
  switch (language) {
    case 'shellscript':
      return prefix === 'fgcurl-store' ? { needs: [] } : { runner: 'shellscript', needs: ['curl'] };
    case 'python':
      return { runner: 'python', needs: prefix === 'fginvoke' ? ['python', 'requests'] : ['python'] };
    case 'java':
      return { runner: 'java', needs: ['java', 'keytool'] };
    case 'go':
      return { runner: 'go', needs: ['go'] };
    case 'javascript':
    case 'typescript':
      return { runner: language, needs: ['node'] };
    default:
      throw new Error(`no plan for ${language}`);
  }
}

describe('codegen: snippets', function () {
  this.timeout(180_000);

  it('are contributed for C#, PowerShell, JS, TS, Python, Java, Go and shell, all prefixed fg', () => {
    assert.deepEqual(contributed.map((c) => c.language).sort(), ['csharp', 'go', 'java', 'javascript', 'powershell', 'python', 'shellscript', 'typescript']);
    for (const f of files) {
      const list = Object.values(f.snippets);
      assert.ok(list.length > 0, f.path);
      for (const s of list) {
        assert.match(s.prefix, /^fg[a-z0-9-]+$/, `${f.path}: ${s.prefix}`);
        assert.ok(s.description.length > 10 && Array.isArray(s.body) && s.body.length > 3, `${f.path}: ${s.prefix}`);
        const text = s.body.join('\n');
        assert.match(text, /\$\{4:KEY NAME\}/, `${s.prefix} names the key in a comment`);
        assert.match(text, /X-Provide-Client-Certificate/, `${s.prefix} sends Flowgear's certificate header`);
        assert.ok(!/PRIVATE KEY-----/.test(text), 'no key material');
      }
      const prefixes = list.map((s) => s.prefix);
      assert.equal(new Set(prefixes).size, prefixes.length, `${f.path}: duplicate prefixes`);
    }
  });

  describe('instantiated with sample values, run against the emulator', () => {
    let world: CodegenWorld;
    const dirs: string[] = [];
    const results = new Map<string, Promise<{ text: string; result?: RunResult }>>();
    // C# and PowerShell snippets are compiled and run in csharp.test.ts and powershell.test.ts.
    const all = files.filter((f) => f.language !== 'csharp' && f.language !== 'powershell')
      .flatMap((f) => Object.values(f.snippets).map((s) => ({ language: f.language, snippet: s, plan: plan(f.language, s.prefix) })));
    skipNotice('snippets', [...new Set(all.flatMap((a) => a.plan.needs))]);

    before(async () => {
      world = await startWorld('renegotiate');
      for (const a of all) {
        const text = expand(a.snippet, snippetValues(world));
        const key = `${a.language} ${a.snippet.prefix}`;
        if (!a.plan.runner || missing(a.plan.needs).length) {
          results.set(key, Promise.resolve({ text }));
          continue;
        }
        const env = { FLOWGEAR_PASSPHRASE: PASSPHRASE };
        results.set(key, execute(a.plan.runner, text, dirs, { ca: world.emu.caPath, systemTrust: true, env }).then((result) => ({ text, result })));
      }
    });
    after(async () => {
      await Promise.allSettled(results.values());
      await world?.close();
      removeAll(dirs);
    });

    for (const a of all) {
      it(`${a.language} ${a.snippet.prefix}`, async function () {
        skipOrFail(this, a.plan.needs);
        const { text, result } = await results.get(`${a.language} ${a.snippet.prefix}`)!;
        if (!a.plan.runner) {
          // Windows-only (curl's Schannel certificate store): check the instantiated text.
          assert.ok(text.includes(world.emu.url + '/customers/42?_profile=Test'), text);
          assert.ok(text.includes(`--cert 'CurrentUser\\MY\\${world.fx.keys.ci.thumbprint}'`), text);
          return;
        }
        assertInvoked(result!, { key: 'ci', profile: 'Test', id: '42' }, text);
      });
    }
  });
});
