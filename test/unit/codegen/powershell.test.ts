/**
 * Generated PowerShell (both variants) and the PowerShell `fg…` snippets, run with pwsh 7
 * against the emulator in both certificate modes: requested in the handshake, and requested by
 * a TLS 1.2 renegotiation after the request (`X-Provide-Client-Certificate: Yes`).
 * First, with pwsh, the user's one-time set-up the generated comments ask for: the keys into
 * CurrentUser\My (for -CertificateThumbprint) and the emulator's CA into CurrentUser\Root
 * (Invoke-RestMethod uses system trust). Linux pwsh has no Cert: drive nor Import-PfxCertificate,
 * so the import goes through the X509Store those commands write to; pwsh reads the same store.
 */
import * as assert from 'node:assert/strict';
import { generate, type CodegenOptions } from '../../../src/core/codegen';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import { assertInvoked, PASS_ENV, PASSPHRASE, removeAll, run, runRecipe, scratch, startWorld, TRICKY_BODY, withPfx, writeProgram, type CodegenWorld, type RunResult } from './harness';
import { missing, PWSH, skipNotice, skipOrFail } from './runners';
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
  /** Run the openssl commands of the program's header comment first, as its user would. */
  recipe?: boolean;
}

const ci = (w: CodegenWorld) => w.resolve({});
const rsa = (w: CodegenWorld) => w.resolve({ key: 'rsa' });
const insecure = (r: ResolvedRequest): ResolvedRequest => ({ ...r, ca: undefined, insecure: true, tlsMaxVersion: 'TLSv1.2' });

const CASES: Case[] = [
  { id: 'default', name: 'default variant (PEM key: thumbprint)', request: ci, key: 'ci', profile: 'Test' },
  { id: 'thumbprint_insecure', name: 'thumbprint, insecure + TLS 1.2 cap', opts: { variant: 'thumbprint' }, request: (w) => insecure(rsa(w)), key: 'rsa', profile: 'Production' },
  { id: 'pfx', name: 'pfx + passphrase from env', opts: { variant: 'pfx' }, request: (w) => withPfx(rsa(w), w.pfx), key: 'rsa', profile: 'Production' },
  { id: 'pfx_nopass', name: 'pfx without passphrase', opts: { variant: 'pfx' }, request: (w) => ({ ...withPfx(rsa(w), w.plainPfx), client: { ...withPfx(rsa(w), w.plainPfx).client, passphraseEnv: undefined } }), key: 'rsa', profile: 'Production' },
  { id: 'pfx_recipe', name: 'pfx from PEM files after the openssl command in its comment', opts: { variant: 'pfx' }, request: ci, key: 'ci', profile: 'Test', recipe: true },
];
const SNIPPETS = snippetsOf('powershell');

/** Imports certificates (.pfx with key, protected by $env:FG_TEST_KEY_PASSPHRASE; or .crt) into CurrentUser stores. */
const IMPORT = `$ErrorActionPreference = 'Stop'
$flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]'PersistKeySet, Exportable'
foreach ($pair in $args) {
  $store, $file = $pair -split '=', 2
  $cert = if ($file -like '*.pfx') {
    [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($file, $env:${PASS_ENV}, $flags)
  } else {
    [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($file)
  }
  $s = [System.Security.Cryptography.X509Certificates.X509Store]::new($store, 'CurrentUser')
  $s.Open('ReadWrite'); $s.Add($cert); $s.Close()
  "imported $($cert.Thumbprint) into CurrentUser\\$store"
}
`;

const pwsh = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
  run(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file, ...args], { env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', ...env } });

describe('codegen: PowerShell run with pwsh against the emulator (both certificate modes)', function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  const worlds = new Map<Mode, CodegenWorld>();
  const programs = new Map<string, string>();
  const runs = new Map<string, Promise<RunResult>>();
  let setup: RunResult | undefined;
  skipNotice('PowerShell', ['pwsh']);

  before(async function () {
    if (missing(['pwsh']).length) return;
    const dir = scratch('pwsh');
    const home = scratch('pwsh-home');
    dirs.push(dir, home);
    const env = { HOME: home, [PASS_ENV]: PASSPHRASE, FLOWGEAR_PASSPHRASE: PASSPHRASE };
    const imports: string[] = [];
    const recipes: Promise<RunResult | undefined>[] = [];
    for (const mode of MODES) {
      const w = await startWorld(mode);
      worlds.set(mode, w);
      imports.push(`Root=${w.emu.caPath}`, `My=${w.ciPfx}`, `My=${w.pfx}`);
      for (const c of CASES) {
        const code = generate('powershell', c.request(w), c.opts);
        programs.set(`${mode}_${c.id}`, code);
        if (c.recipe) recipes.push(runRecipe(code));
      }
      for (const s of SNIPPETS) programs.set(`${mode}_${s.prefix}`, expand(s, snippetValues(w)));
    }
    setup = await pwsh(writeProgram(dir, 'import.ps1', IMPORT), imports, env);
    const recipeFailed = (await Promise.all(recipes)).find((r) => r);
    if (setup.code !== 0 || recipeFailed) {
      setup = recipeFailed ?? setup;
      return;
    }
    // Two at a time: a pwsh start-up is a second or more.
    const lanes = [Promise.resolve(), Promise.resolve()];
    [...programs].forEach(([id, code], i) => {
      const file = writeProgram(dir, `${id}.ps1`, code);
      const p = lanes[i % 2].then(() => pwsh(file, [], env));
      lanes[i % 2] = p.then(() => undefined, () => undefined);
      runs.set(id, p);
    });
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    for (const w of worlds.values()) await w.close();
    removeAll(dirs);
  });

  it('pwsh puts the keys into CurrentUser\\My and the CA into CurrentUser\\Root', function () {
    skipOrFail(this, ['pwsh']);
    assert.ok(setup, 'no set-up ran');
    assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
    assert.equal(setup.stdout.match(/^imported [0-9A-F]{40} into CurrentUser\\My$/gm)?.length, 4, setup.stdout);
  });

  for (const mode of MODES) {
    describe(`certificate requested ${mode === 'handshake' ? 'in the handshake' : 'by renegotiation (TLS 1.2)'}`, () => {
      for (const c of CASES) {
        it(c.name, async function () {
          skipOrFail(this, ['pwsh']);
          const id = `${mode}_${c.id}`;
          const r = runs.get(id);
          assert.ok(r, `not run: set-up failed\n${setup?.stderr}`);
          assertInvoked(await r, { key: c.key, profile: c.profile, id: 'C-42', body: TRICKY_BODY }, programs.get(id));
        });
      }
      for (const s of SNIPPETS) {
        it(`snippet ${s.prefix}`, async function () {
          skipOrFail(this, ['pwsh']);
          const id = `${mode}_${s.prefix}`;
          const r = runs.get(id);
          assert.ok(r, `not run: set-up failed\n${setup?.stderr}`);
          assertInvoked(await r, { key: 'ci', profile: 'Test', id: '42' }, programs.get(id));
        });
      }
    });
  }
});
