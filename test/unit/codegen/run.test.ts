/**
 * Runs the code each generator writes, with the language's real toolchain, against the local
 * emulator (renegotiation mode: the certificate is requested after the request, as Flowgear's
 * `X-Provide-Client-Certificate` suggests). Asserts the emulator saw the right key and
 * environment and the path variable and body arrived. Languages whose runtime is missing are
 * skipped and listed.
 */
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { generate, type CodegenOptions, type Language } from '../../../src/core/codegen';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import {
  has, hasPythonModule, parseOutput, PASS_ENV, PASSPHRASE, removeAll, run, scratch, startWorld, withKey, withPfx, writeProgram,
  type CodegenWorld, type RunResult,
} from './harness';

/** The repo's node_modules (tests run from the repo root): undici for the undici variants, esbuild for TS. */
const NODE_MODULES = resolve(process.cwd(), 'node_modules');

interface Case {
  name: string;
  lang: Language;
  opts?: CodegenOptions;
  request(w: CodegenWorld): ResolvedRequest;
  key: string;
  profile: string;
  /** When the generated program does not run here but must compile. */
  compileOnly?: boolean;
  /**
   * Mono 6.8's HttpClientHandler does not present client certificates (Mono's TLS can: an
   * SslStream with a selection callback does), so the emulator answers 404. The run still
   * proves the program works end to end: TLS, server trust, and the Flowgear `Message` of
   * the error body. A Mono that sends the certificate must get 200 and the key.
   */
  mono?: boolean;
}

const runtimes = {
  curl: has('curl'),
  node: true,
  python: has('python3'),
  requests: hasPythonModule('requests'),
  java: has('java', ['-version']),
  go: has('go', ['version']),
  mcs: has('mcs', ['--version']),
  mono: has('mono', ['--version']),
};

/** Writes the program and runs it the way its users would; returns what it printed. */
async function execute(lang: Language, code: string, ca: string | undefined, dirs: string[], compileOnly = false): Promise<RunResult> {
  const dir = scratch(lang);
  dirs.push(dir);
  const env = { [PASS_ENV]: PASSPHRASE, NODE_PATH: NODE_MODULES };
  switch (lang) {
    case 'curl':
      return run('sh', [writeProgram(dir, 'invoke.sh', code)], { env });
    case 'javascript':
      return run(process.execPath, [writeProgram(dir, 'invoke.js', code)], { env });
    case 'typescript': {
      // Transpiled by the esbuild CLI, as a user's build would.
      const ts = writeProgram(dir, 'invoke.ts', code);
      const out = join(dir, 'invoke.cjs');
      const built = await run(join(NODE_MODULES, '.bin', 'esbuild'), [ts, '--format=cjs', '--platform=node', `--outfile=${out}`, '--log-level=warning']);
      if (built.code !== 0) return built;
      return run(process.execPath, [out], { env });
    }
    case 'python':
      return run('python3', [writeProgram(dir, 'invoke.py', code)], { env });
    case 'java':
      return run('java', [writeProgram(dir, 'FlowgearInvoke.java', code)], { env, cwd: dir });
    case 'go':
      writeProgram(dir, 'main.go', code);
      return run('go', ['run', 'main.go'], { cwd: dir, env: { ...env, GOCACHE: join(dir, 'gocache'), GOFLAGS: '-mod=mod', GOPROXY: 'off', GOPATH: join(dir, 'gopath') } });
    case 'csharp': {
      const src = writeProgram(dir, 'FlowgearInvoke.cs', code);
      const built = await run('mcs', ['-nologo', '-r:System.Net.Http.dll', `-out:${join(dir, 'invoke.exe')}`, src]);
      if (built.code !== 0 || compileOnly) return built;
      // Mono's X509Chain ignores ChainPolicy.ExtraStore, so the CA goes into Mono's user trust
      // store (in a private HOME) — the path a system-trusted CA takes on Windows.
      const home = join(dir, 'home');
      const monoEnv = { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
      if (ca) {
        const synced = await run('mono', ['/usr/lib/mono/4.5/cert-sync.exe', '--quiet', '--user', ca], { env: monoEnv });
        if (synced.code !== 0) return synced;
      }
      return run('mono', [join(dir, 'invoke.exe')], { env: monoEnv });
    }
    default:
      throw new Error(`no runner for ${lang}`);
  }
}

const ci = (w: CodegenWorld) => w.resolve({});
const insecure = (r: ResolvedRequest): ResolvedRequest => ({ ...r, ca: undefined, insecure: true, tlsMaxVersion: 'TLSv1.2' });
const onLocalhost = (r: ResolvedRequest): ResolvedRequest => ({ ...r, url: r.url.replace('//127.0.0.1:', '//localhost:') });
const rsa = (w: CodegenWorld) => w.resolve({ key: 'rsa' });

const CASES: (Case & { needs: (keyof typeof runtimes)[] })[] = [
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
  { name: 'Go, insecure + TLS 1.2 cap', lang: 'go', request: (w) => insecure(rsa(w)), key: 'rsa', profile: 'Production', needs: ['go'] },
  { name: 'curl, insecure + TLS 1.2 cap', lang: 'curl', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['curl'] },
  { name: 'JavaScript undici, insecure + TLS 1.2 cap', lang: 'javascript', opts: { variant: 'undici' }, request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['node'] },
  { name: 'Python http.client, insecure + TLS 1.2 cap', lang: 'python', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['python'] },
  { name: 'Java, insecure + TLS 1.2 cap', lang: 'java', request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', needs: ['java'] },
  // Mono's BoringSSL cannot read OpenSSL 3's default (AES) PFX: give it the legacy format. Mono
  // cannot match IP-address SANs: use localhost. See the `mono` expectation below.
  { name: 'C# PFX: mcs compiles it, mono runs it', lang: 'csharp', opts: { variant: 'pfx' }, request: (w) => onLocalhost(withPfx(rsa(w), w.legacyPfx)), key: 'rsa', profile: 'Production', mono: true, needs: ['mcs', 'mono'] },
  { name: 'C# certificate store by thumbprint (mcs compiles)', lang: 'csharp', opts: { variant: 'store' }, request: ci, key: 'ci', profile: 'Test', compileOnly: true, needs: ['mcs'] },
  { name: 'C# LocalMachine store, insecure, TLS 1.2 (mcs compiles)', lang: 'csharp', opts: { variant: 'store', storeLocation: 'LocalMachine' }, request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test', compileOnly: true, needs: ['mcs'] },
  { name: 'C# PFX without passphrase (mcs compiles)', lang: 'csharp', opts: { variant: 'pfx' }, request: (w) => ({ ...withPfx(rsa(w), w.pfx), client: { ...withPfx(rsa(w), w.pfx).client, passphraseEnv: undefined } }), key: 'rsa', profile: 'Production', compileOnly: true, needs: ['mcs'] },
];

describe('codegen: generated code runs against the emulator', function () {
  this.timeout(180_000);
  let world: CodegenWorld;
  const dirs: string[] = [];
  const results = new Map<string, Promise<RunResult>>();
  const skipped = [...new Set(CASES.filter((c) => c.needs.some((n) => !runtimes[n])).flatMap((c) => c.needs.filter((n) => !runtimes[n])))];

  before(async function () {
    world = await startWorld('renegotiate');
    if (skipped.length) console.log(`      codegen: skipped (runtime missing): ${skipped.join(', ')}`);
    // Start every program at once: compile/JVM start-up overlap instead of adding up.
    for (const c of CASES) {
      if (c.needs.some((n) => !runtimes[n])) continue;
      const req = c.request(world);
      results.set(c.name, execute(c.lang, generate(c.lang, req, c.opts), req.ca, dirs, c.compileOnly));
    }
  });
  after(async () => {
    await Promise.allSettled(results.values());
    await world?.close();
    removeAll(dirs);
  });

  for (const c of CASES) {
    it(c.name, async function () {
      const pending = results.get(c.name);
      if (!pending) return this.skip();
      const r = await pending;
      const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
      assert.equal(r.code, 0, detail);
      if (c.compileOnly) return;
      const out = parseOutput(r.stdout);
      if (c.mono && out.status === 404) {
        assert.match(r.stderr, /^Flowgear: The requested resource does not exist/m, detail);
        console.log('      note: Mono ran the C# program; its HttpClientHandler sent no client certificate (404 + Flowgear message shown)');
        return;
      }
      assert.equal(out.status, 200, detail);
      assert.match(out.body, new RegExp(`"FgUsername":\\s*"Key: ${c.key}"`), detail);
      assert.match(out.body, new RegExp(`"FgProfile":\\s*"${c.profile}"`), detail);
      assert.match(out.body, /"id":\s*"C-42"/, detail);
      assert.match(out.body, /Countess/, detail);
    });
  }
});
