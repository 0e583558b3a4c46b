/**
 * Runs a program in one of the generated languages with its real toolchain, the way a user
 * would (sh, node, esbuild+node, python3, `java File.java`, `go run`). C# is built with
 * dotnet in one batch (dotnet.ts, csharp.test.ts); PowerShell in pwsh (powershell.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Language } from '../../../src/core/codegen';
import { has, hasPythonModule, PASS_ENV, PASSPHRASE, run, scratch, writeProgram, type RunResult } from './harness';

/** The repo's node_modules (tests run from the repo root): undici for the undici variants, esbuild for TS. */
const NODE_MODULES = resolve(process.cwd(), 'node_modules');

/** pwsh from PATH, else where `dotnet tool install --global` puts it (.ci/run adds that to PATH). */
export const PWSH = (process.env.PATH ?? '').split(':').map((d) => join(d, 'pwsh')).find((p) => existsSync(p)) ?? join(homedir(), '.dotnet', 'tools', 'pwsh');

/** How to tell each runtime is there; probed once per test bundle, only when a test needs it. */
const PROBES = {
  curl: () => has('curl'),
  node: () => true,
  python: () => has('python3'),
  requests: () => hasPythonModule('requests'),
  java: () => has('java', ['-version']),
  keytool: () => has('keytool', ['-help']),
  go: () => has('go', ['version']),
  dotnet: () => has('dotnet', ['--version']),
  pwsh: () => has(PWSH, ['-Version']),
};
export type Runtime = keyof typeof PROBES;
const known = new Map<Runtime, boolean>();

/** What to install for each runtime (Debian 12; .ci/run installs them all). */
const INSTALL: Record<Runtime, string> = {
  curl: 'apt-get install curl',
  node: 'Node.js 20',
  python: 'apt-get install python3',
  requests: 'apt-get install python3-requests',
  java: 'apt-get install openjdk-17-jdk-headless',
  keytool: 'apt-get install openjdk-17-jdk-headless',
  go: 'apt-get install golang-go',
  dotnet: 'the .NET 10 SDK (dotnet-sdk-10.0)',
  pwsh: 'dotnet tool install --global PowerShell --version 7.6.10',
};

/** Names of the missing runtimes among `needs`. */
export function missing(needs: Runtime[]): Runtime[] {
  return needs.filter((n) => {
    if (!known.has(n)) known.set(n, PROBES[n]());
    return !known.get(n);
  });
}

/**
 * A test whose runtimes are missing: fails in CI (CI=true), naming what to install, so nothing
 * is skipped silently there; elsewhere it skips, and `skipNotice` printed the reason.
 */
export function skipOrFail(ctx: Mocha.Context, needs: Runtime[]): void {
  const gone = missing(needs);
  if (!gone.length) return;
  const what = gone.map((r) => `${r} (install: ${INSTALL[r]})`).join(', ');
  if (process.env.CI === 'true') throw new Error(`runtime missing in CI: ${what}`);
  ctx.skip();
}

/** One visible line naming the skipped runtimes of a suite (local runs only: CI fails instead). */
export function skipNotice(label: string, needs: Runtime[]): void {
  const gone = missing(needs);
  if (gone.length && process.env.CI !== 'true') console.log(`      ${label}: SKIPPED (runtime missing: ${gone.map((r) => `${r} — ${INSTALL[r]}`).join('; ')})`);
}

export interface ExecuteOptions {
  /**
   * The server's CA. With `systemTrust`, it is trusted the way the platform trusts a CA
   * (CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, a Java trust store) — for snippets,
   * which rely on system trust. Without, the code itself must trust it (generated code).
   */
  ca?: string;
  systemTrust?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function execute(lang: Language | 'shellscript', code: string, dirs: string[], o: ExecuteOptions = {}): Promise<RunResult> {
  const dir = scratch(lang);
  dirs.push(dir);
  const trust = o.systemTrust && o.ca ? { CURL_CA_BUNDLE: o.ca, NODE_EXTRA_CA_CERTS: o.ca, SSL_CERT_FILE: o.ca, REQUESTS_CA_BUNDLE: o.ca } : {};
  // A UTF-8 locale whatever the caller's (env -i in CI): Java prints through the locale's charset.
  const env = { [PASS_ENV]: PASSPHRASE, NODE_PATH: NODE_MODULES, LC_ALL: 'C.UTF-8', ...trust, ...o.env };
  switch (lang) {
    case 'curl':
    case 'shellscript':
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
    case 'java': {
      const flags: string[] = [];
      if (o.systemTrust && o.ca) {
        const store = join(dir, 'trust.p12');
        const r = spawnSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', o.ca, '-keystore', store, '-storetype', 'PKCS12', '-storepass', 'changeit'], { encoding: 'utf8' });
        if (r.status !== 0) return { code: r.status ?? 1, stdout: '', stderr: r.stderr };
        flags.push(`-Djavax.net.ssl.trustStore=${store}`, '-Djavax.net.ssl.trustStorePassword=changeit', '-Djavax.net.ssl.trustStoreType=PKCS12');
      }
      return run('java', [...flags, writeProgram(dir, 'FlowgearInvoke.java', code)], { env, cwd: dir });
    }
    case 'go':
      writeProgram(dir, 'main.go', code);
      return run('go', ['run', 'main.go'], { cwd: dir, env: { ...env, GOCACHE: join(dir, 'gocache'), GOFLAGS: '-mod=mod', GOPROXY: 'off', GOPATH: join(dir, 'gopath') } });
    default:
      throw new Error(`no runner for ${lang}`);
  }
}
