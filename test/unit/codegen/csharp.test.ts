/**
 * Generated C# (every variant) and the C# `fg…` snippets, compiled with the .NET SDK and run
 * with `dotnet` against the emulator in both certificate modes: requested in the handshake,
 * and requested after the request by a TLS 1.2 renegotiation (Flowgear's
 * `X-Provide-Client-Certificate: Yes`). All programs of both modes go into one build (dotnet.ts).
 * The `store` variant reads CurrentUser\My: the test imports the PFX there first with .NET
 * itself, in a HOME of its own (on Linux .NET keeps that store under ~/.dotnet).
 */
import * as assert from 'node:assert/strict';
import { generate, type CodegenOptions } from '../../../src/core/codegen';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { assertInvoked, PASS_ENV, PASSPHRASE, removeAll, scratch, startWorld, TRICKY_BODY, withKey, withPfx, type CodegenWorld, type RunResult } from './harness';
import { buildCsharp, importWithDotnet, runCsharp, type CsBuild } from './dotnet';
import { missing, skipNotice, skipOrFail } from './runners';
import { expand, snippetsOf, snippetValues } from './snippet-expand';

type Mode = 'handshake' | 'renegotiate';
const MODES: Mode[] = ['handshake', 'renegotiate'];

interface Case {
  id: string;
  name: string;
  opts?: CodegenOptions;
  request(w: CodegenWorld): ResolvedRequest;
  key: string;
  profile: string;
  /** Compiled with the others but not run (what it needs does not exist on Linux). */
  compileOnly?: string;
}

const ci = (w: CodegenWorld) => w.resolve({});
const rsa = (w: CodegenWorld) => w.resolve({ key: 'rsa' });
const insecure = (r: ResolvedRequest): ResolvedRequest => ({ ...r, ca: undefined, insecure: true, tlsMaxVersion: 'TLSv1.2' });
const noPassphrase = (r: ResolvedRequest): ResolvedRequest => ({ ...r, client: { ...r.client, passphraseEnv: undefined } });

const CASES: Case[] = [
  { id: 'default', name: 'default variant (PEM key)', request: ci, key: 'ci', profile: 'Test' },
  { id: 'store', name: 'store: CurrentUser\\My by thumbprint', opts: { variant: 'store' }, request: ci, key: 'ci', profile: 'Test' },
  { id: 'store_insecure', name: 'store, insecure + TLS 1.2 cap', opts: { variant: 'store' }, request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test' },
  { id: 'store_lm', name: 'store: LocalMachine\\My', opts: { variant: 'store', storeLocation: 'LocalMachine' }, request: ci, key: 'ci', profile: 'Test', compileOnly: '.NET on Linux has no LocalMachine\\My' },
  { id: 'pfx', name: 'pfx + passphrase from env', opts: { variant: 'pfx' }, request: (w) => withPfx(rsa(w), w.pfx), key: 'rsa', profile: 'Production' },
  { id: 'pfx_nopass', name: 'pfx without passphrase', opts: { variant: 'pfx' }, request: (w) => noPassphrase(withPfx(rsa(w), w.plainPfx)), key: 'rsa', profile: 'Production' },
  { id: 'pem', name: 'pem: EC PKCS#8 key', opts: { variant: 'pem' }, request: ci, key: 'ci', profile: 'Test' },
  { id: 'pem_encrypted', name: 'pem: encrypted RSA key', opts: { variant: 'pem' }, request: (w) => withKey(rsa(w), w.encryptedKey, PASS_ENV), key: 'rsa', profile: 'Production' },
  { id: 'pem_insecure', name: 'pem, insecure + TLS 1.2 cap', opts: { variant: 'pem' }, request: (w) => insecure(ci(w)), key: 'ci', profile: 'Test' },
];

const SNIPPETS = snippetsOf('csharp');
const pid = (mode: Mode, id: string) => `${mode}_${id.replace(/-/g, '_')}`;

describe('codegen: C# compiled with dotnet, run against the emulator (both certificate modes)', function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  const worlds = new Map<Mode, CodegenWorld>();
  const programs = new Map<string, string>();
  const runs = new Map<string, Promise<RunResult>>();
  let build: CsBuild | undefined;
  skipNotice('C#', ['dotnet']);

  before(async function () {
    if (missing(['dotnet']).length) return;
    // What each program runs with besides the user's profile: snippets rely on system trust, so
    // the emulator's CA is the machine's CA bundle (OpenSSL's SSL_CERT_FILE, which .NET on Linux
    // reads); generated code trusts the manifest's CA itself.
    const toRun = new Map<string, NodeJS.ProcessEnv>();
    for (const mode of MODES) {
      const w = await startWorld(mode);
      worlds.set(mode, w);
      for (const c of CASES) {
        programs.set(pid(mode, c.id), generate('csharp', c.request(w), c.opts));
        if (!c.compileOnly) toRun.set(pid(mode, c.id), {});
      }
      for (const s of SNIPPETS) {
        programs.set(pid(mode, s.prefix), expand(s, snippetValues(w)));
        toRun.set(pid(mode, s.prefix), { SSL_CERT_FILE: w.emu.caPath });
      }
    }
    build = await buildCsharp([...programs].map(([id, code]) => ({ id, code })), dirs);
    if (!build.dll) return;
    // The user's profile: both worlds' keys imported into CurrentUser\My with .NET's X509Store.
    const home = scratch('dotnet-home');
    dirs.push(home);
    const env = { HOME: home, [PASS_ENV]: PASSPHRASE, FLOWGEAR_PASSPHRASE: PASSPHRASE };
    for (const w of worlds.values()) {
      for (const pfx of [w.ciPfx, w.pfx]) {
        const r = await importWithDotnet(build.dll, 'My', pfx, env, PASS_ENV);
        assert.equal(r.code, 0, `import ${pfx}: ${r.stdout}${r.stderr}`);
      }
    }
    // Two at a time: each is a .NET start-up plus a TLS handshake or two.
    const dll = build.dll;
    const lanes = [Promise.resolve(), Promise.resolve()];
    [...toRun].forEach(([id, extra], i) => {
      const p = lanes[i % 2].then(() => runCsharp(dll, id, { ...env, ...extra }));
      lanes[i % 2] = p.then(() => undefined, () => undefined);
      runs.set(id, p);
    });
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    for (const w of worlds.values()) await w.close();
    removeAll(dirs);
  });

  it('all programs compile in one dotnet build', function () {
    skipOrFail(this, ['dotnet']);
    assert.ok(build, 'no build ran');
    assert.equal(build.result.code, 0, `${build.result.stdout}\n${build.result.stderr}`.slice(0, 6000));
    assert.ok(build.dll);
  });

  for (const mode of MODES) {
    describe(`certificate requested ${mode === 'handshake' ? 'in the handshake' : 'by renegotiation (TLS 1.2)'}`, () => {
      for (const c of CASES) {
        it(`${c.name}${c.compileOnly ? ` (compiled only: ${c.compileOnly})` : ''}`, async function () {
          skipOrFail(this, ['dotnet']);
          assert.ok(build?.dll, 'the build failed');
          if (c.compileOnly) return;
          const id = pid(mode, c.id);
          assertInvoked(await runs.get(id)!, { key: c.key, profile: c.profile, id: 'C-42', body: TRICKY_BODY }, programs.get(id));
        });
      }
      for (const s of SNIPPETS) {
        it(`snippet ${s.prefix}`, async function () {
          skipOrFail(this, ['dotnet']);
          assert.ok(build?.dll, 'the build failed');
          const id = pid(mode, s.prefix);
          assertInvoked(await runs.get(id)!, { key: 'ci', profile: 'Test', id: '42' }, programs.get(id));
        });
      }
    });
  }
});
