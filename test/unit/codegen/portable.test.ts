/**
 * Issue 18, generated code a colleague can run as-is: every program exits non-zero on a non-2xx
 * status (after printing status and body), no passphrase on any command line, no path from the
 * author's machine, PowerShell that Windows PowerShell 5.1 can run. Programs run with the
 * languages' own toolchains against the emulator.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { generate, LANGUAGE_INFO, LANGUAGES, type CodegenOptions, type Language } from '../../../src/core/codegen';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { memoryIo } from '../helpers/io';
import { PASS_ENV, PASSPHRASE, removeAll, run, scratch, startWorld, withPfx, writeProgram, type CodegenWorld, type RunResult } from './harness';
import { execute, missing, PWSH, type Runtime } from './runners';

const NOT_AUTHORIZED = /does not exist or you are not authorized/;

describe('codegen: programs exit non-zero on a non-2xx status (issue 18 point 4)', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  let world: CodegenWorld;
  // Key ci targets Test; sent to Production it gets Flowgear's 404. Before: exit 0 after "HTTP 404".
  const refused = (w: CodegenWorld): ResolvedRequest => w.resolve({ environment: 'Production' });
  const cases: { name: string; lang: Language; opts?: CodegenOptions; needs: Runtime[] }[] = [
    { name: 'curl', lang: 'curl', needs: ['curl'] },
    { name: 'JavaScript node:https', lang: 'javascript', needs: ['node'] },
    { name: 'JavaScript undici', lang: 'javascript', opts: { variant: 'undici' }, needs: ['node'] },
    { name: 'TypeScript node:https', lang: 'typescript', needs: ['node'] },
    { name: 'Python http.client', lang: 'python', needs: ['python'] },
    { name: 'Python requests', lang: 'python', opts: { variant: 'requests' }, needs: ['python', 'requests'] },
    { name: 'Go', lang: 'go', needs: ['go'] },
    { name: 'Java', lang: 'java', needs: ['java'] },
  ];
  const results = new Map<string, Promise<RunResult>>();
  before(async () => {
    world = await startWorld('handshake');
    for (const c of cases) {
      if (missing(c.needs).length) continue;
      const req = refused(world);
      results.set(c.name, execute(c.lang, generate(c.lang, req, c.opts), dirs, { ca: req.ca }));
    }
  });
  after(async () => {
    await Promise.allSettled(results.values());
    await world?.close();
    removeAll(dirs);
  });
  for (const c of cases) {
    it(`${c.name}: prints "HTTP 404" and the body, exits 3`, async function () {
      const pending = results.get(c.name);
      if (!pending) return this.skip();
      const r = await pending;
      const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;
      // `go run` reports the program's exit status 3 and itself exits 1; a built binary exits 3.
      if (c.lang === 'go') assert.ok(r.code !== 0 && /exit status 3/.test(r.stderr), detail);
      else assert.equal(r.code, 3, detail);
      assert.match(r.stdout, /HTTP 404/, detail);
      assert.match(r.stdout, NOT_AUTHORIZED, detail);
    });
  }

  it('PowerShell (pwsh 7, the 5.1-compatible code): 200 exits 0, 404 exits 3', async function () {
    if (missing(['pwsh']).length) return this.skip();
    const dir = scratch('pwsh-exit');
    dirs.push(dir);
    // The PFX variant needs no certificate store; the emulator's CA is trusted through OpenSSL's SSL_CERT_FILE.
    const env = { [PASS_ENV]: PASSPHRASE, SSL_CERT_FILE: world.emu.caPath, HOME: dir, POWERSHELL_TELEMETRY_OPTOUT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
    const ok = withPfx(world.resolve({ key: 'ci' }), world.ciPfx);
    const pwsh = (name: string, req: ResolvedRequest) =>
      run(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', writeProgram(dir, name, generate('powershell', req, { variant: 'pfx' }))], { env });
    const [good, bad] = await Promise.all([pwsh('ok.ps1', ok), pwsh('refused.ps1', { ...withPfx(refused(world), world.ciPfx) })]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /HTTP 200[\s\S]*"FgUsername":\s*"Key: ci"/);
    assert.equal(bad.code, 3, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /HTTP 404/);
    assert.match(bad.stdout, NOT_AUTHORIZED);
  });
});

describe('codegen: no passphrase on any command line (issue 18 point 5)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  let world: CodegenWorld;
  before(async () => (world = await startWorld('handshake')));
  after(async () => {
    await world?.close();
    removeAll(dirs);
  });

  it('curl gets it through its config on stdin (was: --pass "$VAR" in argv); the call works', async function () {
    if (missing(['curl']).length) return this.skip();
    const req = withPfx(world.resolve({ key: 'rsa' }), world.pfx);
    const code = generate('curl', req);
    assert.doesNotMatch(code, /--pass\b/);
    // A curl on PATH that records its argv and what arrives on stdin, then runs the real curl.
    const dir = scratch('curl-argv');
    dirs.push(dir);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const realCurl = (await run('sh', ['-c', 'command -v curl'])).stdout.trim();
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\ntee ${dir}/stdin | exec ${realCurl} "$@"\n`);
    chmodSync(join(bin, 'curl'), 0o755);
    const r = await run('sh', [writeProgram(dir, 'invoke.sh', code)], { env: { [PASS_ENV]: PASSPHRASE, PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /HTTP 200/);
    assert.ok(!readFileSync(join(dir, 'argv'), 'utf8').includes(PASSPHRASE), 'passphrase not in argv');
    assert.match(readFileSync(join(dir, 'argv'), 'utf8'), /^--config\n-\n/);
    assert.equal(readFileSync(join(dir, 'stdin'), 'utf8'), `pass = "${PASSPHRASE}"\n`);
  });

  it('no generated program of any language or variant names the passphrase or passes it as an argument', () => {
    const req = withPfx(world.resolve({ key: 'rsa' }), world.pfx);
    for (const lang of LANGUAGES) {
      for (const variant of [undefined, ...LANGUAGE_INFO[lang].variants.map((v) => v.id)]) {
        let code: string;
        try {
          code = generate(lang, req, { variant });
        } catch {
          continue; // e.g. a store variant without a thumbprint
        }
        assert.ok(!code.includes(PASSPHRASE), `${lang} ${variant}`);
        assert.doesNotMatch(code, /--pass\s|-passin pass:|-passout pass:\S/, `${lang} ${variant}`);
      }
    }
  });
});

describe('codegen: portable code from flowgear-mtls code (issue 18 point 3)', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  let world: CodegenWorld;
  before(async () => (world = await startWorld('handshake')));
  after(async () => {
    await world?.close();
    removeAll(dirs);
  });
  const code = async (...argv: string[]) => {
    const io = memoryIo({}, world.fx.dir);
    assert.equal(await main(['code', ...argv, '--local'], io), 0, io.stderr);
    return io.stdout;
  };

  it('no path from the author’s machine in any language or variant (was: /tmp/…/certs/ci.crt); the header says where to run it', async () => {
    for (const lang of LANGUAGES) {
      for (const variant of [undefined, ...LANGUAGE_INFO[lang].variants.map((v) => v.id)]) {
        for (const key of ['ci', 'rsa']) {
          const out = await code(lang, 'Get Customer', '--key', key, '--var', 'id=1', ...(variant ? ['--variant', variant] : []));
          assert.ok(!out.includes(world.fx.dir), `${lang} ${variant ?? ''} ${key}:\n${out}`);
          assert.match(out, /Run it from the folder that holds flowgear\.json: file paths below are relative to it\./);
          assert.match(out, /exits 0 on 2xx, 3 on another status/);
        }
      }
    }
  });

  it('C# says how to build and run it; the PFX made from PEM files comes from flowgear-mtls cert pfx (openssl beside)', async () => {
    const cs = await code('csharp', 'Get Customer', '--key', 'ci', '--var', 'id=1', '--variant', 'pfx', '--passphrase-env', 'CI_PASS');
    assert.match(cs, /dotnet new console -o FlowgearInvoke[\s\S]*dotnet run --project FlowgearInvoke/);
    assert.match(cs, /flowgear-mtls cert pfx --cert certs\/ci\.crt --key certs\/ci\.key --out certs\/ci\.p12 --name 'ci' --passphrase-env CI_PASS/);
    assert.match(cs, /openssl pkcs12 -export/);
  });

  it('Python and curl run from the manifest folder with the relative paths, against the emulator', async function () {
    if (missing(['python', 'curl']).length) return this.skip();
    const dir = scratch('portable');
    dirs.push(dir);
    for (const [lang, runner] of [['python', 'python3'], ['curl', 'sh']] as const) {
      const file = writeProgram(dir, `invoke-${lang}`, await code(lang, 'Get Customer', '--key', 'ci', '--var', 'id=C-42'));
      const r = await run(runner, [file], { cwd: world.fx.dir });
      assert.equal(r.code, 0, `${lang}: ${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /HTTP 200/);
      assert.match(r.stdout, /"FgUsername":\s*"Key: ci"/);
    }
  });
});

describe('codegen: PowerShell runs on Windows PowerShell 5.1 (issue 18 point 3)', () => {
  /** Syntax and cmdlet parameters that exist only in PowerShell 6/7. */
  const SEVEN_ONLY: [RegExp, string][] = [
    [/#Requires\s+-Version\s+[67]/i, '#Requires -Version 7'],
    [/\?\?=?/, 'null-coalescing ?? / ??='],
    [/\?\.|\?\[/, 'null-conditional ?. / ?['],
    [/[^|]\|\|[^|]|&&/, 'pipeline chain && / ||'],
    [/\s\?\s[^:]+\s:\s/, 'ternary a ? b : c'],
    [/-SkipHttpErrorCheck|-StatusCodeVariable|-SkipCertificateCheck|-SslProtocol|-ResponseHeadersVariable|-Authentication|-AllowUnencryptedAuthentication/i, 'PowerShell 7 web cmdlet parameters'],
    [/Get-PfxCertificate[^\n]*-Password/i, 'Get-PfxCertificate -Password'],
    [/ForEach-Object\s+-Parallel|-AsHashtable|ConvertTo-Json[^\n]*-AsArray|\$PSStyle|\bclean\s*\{/i, 'other 7-only features'],
  ];
  it('no 7-only construct in any variant (with CA, insecure, TLS 1.2 cap, PFX, body)', () => {
    const base: ResolvedRequest = {
      method: 'POST', url: 'https://acme.flowgear.net/orders?_profile=Test', headers: { 'Content-Type': 'application/json' }, body: '{"a": 1}', environment: 'Test',
      client: { keyName: 'ci', certificate: 'certs/ci.crt', privateKey: 'certs/ci.key', thumbprint: 'AB'.repeat(20), passphraseEnv: 'CI_PASS' }, ca: 'ca.crt',
    };
    const requests = [base, { ...base, ca: undefined, insecure: true, tlsMaxVersion: 'TLSv1.2' as const }, { ...base, client: { keyName: 'ops', pfx: 'certs/ops.pfx', passphraseEnv: 'OPS_PASS' } }];
    for (const req of requests) {
      for (const variant of ['thumbprint', 'pfx']) {
        const ps = generate('powershell', req, { variant });
        // Comments may say anything; the check is on code lines.
        const codeLines = ps.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
        for (const [re, what] of SEVEN_ONLY) assert.doesNotMatch(codeLines, re, `${what} in ${variant}:\n${ps}`);
        assert.match(ps, /Runs on Windows PowerShell 5\.1 and PowerShell 7/);
      }
    }
  });
});
