/**
 * Property (issue 11): generated client code is a program whose only behaviour is the
 * template's, whatever the manifest holds. Seeded hostile strings (line terminators of every
 * language, quotes of every language incl. typographic ones, `${`, `$(`, backticks, `*∕`, `-->`,
 * here-string guards, NUL, lone surrogates, `\u000a` as text, payloads) go into every field that
 * reaches code generation — through flowgear.json (names, site, paths, headers, environment,
 * passphraseEnv, route) and directly into a resolved request (as request files and the command
 * line give it) — for every language and variant. Every program must
 *   1. parse with the language's own parser (python3 ast, V8 + TypeScript, bash -n + dash -n,
 *      gofmt -e, javac's parser, the C# compiler (csc, a full compile), PowerShell's parser), and
 *   2. have the same shape as its twin: the same template generated from plain names (AST node
 *      kinds and names with string literals abstracted; for shell, Go and C# a tokenizer of ours,
 *      shapes.ts). An injected statement changes the shape.
 * The programs are checked in batches (one process per language) to keep the CPU cost low.
 * FLOWGEAR_CODEGEN_SEED / FLOWGEAR_CODEGEN_CASES change the seed / number of requests.
 * Under CI=true a missing parser fails the test, pwsh included (.ci/run installs it); elsewhere
 * a missing one is skipped, and said so.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, LANGUAGE_INFO, LANGUAGES, type Language } from '../../../src/core/codegen';
import { prepareForCodegen } from '../../../src/core/codegen/prepare';
import { isUserError } from '../../../src/core/errors';
import { resolveRequest } from '../../../src/core/invoke/resolve';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { parseManifest } from '../../../src/core/manifest/load';
import type { HttpMethod } from '../../../src/core/manifest/types';
import { removeAll, scratch } from './harness';
import { csharpCheck, goCheck, javaParse, jsParse, powershellParse, pythonParse, roslyn, shellCheck, type Parsed } from './parsers';
import { missing, PWSH } from './runners';
import { cShape, shellShape, ShapeError } from './shapes';

const SEED = Number(process.env.FLOWGEAR_CODEGEN_SEED ?? 20261202);
const REQUESTS = Number(process.env.FLOWGEAR_CODEGEN_CASES ?? 200);

/** mulberry32: small, seeded, good enough to pick test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces of hostile strings: what ends comments and strings somewhere, and payloads. */
const ATOMS = [
  '\n', '\r', '\r\n', '\u0085', '\u2028', '\u2029', '\u000b', '\u000c', '\t', '\0', '\u001b[31m', '\u007f', '\u009b', '\u202e', '\u2066', '\u200b', '\ufeff',
  "'", '"', '`', '\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\u201e', '"""', "'''", '\\', '\\\\', '\\\n',
  '${', '$(', '$', '${IFS}', '$HOME', '#{', '#', '//', '/*', '*/', '-->', '<!--', '<#', '#>', "@'", "'@", '@"', '"@', '\u2019@', '@\u2019', '\u201c@',
  '\\u000a', '\\u000d', '\\u0022', '\\u0027', '\\u002a/', '\\x0a', '\\n', '%s', '%n', '{{', '}}', '{', '}', '(', ')', ';', '|', '&', '&&', '||', '<', '>', '[', ']',
  'coding: unicode_escape', ' -*- coding: utf-7 -*- ', '+AAo-', '\ud800', '\udfff', '\ud83d\ude00', 'Z\u00fcrich', '\u2615',
  '\nrequire("fs").writeFileSync("pwned","")\n', '\u2028require("fs").writeFileSync("pwned","")//', '";require("fs").writeFileSync("pwned","");"',
  "';require('fs').writeFileSync('pwned','');'", '`;require("fs").writeFileSync("pwned","");`', '${require("fs").writeFileSync("pwned","")}',
  '\nopen("pwned","w")\n', '" + __import__("os").system("touch pwned") + "', '"""; __import__("os").system("touch pwned"); """',
  '\ntouch pwned\n', "'; touch pwned; '", '"; touch pwned; "', '$(touch pwned)', '`touch pwned`',
  '\\u000a}\\u000aclass Pwned {', '"); Runtime.getRuntime().exec("touch pwned"); ("', '\u2028} class Pwned {', '"); System.IO.File.Create("pwned"); ("',
  '\n}\nfunc init() { os.Create("pwned") }\n', '"+os.Getenv("X")+"',
  "'; New-Item pwned; '", "\u2019; New-Item pwned; \u2019", '\n\u2019@\nNew-Item pwned\n@\u2019\n', "\n'@\nNew-Item pwned\n@'\n", '$(New-Item pwned)', '`n',
];
const WORDS = ['ci', 'Update Customer', 'Test', 'acme', 'x', 'C-42', 'O\u2019Brien', 'key name', 'a.b'];
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

class Gen {
  readonly r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  hostile(): string {
    const n = 1 + Math.floor(this.r() * 5);
    let s = '';
    for (let i = 0; i < n; i++) s += this.chance(0.3) ? this.pick(WORDS) : this.pick(ATOMS);
    return s;
  }
  path(ext: string): string {
    return `${this.chance(0.5) ? '' : '/'}${this.hostile()}${ext}`;
  }
}

/** A manifest whose every string field is hostile, loaded, resolved and prepared as `code` does. */
function viaManifest(g: Gen): ResolvedRequest | string {
  const keyName = g.hostile();
  const wfName = g.hostile();
  const envName = g.hostile();
  const pfx = g.chance(0.4);
  const headers: Record<string, string> = { [g.hostile()]: g.hostile() };
  if (g.chance(0.5)) headers[g.pick(['Content-Type', 'content-length', 'Content-X', 'Host', 'X-Provide-Client-Certificate'])] = g.hostile();
  const manifest = {
    site: 'https://acme.flowgear.net' + (g.chance(0.3) ? '/' + g.hostile() : ''),
    ...(g.chance(0.2) ? { ca: g.path('.crt') } : {}),
    environments: [
      {
        name: envName,
        ...(g.chance(0.3) ? { baseUrl: `https://${g.pick(['e', 'x-y'])}.flowgear.io/${g.hostile()}` } : {}),
        ...(g.chance(0.3) ? { ca: g.path('.crt') } : {}),
        ...(g.chance(0.2) ? { insecure: true } : {}),
        ...(g.chance(0.2) ? { tlsMaxVersion: 'TLSv1.2' } : {}),
      },
    ],
    workflows: [{ name: wfName, method: g.pick(METHODS), path: `/${g.hostile()}/{id}${g.chance(0.3) ? '?q={q}&' + g.hostile() : ''}`, headers }],
    keys: [
      {
        name: keyName,
        ...(g.chance(0.6) ? { environment: envName } : {}),
        ...(pfx ? { pfx: g.path('.pfx') } : { certificate: g.path('.crt'), privateKey: g.path('.key') }),
        ...(g.chance(0.4) ? { thumbprint: '3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F' } : {}),
        ...(g.chance(0.5) ? { passphraseEnv: g.chance(0.5) ? g.hostile() : 'FG_PASS' } : {}),
        permittedWorkflows: [wfName],
      },
    ],
  };
  const loaded = parseManifest(JSON.stringify(manifest, null, 2), '/nonexistent-fg-property/flowgear.json');
  if (!loaded.ok) return 'manifest refused';
  try {
    const req = resolveRequest(loaded.manifest, {
      workflow: wfName,
      key: keyName,
      environment: g.chance(0.5) ? envName : undefined,
      vars: { id: g.hostile(), q: g.hostile() },
      headers: g.chance(0.5) ? { [g.hostile()]: g.hostile() } : undefined,
      body: g.chance(0.8) ? g.hostile() : undefined,
    });
    return prepareForCodegen(req, loaded.manifest);
  } catch (e) {
    if (isUserError(e)) return 'resolve refused';
    throw e;
  }
}

/** A resolved request with raw hostile strings everywhere (request files, CLI flags, API callers). */
function direct(g: Gen): ResolvedRequest {
  const pfx = g.chance(0.4);
  const headers: Record<string, string> = {};
  for (let i = 0; i < 1 + Math.floor(g.r() * 3); i++) headers[g.hostile()] = g.hostile();
  if (g.chance(0.5)) headers[g.pick(['Content-Type', 'content-encoding', 'Connection', 'expect'])] = g.hostile();
  const profile = g.chance(0.5) ? g.hostile() : undefined;
  return {
    method: g.pick(METHODS),
    url: g.hostile(),
    headers,
    ...(g.chance(0.8) ? { body: g.hostile() } : {}),
    ...(g.chance(0.8) ? { workflow: g.hostile() } : {}),
    environment: g.hostile(),
    ...(profile !== undefined ? { profile } : {}),
    client: {
      keyName: g.hostile(),
      ...(pfx ? { pfx: g.path('.p12') } : { certificate: g.path('.pem'), privateKey: g.path('.key') }),
      ...(g.chance(0.5) ? { thumbprint: 'A'.repeat(40) } : {}),
      ...(g.chance(0.6) ? { passphraseEnv: g.pick(['FG_PASS', '_x1', 'FLOWGEAR_PASSPHRASE_CI']) } : {}),
    },
    ...(g.chance(0.3) ? { ca: g.path('.crt') } : {}),
    ...(g.chance(0.2) ? { insecure: true } : {}),
    ...(g.chance(0.2) ? { tlsMaxVersion: g.pick(['TLSv1.2', 'TLSv1.3'] as const) } : {}),
  };
}

/** Headers whose NAME decides what a template does (skipped, or sent as content headers). */
function plainHeaderName(name: string, i: number): string {
  if (/^[A-Za-z0-9-]+$/.test(name)) return name;
  return name.toLowerCase().startsWith('content-') ? `Content-P${i}` : `X-P${i}`;
}

/** The same request with every free-text string replaced by a plain one; what steers the template is kept. */
function twinOf(req: ResolvedRequest): ResolvedRequest {
  const c = req.client;
  return {
    ...req,
    url: 'https://acme.flowgear.net/p',
    headers: Object.fromEntries(Object.entries(req.headers).map(([k], i) => [plainHeaderName(k, i), `v${i}`])),
    ...(req.body !== undefined ? { body: 'b' } : {}),
    ...(req.workflow !== undefined ? { workflow: 'W' } : {}),
    environment: 'E',
    ...(req.profile !== undefined ? { profile: 'E' } : {}),
    client: {
      ...c,
      keyName: 'K',
      ...(c.certificate !== undefined ? { certificate: '/p/c.crt' } : {}),
      ...(c.privateKey !== undefined ? { privateKey: '/p/c.key' } : {}),
      ...(c.pfx !== undefined ? { pfx: '/p/c.pfx' } : {}),
    },
    ...(req.ca !== undefined ? { ca: '/p/ca.crt' } : {}),
  };
}

const EXT: Record<Language, string> = { csharp: 'cs', powershell: 'ps1', javascript: 'js', typescript: 'ts', python: 'py', java: 'java', go: 'go', curl: 'sh' };
/** Every variant; the key-decided default too where it differs by key (C#, PowerShell). */
const variantsOf = (lang: Language): (string | undefined)[] => {
  const ids = LANGUAGE_INFO[lang].variants.map((v) => v.id);
  return lang === 'csharp' || lang === 'powershell' || ids.length === 0 ? [undefined, ...ids] : ids;
};
/** Refusals a template may give for a hostile request (and its twin gives too, or the input explains). */
const REFUSALS = new Set(['codegen-nul', 'codegen-no-thumbprint']);

interface Program {
  lang: Language;
  variant?: string;
  index: number;
  file: string;
  code: string;
  twinFile: string;
  twinCode: string;
  req: ResolvedRequest;
}

describe('codegen: property — hostile manifests generate only the template (seeded)', function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  after(() => removeAll(dirs));

  it(`${REQUESTS} hostile requests × every language and variant parse and keep the template's shape (seed ${SEED})`, function () {
    const ci = process.env.CI === 'true';
    const have = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
    const available: Record<string, boolean> = {
      python: have('python3', ['--version']),
      go: spawnSync('gofmt', ['-e'], { input: 'package p\n', stdio: ['pipe', 'ignore', 'ignore'] }).status === 0,
      java: have('java', ['-version']),
      csharp: roslyn() !== undefined,
      curl: have('bash', ['--version']) && have('dash', ['-c', 'true']),
      powershell: missing(['pwsh']).length === 0,
    };
    const absent = Object.entries(available).filter(([, ok]) => !ok).map(([k]) => k);
    if (absent.length && ci) assert.fail(`parsers missing under CI: ${absent.join(', ')}`);
    if (absent.length) console.log(`      property: SKIPPED for ${absent.join(', ')} (parser not installed)`);

    const dir = scratch('property');
    dirs.push(dir);
    const g = new Gen(SEED);
    const programs: Program[] = [];
    const failures: string[] = [];
    const twins = new Map<string, string>();
    const counts = { requests: 0, manifestRefused: 0, resolveRefused: 0, refusedByTemplate: 0 };
    for (const lang of LANGUAGES) mkdirSync(join(dir, lang));

    for (let index = 0; index < REQUESTS; index++) {
      const made = index % 2 === 0 ? viaManifest(g) : direct(g);
      if (typeof made === 'string') {
        if (made === 'manifest refused') counts.manifestRefused++;
        else counts.resolveRefused++;
        continue;
      }
      counts.requests++;
      const twin = twinOf(made);
      for (const lang of LANGUAGES) {
        for (const variant of variantsOf(lang)) {
          const where = `${lang}${variant ? `/${variant}` : ''} request #${index} (seed ${SEED})`;
          let code: string;
          try {
            code = generate(lang, made, { variant });
          } catch (e) {
            const code = isUserError(e) ? e.code : undefined;
            const explained = code === 'codegen-nul' ? JSON.stringify(made).includes('\\u0000') : code !== undefined && REFUSALS.has(code);
            if (!explained) failures.push(`${where}: generate threw ${String(e)}\n  ${JSON.stringify(made)}`);
            else counts.refusedByTemplate++;
            continue;
          }
          const twinCode = generate(lang, twin, { variant });
          let twinFile = twins.get(twinCode);
          if (!twinFile) {
            twinFile = join(dir, lang, `t${twins.size}.${EXT[lang]}`);
            writeFileSync(twinFile, twinCode);
            twins.set(twinCode, twinFile);
          }
          const file = join(dir, lang, `h${programs.length}.${EXT[lang]}`);
          writeFileSync(file, code);
          programs.push({ lang, variant, index, file, code, twinFile, twinCode, req: made });
        }
      }
    }

    // One batch per language: its parser's verdict (and shape, where it gives one) per file.
    const byLang = (lang: Language) => programs.filter((p) => p.lang === lang);
    const filesOf = (lang: Language) => [...new Set(byLang(lang).flatMap((p) => [p.file, p.twinFile]))];
    const results = new Map<string, Parsed>();
    const timings: string[] = [];
    const timed = (what: string, f: () => Map<string, Parsed> | void) => {
      const t0 = process.cpuUsage();
      const w0 = Date.now();
      const m = f();
      if (m) for (const [k, v] of m) results.set(k, v);
      const cpu = process.cpuUsage(t0);
      timings.push(`${what} ${((Date.now() - w0) / 1000).toFixed(1)}s wall/${((cpu.user + cpu.system) / 1e6).toFixed(1)}s node cpu`);
    };
    const checked = new Set<Language>(['javascript', 'typescript']);
    timed('js+ts', () => {
      for (const lang of ['javascript', 'typescript'] as const) {
        for (const p of byLang(lang)) {
          results.set(p.file, jsParse(p.code, p.file, lang === 'typescript'));
          if (!results.has(p.twinFile)) results.set(p.twinFile, jsParse(p.twinCode, p.twinFile, lang === 'typescript'));
        }
      }
    });
    if (available.python) checked.add('python'), timed('python', () => pythonParse(filesOf('python'), join(dir, 'python.list')));
    if (available.curl) checked.add('curl'), timed('sh', () => shellCheck(filesOf('curl'), join(dir, 'sh.list')));
    if (available.go) checked.add('go'), timed('go', () => goCheck(filesOf('go'), join(dir, 'go')));
    if (available.java) checked.add('java'), timed('java', () => javaParse(filesOf('java'), join(dir, 'java.list')));
    if (available.powershell) checked.add('powershell'), timed('pwsh', () => powershellParse(PWSH, filesOf('powershell'), join(dir, 'ps.list')));
    // Tokenizer shapes before csharpCheck rewrites the C# files (it wraps each in a namespace).
    const ownShape = (p: { lang: Language }, code: string): string | { error: string } => {
      try {
        if (p.lang === 'curl') return shellShape(code).join(' ');
        if (p.lang === 'go' || p.lang === 'csharp') return cShape(code, p.lang).join(' ');
      } catch (e) {
        if (e instanceof ShapeError) return { error: `shape tokenizer: ${e.message}` };
        throw e;
      }
      return '';
    };
    const shapes = new Map<string, string | { error: string }>();
    for (const p of programs) {
      shapes.set(p.file, ownShape(p, p.code));
      if (!shapes.has(p.twinFile)) shapes.set(p.twinFile, ownShape(p, p.twinCode));
    }
    // csc compiles (binds, not only parses): costly, so only the hostile programs go through it;
    // their twins' shape comes from the tokenizer, and csharp.test.ts builds the template itself.
    if (available.csharp) {
      checked.add('csharp');
      timed('csc', () => csharpCheck(byLang('csharp').map((p) => p.file), join(dir, 'csharp')));
      for (const p of byLang('csharp')) results.set(p.twinFile, {});
    }

    for (const p of programs) {
      if (!checked.has(p.lang)) continue;
      const where = `${p.lang}${p.variant ? `/${p.variant}` : ''} request #${p.index} (seed ${SEED})`;
      const twinParsed = results.get(p.twinFile);
      const parsed = results.get(p.file);
      if (!parsed || !twinParsed) throw new Error(`no parser result for ${p.file}`);
      if (twinParsed.error) {
        failures.push(`${where}: the plain twin does not parse: ${twinParsed.error}\n  ${p.twinFile}`);
        continue;
      }
      if (parsed.error) {
        failures.push(`${where}: does not parse: ${parsed.error}\n  ${JSON.stringify(p.req)}\n  ${p.file}`);
        continue;
      }
      if (parsed.shape !== undefined && parsed.shape !== twinParsed.shape) {
        failures.push(`${where}: parser's shape differs from the plain template's\n  ${JSON.stringify(p.req)}\n  ${p.file} vs ${p.twinFile}`);
        continue;
      }
      const own = shapes.get(p.file);
      const ownTwin = shapes.get(p.twinFile);
      if (typeof own === 'object') failures.push(`${where}: ${own.error}\n  ${JSON.stringify(p.req)}`);
      else if (typeof ownTwin === 'object') failures.push(`${where}: twin: ${ownTwin.error}`);
      else if (own !== ownTwin) failures.push(`${where}: token shape differs from the plain template's\n  ${JSON.stringify(p.req)}\n  ${p.file} vs ${p.twinFile}`);
    }

    const n = programs.filter((p) => checked.has(p.lang)).length;
    console.log(`      property: ${n} hostile programs checked (+${twins.size} plain twins) from ${counts.requests} requests; refused: ${counts.manifestRefused} by the manifest loader, ${counts.resolveRefused} by resolve, ${counts.refusedByTemplate} by a template (NUL on a command line, no thumbprint)`);
    console.log(`      property: ${timings.join('; ')}`);
    if (failures.length || process.env.FLOWGEAR_CODEGEN_KEEP) dirs.pop(); // keep the programs for a look
    const tally = new Map<string, number>();
    for (const f of failures) {
      const key = `${f.split(' ')[0].split('/')[0]}: ${/does not parse|shape differs|twin|threw|tokenizer/.exec(f)?.[0] ?? 'other'}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const summary = [...tally].map(([k, v]) => `${k} ×${v}`).join(', ');
    assert.equal(failures.length, 0, `${failures.length} failures (${summary}), first ones:\n${failures.slice(0, 6).join('\n')}`);
    assert.ok(n > 1000, `only ${n} programs checked`);
  });
});
