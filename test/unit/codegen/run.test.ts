/**
 * Runs the code each generator writes, with the language's real toolchain, against the local
 * emulator (renegotiation mode: the certificate is requested after the request, as Flowgear's
 * `X-Provide-Client-Certificate` suggests). Asserts the emulator saw the right key and
 * environment and the path variable and body arrived. A missing runtime fails the run in CI and
 * is skipped with a visible reason elsewhere.
 */
import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { generate, type CodegenOptions, type Language } from '../../../src/core/codegen';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { echoed, isolatedCopy, parseOutput, PASS_ENV, run, runRecipe, scratch, TRICKY_BODY, removeAll, writeProgram, startWorld, withKey, withPfx, type CodegenWorld, type RunResult } from './harness';
import { execute, missing, skipNotice, skipOrFail, type Runtime } from './runners';

interface Case {
  name: string;
  lang: Language;
  opts?: CodegenOptions;
  request(w: CodegenWorld): ResolvedRequest;
  key: string;
  profile: string;
  /** Run the openssl commands of the program's header comment first, as its user would. */
  recipe?: boolean;
}

const ci = (w: CodegenWorld) => w.resolve({});
const insecure = (r: ResolvedRequest): ResolvedRequest => ({ ...r, ca: undefined, insecure: true, tlsMaxVersion: 'TLSv1.2' });
const rsa = (w: CodegenWorld) => w.resolve({ key: 'rsa' });

const CASES: (Case & { needs: Runtime[] })[] = [
  { name: 'curl, PEM files', lang: 'curl', request: ci, key: 'ci', profile: 'Test', needs: ['curl'] },
  { name: 'curl, PFX + passphrase from env', lang: 'curl', request: (w) => withPfx(rsa(w), w.pfx), key: 'rsa', profile: 'Production', needs: ['curl'] },
  { name: 'curl, encrypted PEM key', lang: 'curl', request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production', needs: ['curl'] },
  { name: 'JavaScript node:https, PEM', lang: 'javascript', request: ci, key: 'ci', profile: 'Test', needs: ['node'] },
  { name: 'JavaScript undici, PFX', lang: 'javascript', opts: { variant: 'undici' }, request: (w) => withPfx(rsa(w), w.pfx), key: 'rsa', profile: 'Production', needs: ['node'] },
  { name: 'TypeScript node:https, encrypted key', lang: 'typescript', request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production', needs: ['node'] },
  { name: 'TypeScript undici, PEM', lang: 'typescript', opts: { variant: 'undici' }, request: ci, key: 'ci', profile: 'Test', needs: ['node'] },
  { name: 'Python http.client, PEM', lang: 'python', request: ci, key: 'ci', profile: 'Test', needs: ['python'] },
  { name: 'Python http.client, encrypted key', lang: 'python', request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production', needs: ['python'] },
  { name: 'Python requests, PEM', lang: 'python', opts: { variant: 'requests' }, request: ci, key: 'ci', profile: 'Test', needs: ['python', 'requests'] },
  { name: 'Python requests, encrypted key', lang: 'python', opts: { variant: 'requests' }, request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production', needs: ['python', 'requests'] },
  { name: 'Java, EC PKCS#8 PEM', lang: 'java', request: ci, key: 'ci', profile: 'Test', needs: ['java'] },
  { name: 'Java, RSA PKCS#1 PEM', lang: 'java', request: (w) => withKey(rsa(w), w.pkcs1Key), key: 'rsa', profile: 'Production', needs: ['java'] },
  { name: 'Java, PFX + passphrase', lang: 'java', request: (w) => withPfx(rsa(w), w.pfx), key: 'rsa', profile: 'Production', needs: ['java'] },
  { name: 'Go, PEM', lang: 'go', request: ci, key: 'ci', profile: 'Test', needs: ['go'] },
  { name: 'Python http.client, PFX after the openssl commands in its comment', lang: 'python', request: (w) => withPfx(rsa(w), isolatedCopy(w.pfx, dirs)), key: 'rsa', profile: 'Production', recipe: true, needs: ['python'] },
  { name: 'Go, PFX after the openssl commands in its comment', lang: 'go', request: (w) => withPfx(rsa(w), isolatedCopy(w.pfx, dirs)), key: 'rsa', profile: 'Production', recipe: true, needs: ['go'] },
  { name: 'Java, encrypted PEM key after the openssl command in its comment', lang: 'java', request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production', recipe: true, needs: ['java'] },
  { name: 'Go, insecure + TLS 1.2 cap', lang: 'go', request: (w) => insecure(rsa(w)), key: 'rsa', profile: 'Production', needs: ['go'] },
  { name: 'curl, insecure + TLS 1.2 cap', lang: 'curl', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['curl'] },
  { name: 'JavaScript undici, insecure + TLS 1.2 cap', lang: 'javascript', opts: { variant: 'undici' }, request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['node'] },
  { name: 'Python http.client, insecure + TLS 1.2 cap', lang: 'python', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['python'] },
  { name: 'Java, insecure + TLS 1.2 cap', lang: 'java', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['java'] },
  // C# and PowerShell: csharp.test.ts and powershell.test.ts (one dotnet build; pwsh), both modes.
];

const dirs: string[] = [];

describe('codegen: generated code runs against the emulator', function () {
  this.timeout(180_000);
  let world: CodegenWorld;
  const results = new Map<string, Promise<RunResult>>();
  skipNotice('codegen', [...new Set(CASES.flatMap((c) => c.needs))]);

  before(async function () {
    world = await startWorld('renegotiate');
    // Start every program at once: compile/JVM start-up overlap instead of adding up.
    for (const c of CASES) {
      if (missing(c.needs).length) continue;
      const req = c.request(world);
      const code = generate(c.lang, req, c.opts);
      const prepared = c.recipe ? runRecipe(code) : Promise.resolve(undefined);
      results.set(c.name, prepared.then((failed) => failed ?? execute(c.lang, code, dirs, { ca: req.ca })));
    }
  });
  after(async () => {
    await Promise.allSettled(results.values());
    await world?.close();
    removeAll(dirs.splice(0));
  });

  for (const c of CASES) {
    it(c.name, async function () {
      skipOrFail(this, c.needs);
      const r = await results.get(c.name)!;
      const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
      assert.equal(r.code, 0, detail);
      const out = parseOutput(r.stdout);
      assert.equal(out.status, 200, detail);
      assert.match(out.body, new RegExp(`"FgUsername":\\s*"Key: ${c.key}"`), detail);
      assert.match(out.body, new RegExp(`"FgProfile":\\s*"${c.profile}"`), detail);
      assert.match(out.body, /"id":\s*"C-42"/, detail);
      assert.equal(echoed(r.stdout)?.body, TRICKY_BODY, `the body arrived byte for byte\n${detail}`);
    });
  }
});

/**
 * The same code against a server that asks for the certificate in the handshake (TLS 1.3
 * allowed), so turning tickets off and accepting renegotiation costs nothing there.
 */
describe('codegen: generated code, certificate requested in the handshake (TLS 1.3)', function () {
  this.timeout(180_000);
  const langs: { lang: Language; needs: Runtime[] }[] = [
    { lang: 'curl', needs: ['curl'] }, { lang: 'javascript', needs: ['node'] }, { lang: 'python', needs: ['python'] },
    { lang: 'java', needs: ['java'] }, { lang: 'go', needs: ['go'] },
  ];
  let world: CodegenWorld;
  const results = new Map<Language, Promise<RunResult>>();
  before(async () => {
    world = await startWorld('handshake');
    for (const l of langs) {
      if (missing(l.needs).length) continue;
      const req = world.resolve({});
      results.set(l.lang, execute(l.lang, generate(l.lang, req), dirs, { ca: req.ca }));
    }
  });
  after(async () => {
    await Promise.allSettled(results.values());
    await world?.close();
    removeAll(dirs.splice(0));
  });
  for (const l of langs) {
    it(l.lang, async function () {
      skipOrFail(this, l.needs);
      const r = await results.get(l.lang)!;
      const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;
      assert.equal(r.code, 0, detail);
      assert.equal(parseOutput(r.stdout).status, 200, detail);
      assert.match(r.stdout, /"FgUsername":\s*"Key: ci"/, detail);
      assert.equal(echoed(r.stdout)?.body, TRICKY_BODY, detail);
    });
  }
});

describe('codegen: generated TypeScript type-checks (tsc --strict, @types/node, undici types)', function () {
  this.timeout(120_000);
  it('both variants, with CA, insecure, TLS cap, PFX and passphrase', async () => {
    const dir = scratch('tsc');
    dirs.push(dir);
    const nodeModules = join(process.cwd(), 'node_modules');
    symlinkSync(nodeModules, join(dir, 'node_modules'));
    const req: ResolvedRequest = {
      method: 'POST', url: 'https://acme.flowgear.net/orders?_profile=Test', headers: { 'Content-Type': 'application/json' }, body: TRICKY_BODY,
      environment: 'Test', client: { keyName: 'ci', certificate: '/k/ci.crt', privateKey: '/k/ci.key', passphraseEnv: PASS_ENV }, ca: '/k/ca.crt', insecure: true, tlsMaxVersion: 'TLSv1.2',
    };
    writeProgram(dir, 'https.ts', generate('typescript', req));
    writeProgram(dir, 'undici.ts', generate('typescript', { ...req, client: { keyName: 'ci', pfx: '/k/ci.pfx', passphraseEnv: PASS_ENV } }, { variant: 'undici' }));
    const r = await run(join(nodeModules, '.bin', 'tsc'), ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'https.ts', 'undici.ts'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    removeAll(dirs.splice(0));
  });
});
