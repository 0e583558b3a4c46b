/**
 * The `fg…` snippets: well-formed and contributed per language in package.json, and every
 * snippet body, instantiated with sample values, runs against the emulator with the real
 * toolchain (the ones that need Windows — certificate store, PowerShell — are checked as text).
 * Snippets rely on system trust, so the emulator's CA is trusted the platform's way.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOutput, PASSPHRASE, removeAll, startWorld, type CodegenWorld, type RunResult } from './harness';
import { execute, missing, type Runtime } from './runners';

const ROOT = process.cwd();
interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
const contributed = pkg.contributes.snippets ?? [];
const files = contributed.map((c) => ({ ...c, snippets: JSON.parse(readFileSync(join(ROOT, c.path), 'utf8')) as Record<string, Snippet> }));

/**
 * Expands a snippet body as VS Code would when the user accepts every placeholder, except that
 * placeholders whose default text is in `values` get that value. Escapes: \$ \} \\.
 */
export function instantiate(body: string, values: Record<string, string>): string {
  let out = '';
  const defaults = new Map<string, string>();
  for (let i = 0; i < body.length; ) {
    const rest = body.slice(i);
    if (rest[0] === '\\' && rest.length > 1 && '$}\\'.includes(rest[1])) {
      out += rest[1];
      i += 2;
      continue;
    }
    if (rest[0] === '$') {
      const m = /^\$\{(\d+):([^${}]*)\}/.exec(rest) ?? /^\$\{(\d+)\|([^,|]*)[^|]*\|\}/.exec(rest);
      if (m) {
        // A tab stop repeated must repeat its default (VS Code mirrors the first one).
        if (defaults.has(m[1])) assert.equal(m[2], defaults.get(m[1]), `tab stop $${m[1]} has two defaults`);
        defaults.set(m[1], m[2]);
        out += values[m[2]] ?? m[2];
        i += m[0].length;
        continue;
      }
      const end = /^\$(\d+)|^\$\{(\d+)\}/.exec(rest);
      if (end) {
        i += end[0].length;
        continue;
      }
      throw new Error(`unescaped $ in snippet at …${rest.slice(0, 30)}`);
    }
    out += rest[0];
    i++;
  }
  return out;
}

/** How each snippet is checked: which runner, and what it needs. */
function plan(language: string, prefix: string): { runner?: 'csharp' | 'javascript' | 'typescript' | 'python' | 'java' | 'go' | 'shellscript'; needs: Runtime[]; compileOnly?: boolean; mono?: boolean } {
  switch (language) {
    case 'csharp':
      return prefix === 'fginvoke-pfx' ? { runner: 'csharp', needs: ['mcs', 'mono'], mono: true } : { runner: 'csharp', needs: ['mcs'], compileOnly: true };
    case 'powershell':
      return { needs: [] };
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
    const all = files.flatMap((f) => Object.values(f.snippets).map((s) => ({ language: f.language, snippet: s, plan: plan(f.language, s.prefix) })));
    const skipped = [...new Set(all.flatMap((a) => missing(a.plan.needs)))];

    before(async () => {
      world = await startWorld('renegotiate');
      if (skipped.length) console.log(`      snippets: skipped (runtime missing): ${skipped.join(', ')}`);
      const ci = world.fx.keys.ci;
      for (const a of all) {
        // Mono: legacy PFX and a host name (see run.test.ts).
        const values = {
          'https://acme.flowgear.net': a.plan.mono ? world.emu.url.replace('127.0.0.1', 'localhost') : world.emu.url,
          'client.crt': ci.certificate,
          'client.key': ci.privateKey,
          'client.pfx': a.plan.mono ? world.ciLegacyPfx : world.ciPfx,
          THUMBPRINT: ci.thumbprint,
          'KEY NAME': 'ci',
        };
        const text = instantiate(a.snippet.body.join('\n'), values);
        const key = `${a.language} ${a.snippet.prefix}`;
        if (!a.plan.runner || missing(a.plan.needs).length) {
          results.set(key, Promise.resolve({ text }));
          continue;
        }
        const env = { FLOWGEAR_PASSPHRASE: PASSPHRASE };
        results.set(key, execute(a.plan.runner, text, dirs, { ca: world.emu.caPath, systemTrust: true, compileOnly: a.plan.compileOnly, env }).then((result) => ({ text, result })));
      }
    });
    after(async () => {
      await Promise.allSettled(results.values());
      await world?.close();
      removeAll(dirs);
    });

    for (const a of all) {
      it(`${a.language} ${a.snippet.prefix}`, async function () {
        const { text, result } = await results.get(`${a.language} ${a.snippet.prefix}`)!;
        assert.ok(!/\$\{?\d/.test(text.replace(/\$\{(res|err)[.\w?]*\}/g, '')), 'every placeholder was filled');
        if (!a.plan.runner) {
          // Windows-only (certificate store, PowerShell): check the instantiated text.
          assert.ok(text.includes(world.emu.url + '/customers/42?_profile=Test'), text);
          if (a.language === 'powershell') {
            assert.match(text, /^#Requires -Version 7/);
            assert.match(text, a.snippet.prefix === 'fginvoke' ? new RegExp(`CertificateThumbprint = '${world.fx.keys.ci.thumbprint}'`) : /Get-PfxCertificate -FilePath '[^']+ci\.pfx' -Password \$secure/);
            assert.match(text, /SkipHttpErrorCheck = \$true/);
          } else {
            assert.ok(text.includes(`--cert 'CurrentUser\\MY\\${world.fx.keys.ci.thumbprint}'`), text);
          }
          return;
        }
        if (!result) return this.skip();
        const detail = `exit ${result.code}\nstdout: ${result.stdout.slice(0, 1500)}\nstderr: ${result.stderr.slice(0, 1500)}\n--- program ---\n${text}`;
        assert.equal(result.code, 0, detail);
        if (a.plan.compileOnly) return;
        const out = parseOutput(result.stdout);
        if (a.plan.mono && out.status === 404) {
          assert.match(result.stderr, /^Flowgear: The requested resource does not exist/m, detail);
          return;
        }
        assert.equal(out.status, 200, detail);
        assert.match(out.body, /"FgUsername":\s*"Key: ci"/, detail);
        assert.match(out.body, /"FgProfile":\s*"Test"/, detail);
        assert.match(out.body, /"id":\s*"42"/, detail);
      });
    }
  });
});
