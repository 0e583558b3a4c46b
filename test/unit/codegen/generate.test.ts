/**
 * The generators as pure functions: no key material or secrets in the output, passphrases
 * read from the named variable, loud insecure warnings, and golden files as a second check
 * (C# and PowerShell also run: csharp.test.ts with dotnet, powershell.test.ts with pwsh).
 * Refresh goldens after an intended change: UPDATE_GOLDEN=1 FLOWGEAR_TEST_GREP=golden npm run test:unit
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, LANGUAGE_INFO, LANGUAGES, languageChoices, type Language } from '../../../src/core/codegen';
import { skipOrFail } from './runners';
import { defaultPassphraseEnv } from '../../../src/core/codegen/prepare';
import type { ResolvedRequest } from '../../../src/core/invoke/types';

const GOLDEN = join(process.cwd(), 'test', 'unit', 'codegen', 'golden');

const base: ResolvedRequest = {
  method: 'POST',
  url: 'https://acme.flowgear.net/customers/42?_profile=Test',
  headers: { 'Content-Type': 'application/json', 'X-Provide-Client-Certificate': 'Yes', 'X-Trace': "it's \"quoted\" $x" },
  body: '{\n  "name": "O\'Brien",\n  "path": "C:\\\\temp"\n}',
  workflow: 'Update Customer',
  environment: 'Test',
  profile: 'Test',
  client: {
    keyName: 'ci-test',
    certificate: '/work/acme/certs/ci-test.crt',
    privateKey: '/work/acme/certs/ci-test.key',
    thumbprint: '3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F',
  },
};
const pfx: ResolvedRequest = { ...base, client: { keyName: 'ci-test', pfx: '/work/acme/certs/ci-test.pfx', thumbprint: base.client.thumbprint, passphraseEnv: 'FLOWGEAR_PASSPHRASE_CI_TEST' } };
const encrypted: ResolvedRequest = { ...base, client: { ...base.client, passphraseEnv: 'FLOWGEAR_PASSPHRASE_CI_TEST' } };
const insecure: ResolvedRequest = { ...base, insecure: true, tlsMaxVersion: 'TLSv1.2' };
const withCa: ResolvedRequest = { ...base, ca: '/work/acme/ca/corp-root.crt' };

const variantsOf = (lang: Language) => [undefined, ...LANGUAGE_INFO[lang].variants.map((v) => v.id)];

function golden(name: string, actual: string) {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (!process.env.UPDATE_GOLDEN) assert.fail(`golden file ${name} was missing and has been written; review and commit it`);
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `differs from golden ${name} (UPDATE_GOLDEN=1 to accept)`);
}

describe('codegen: generators', () => {
  it('never embed key material or passphrases, only paths and the variable name', () => {
    for (const lang of LANGUAGES) {
      for (const variant of variantsOf(lang)) {
        for (const req of [base, pfx, encrypted]) {
          const code = generate(lang, req, { variant });
          assert.ok(!/-----BEGIN [A-Z ]+-----\s*[A-Za-z0-9+/=]{16}/.test(code), `${lang}/${variant}: key material`);
          const names = [req.client.certificate, req.client.pfx, req.client.thumbprint].filter(Boolean) as string[];
          assert.ok(names.some((n) => code.includes(n) || code.includes(n.replace(/\.(pfx|key|crt)$/, ''))), `${lang}/${variant}: references the key`);
          const extractsPfx = req.client.pfx && (lang === 'python' || lang === 'go');
          if (req.client.passphraseEnv && !extractsPfx && !(lang === 'csharp' && (variant ?? (req.client.pfx ? 'pfx' : 'store')) === 'store') && !(lang === 'powershell' && variant === 'thumbprint') && !(lang === 'curl' && variant === 'windows')) {
            assert.ok(code.includes(req.client.passphraseEnv), `${lang}/${variant}: reads ${req.client.passphraseEnv}`);
          }
          assert.ok(code.includes('ci-test'), `${lang}/${variant}: names the key`);
        }
      }
    }
  });

  it('say loudly when server verification is off, and only then', () => {
    for (const lang of LANGUAGES) {
      for (const variant of variantsOf(lang)) {
        const off = generate(lang, insecure, { variant });
        assert.match(off, /WARNING: server certificate verification is DISABLED for environment Test/, `${lang}/${variant}`);
        assert.doesNotMatch(generate(lang, base, { variant }), /WARNING|InsecureSkipVerify|rejectUnauthorized|--insecure|CERT_NONE|SkipCertificateCheck/, `${lang}/${variant}`);
      }
    }
  });

  it('carry method, URL with _profile, headers and Flowgear\'s certificate header', () => {
    for (const lang of LANGUAGES) {
      const code = generate(lang, { ...base, headers: { 'X-Trace': 'a' } });
      assert.ok(code.includes('/customers/42?_profile=Test'), lang);
      assert.ok(code.includes('X-Provide-Client-Certificate'), `${lang}: adds the header when absent`);
      assert.ok(/POST|Post/.test(code), lang);
    }
  });

  it('trust the manifest CA when set', () => {
    const expect: Record<Language, RegExp> = {
      csharp: /ExtraStore\.Add\(ca\)/, powershell: /Import-Certificate -FilePath \/work\/acme\/ca\/corp-root\.crt -CertStoreLocation Cert:\\CurrentUser\\Root/,
      javascript: /ca: \[\.\.\.tls\.rootCertificates, fs\.readFileSync\('\/work\/acme\/ca\/corp-root\.crt'\)\]/, typescript: /tls\.rootCertificates/,
      python: /load_verify_locations\(cafile=CA_FILE\)/, java: /setCertificateEntry\("flowgear-ca"/, go: /AppendCertsFromPEM/, curl: /--cacert '\/work\/acme\/ca\/corp-root\.crt'/,
    };
    for (const lang of LANGUAGES) assert.match(generate(lang, withCa), expect[lang], lang);
  });

  it('pick the idiomatic certificate wiring for the key', () => {
    assert.match(generate('csharp', base), /FindByThumbprint, "3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F"/);
    assert.match(generate('csharp', pfx), /new X509Certificate2\(@"\/work\/acme\/certs\/ci-test\.pfx", passphrase\)/);
    assert.match(generate('powershell', base), /Find\('FindByThumbprint', '3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F', \$false\)/);
    assert.match(generate('powershell', pfx), /\[IO\.Path\]::Combine\(\(Get-Location\)\.Path, '\/work\/acme\/certs\/ci-test\.pfx'\)[\s\S]*X509Certificate2\(\$pfxPath, \$passphrase\)/);
    assert.match(generate('curl', pfx), /--cert-type P12 \\\n  --cert '\/work\/acme\/certs\/ci-test\.pfx'/);
    assert.match(generate('curl', base, { variant: 'windows' }), /--cert 'CurrentUser\\MY\\3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F'/);
    assert.match(generate('java', pfx), /KeyStore\.getInstance\("PKCS12"\)/);
    assert.match(generate('java', encrypted), /openssl pkcs12 -export .* -passin env:FLOWGEAR_PASSPHRASE_CI_TEST/);
    assert.match(generate('go', pfx), /openssl pkcs12 -in \/work\/acme\/certs\/ci-test\.pfx -passin env:FLOWGEAR_PASSPHRASE_CI_TEST -clcerts/);
    assert.match(generate('python', pfx), /CERT_FILE = "\/work\/acme\/certs\/ci-test\.crt"/);
    assert.match(generate('python', pfx), /openssl pkcs12 -in \/work\/acme\/certs\/ci-test\.pfx -passin env:FLOWGEAR_PASSPHRASE_CI_TEST/);
    assert.doesNotMatch(generate('python', pfx), /password=PASSPHRASE/, 'the extracted key is not encrypted');
    assert.match(generate('python', encrypted), /load_cert_chain\(CERT_FILE, KEY_FILE, password=PASSPHRASE\)/);
    for (const lang of ['javascript', 'typescript'] as const) {
      for (const variant of ['https', 'undici']) assert.match(generate(lang, base, { variant }), /secureOptions: constants\.SSL_OP_NO_TICKET/);
    }
  });

  it('names a per-key default passphrase variable', () => {
    assert.equal(defaultPassphraseEnv('ci-test'), 'FLOWGEAR_PASSPHRASE_CI_TEST');
    assert.equal(defaultPassphraseEnv('Ünïcode key 2'), 'FLOWGEAR_PASSPHRASE_N_CODE_KEY_2');
  });

  it('offer every language in the picker, the last used first', () => {
    const all = languageChoices();
    assert.deepEqual([...new Set(all.map((c) => c.language))], [...LANGUAGES]);
    const again = languageChoices({ language: 'go' });
    assert.equal(again[0].language, 'go');
    assert.equal(again.length, all.length);
    assert.deepEqual(languageChoices({ language: 'python', variant: 'requests' })[0], { language: 'python', variant: 'requests', label: 'Python', description: 'requests' });
  });

  it('write Go that gofmt leaves unchanged', function () {
    skipOrFail(this, ['go']); // gofmt comes with Go
    const dir = mkdtempSync(join(tmpdir(), 'fg-gofmt-'));
    try {
      const files = [base, pfx, encrypted, insecure, withCa].map((req, i) => {
        const f = join(dir, `main${i}.go`);
        writeFileSync(f, generate('go', req));
        return f;
      });
      const r = spawnSync('gofmt', ['-l', ...files], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '', `gofmt would change: ${r.stdout}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('golden files', () => {
    const cases: [string, Language, ResolvedRequest, string | undefined][] = [
      ['powershell-thumbprint.ps1', 'powershell', base, undefined],
      ['powershell-pfx.ps1', 'powershell', pfx, undefined],
      ['powershell-pem-insecure.ps1', 'powershell', { ...insecure, client: { ...base.client, thumbprint: undefined } }, undefined],
      ['powershell-ca.ps1', 'powershell', withCa, 'thumbprint'],
      ['csharp-pem-encrypted.cs', 'csharp', encrypted, 'pem'],
    ];
    for (const [file, lang, req, variant] of cases) it(file, () => golden(file, generate(lang, req, { variant })));
  });
});
