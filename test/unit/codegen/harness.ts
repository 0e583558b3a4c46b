/**
 * Shared set-up for codegen tests that RUN generated code: a fixture workspace with several
 * kinds of key material, the emulator, resolved requests, and child-process runners for
 * each language's real toolchain. Everything is generated in temp dirs at run time.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../../src/core/manifest/load';
import { resolveRequest, type ResolveOptions } from '../../../src/core/invoke/resolve';
import type { ResolvedRequest } from '../../../src/core/invoke/types';
import type { Manifest } from '../../../src/core/manifest/types';
import type { RunningEmulator } from '../../../src/emulator';
import { makeFixtureWorkspace, serveFixture, type FixtureWorkspace } from '../helpers/fixture';

export const PASS_ENV = 'FG_TEST_KEY_PASSPHRASE';
export const PASSPHRASE = 'correct horse battery staple';
/** A body every language must carry byte for byte: quotes, newlines, $, backslashes, non-ASCII. */
export const TRICKY_BODY = '{\n  "name": "Ada \\"Countess\\" Lovelace",\n  "note": "it\'s $HOME & <ok> `x` \\\\ back\\tslash",\n  "city": "Zürich ☕ 😀"\n}';

export interface CodegenWorld {
  fx: FixtureWorkspace;
  emu: RunningEmulator;
  manifest: Manifest;
  /** A PFX of key `rsa` protected with PASSPHRASE. */
  pfx: string;
  /** A PFX of key `ci`, protected with PASSPHRASE. */
  ciPfx: string;
  /** Key `rsa`'s PFX with an empty passphrase. */
  plainPfx: string;
  /** Key `rsa`'s private key encrypted (PKCS#8, AES) with PASSPHRASE. */
  encryptedKey: string;
  /** Key `rsa`'s private key in PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
  pkcs1Key: string;
  resolve(o: Partial<ResolveOptions>): ResolvedRequest;
  close(): Promise<void>;
}

function openssl(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/**
 * Workflows "Update Customer" (POST /customers/{id}, JSON body), "Ping" (GET /ping) and
 * "Get Customer" (GET /customers/{id}),
 * environments Production and Test; keys `ci` (EC, PEM) and `rsa` (RSA 2048).
 */
export async function startWorld(certRequest: 'handshake' | 'renegotiate' = 'renegotiate', log?: (line: string) => void): Promise<CodegenWorld> {
  const fx = makeFixtureWorkspace({
    environments: [{ name: 'Production', production: true }, { name: 'Test' }],
    workflows: [
      { name: 'Update Customer', method: 'POST', path: '/customers/{id}' },
      { name: 'Ping', method: 'GET', path: '/ping' },
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
    ],
    keys: [
      { name: 'ci', environment: 'Test' },
      { name: 'rsa', keyType: 'rsa' },
    ],
  });
  // The invoke trusts the emulator's CA the way a team trusts a private CA: the manifest's `ca`.
  const emu = await serveFixture(fx, { certRequest, log });
  const loaded = await loadManifest(fx.manifestFile);
  if (!loaded.ok) throw new Error(`fixture manifest: ${loaded.problems.map((p) => p.message).join('; ')}`);

  const rsa = fx.keys.rsa;
  const pfx = join(fx.dir, 'certs', 'rsa.pfx');
  const plainPfx = join(fx.dir, 'certs', 'rsa-plain.pfx');
  const encryptedKey = join(fx.dir, 'certs', 'rsa-encrypted.key');
  const pkcs1Key = join(fx.dir, 'certs', 'rsa-pkcs1.key');
  const env = { [PASS_ENV]: PASSPHRASE };
  openssl(['pkcs12', '-export', '-name', 'rsa', '-in', rsa.certificate, '-inkey', rsa.privateKey, '-out', pfx, '-passout', `env:${PASS_ENV}`], env);
  openssl(['pkcs12', '-export', '-name', 'rsa', '-in', rsa.certificate, '-inkey', rsa.privateKey, '-out', plainPfx, '-passout', 'pass:']);
  const ciPfx = join(fx.dir, 'certs', 'ci.pfx');
  openssl(['pkcs12', '-export', '-name', 'ci', '-in', fx.keys.ci.certificate, '-inkey', fx.keys.ci.privateKey, '-out', ciPfx, '-passout', `env:${PASS_ENV}`], env);
  openssl(['pkey', '-in', rsa.privateKey, '-aes256', '-out', encryptedKey, '-passout', `env:${PASS_ENV}`], env);
  openssl(['rsa', '-in', rsa.privateKey, '-traditional', '-out', pkcs1Key]);

  return {
    fx,
    emu,
    manifest: loaded.manifest,
    pfx,
    plainPfx,
    ciPfx,
    encryptedKey,
    pkcs1Key,
    resolve(o) {
      return resolveRequest(loaded.manifest, {
        workflow: 'Update Customer',
        key: 'ci',
        vars: { id: 'C-42' },
        body: TRICKY_BODY,
        ...o,
      });
    },
    async close() {
      await emu.close();
      fx.cleanup();
    },
  };
}

/** A copy of a file in its own scratch dir, for programs that write files next to it. */
export function isolatedCopy(file: string, dirs: string[]): string {
  const dir = scratch('copy');
  dirs.push(dir);
  const out = join(dir, file.replace(/^.*\//, ''));
  copyFileSync(file, out);
  return out;
}

/** The one-time `openssl …` commands a generated program's header comment asks the user to run. */
export function recipeCommands(code: string): string[] {
  return [...code.matchAll(/^(?:#|\/\/)\s+(openssl .*)$/gm)].map((m) => m[1]);
}

/** Runs the commented openssl commands in order; returns the failure, if any. */
export async function runRecipe(code: string): Promise<RunResult | undefined> {
  const commands = recipeCommands(code);
  if (!commands.length) return { code: 1, stdout: '', stderr: 'the program names no openssl commands' };
  for (const cmd of commands) {
    const r = await run('sh', ['-c', cmd], { env: { [PASS_ENV]: PASSPHRASE } });
    if (r.code !== 0) return { ...r, stderr: `${cmd}\n${r.stderr}` };
  }
  return undefined;
}

/** Request variants that swap the key material of key `rsa`. */
export function withPfx(req: ResolvedRequest, pfx: string): ResolvedRequest {
  return { ...req, client: { ...req.client, certificate: undefined, privateKey: undefined, pfx, passphraseEnv: PASS_ENV } };
}
export function withKey(req: ResolvedRequest, privateKey: string, passphraseEnv?: string): ResolvedRequest {
  return { ...req, client: { ...req.client, privateKey, passphraseEnv } };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Async child process (the emulator runs in this process: a sync spawn would block it). */
export function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, timeout: o.timeoutMs ?? 60_000, encoding: 'utf8', maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr: stderr + (err && code === 1 && !stderr ? String(err.message) : '') });
      });
  });
}

/** Which toolchains this machine has; a test skips a language only when this says so. */
export function has(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function hasPythonModule(mod: string): boolean {
  return spawnSync('python3', ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

/** A scratch dir for one program; removed by the caller's cleanup list. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fg-codegen-${prefix}-`));
}

export function writeProgram(dir: string, name: string, code: string): string {
  const file = join(dir, name);
  writeFileSync(file, code);
  return file;
}

export function removeAll(dirs: string[]) {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** The JSON object in a program's output (the emulator's echo), if any. */
export function echoed(stdout: string): { body?: string } | undefined {
  const a = stdout.indexOf('{');
  const b = stdout.lastIndexOf('}');
  try {
    return a >= 0 && b > a ? (JSON.parse(stdout.slice(a, b + 1)) as { body?: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** The response a generated program printed: "HTTP <status>" then the body. */
export function parseOutput(stdout: string): { status: number; body: string } {
  const m = /HTTP (\d{3})/.exec(stdout);
  return { status: m ? Number(m[1]) : 0, body: stdout };
}

/**
 * The checks every run of an invoke program makes: exit 0, "HTTP 200", the emulator saw key
 * `key` (FgUsername "Key: NAME") in `profile`, and `id` arrived as the path variable.
 */
export function assertInvoked(r: RunResult, want: { key: string; profile: string; id: string; body?: string }, program = ''): void {
  const detail = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}${program ? `\n--- program ---\n${program}` : ''}`;
  assert.equal(r.code, 0, detail);
  const out = parseOutput(r.stdout);
  assert.equal(out.status, 200, detail);
  assert.match(out.body, new RegExp(`"FgUsername":\\s*"Key: ${want.key}"`), detail);
  assert.match(out.body, new RegExp(`"FgProfile":\\s*"${want.profile}"`), detail);
  assert.match(out.body, new RegExp(`"id":\\s*"${want.id}"`), detail);
  if (want.body !== undefined) assert.equal(echoed(r.stdout)?.body, want.body, `the body arrived byte for byte\n${detail}`);
}
