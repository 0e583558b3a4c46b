// Idempotent offline install of VS Code's server (npm package code-server) into the
// git-ignored .vscode-test/ folder. Every workaround below is from
// docs: ../shared/docs/vscode-test-host.md ("Installing code-server 4.100.3 offline").
// A marker file makes the second run instant. Usable as a library or `npm run host:install`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const ROOT = resolve(import.meta.dirname, '../..');
export const HOST_DIR = join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_DIR = join(HOST_DIR, 'node_modules', 'code-server');
export const SERVER_MAIN = join(CODE_SERVER_DIR, 'lib', 'vscode', 'out', 'server-main.js');
export const CHROMIUM = '/usr/bin/chromium';
const MARKER = join(HOST_DIR, '.installed');

// @vscode/ripgrep (a code-server dependency) downloads rg from GitHub unless its cache holds this.
const RIPGREP_PKG = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Debian packages the host needs, keyed by a file that proves each is present. */
const APT = [
  { pkg: 'chromium', has: () => existsSync(CHROMIUM) },
  { pkg: 'libkrb5-dev', has: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h') },
  { pkg: 'ripgrep', has: () => existsSync('/usr/bin/rg') },
  { pkg: 'g++', has: () => which('g++') },
  { pkg: 'make', has: () => which('make') },
  { pkg: 'python3', has: () => which('python3') },
];

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function log(msg) {
  console.log(`host:install: ${msg}`);
}

function ensureAptPackages() {
  const missing = APT.filter((p) => !p.has()).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} — run as root or: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Package lists may be absent on a clean machine; updating once is cheap compared to a failed install.
  const hasLists = spawnSync('sh', ['-c', 'ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1']).status === 0;
  if (!hasLists) run('flock', ['/tmp/apt.lock', 'apt-get', 'update'], { env });
  run('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', '--no-install-recommends', ...missing], { env });
}

/** Pre-seeds @vscode/ripgrep's download cache with Debian's rg (fix 2). */
function seedRipgrepCache(tmp) {
  const cache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PKG}`);
  const tarball = join(cache, RIPGREP_ASSET);
  if (existsSync(tarball)) return;
  mkdirSync(cache, { recursive: true });
  const stage = mkdtempSync(join(tmp, 'rg-'));
  copyFileSync('/usr/bin/rg', join(stage, 'rg'));
  run('tar', ['-czf', tarball, '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
}

export function isInstalled() {
  return existsSync(MARKER) && existsSync(SERVER_MAIN) && readFileSync(MARKER, 'utf8').trim() === CODE_SERVER_VERSION;
}

/**
 * Installs the host if needed; returns the path of server-main.js. Concurrent callers (two test
 * runs on a fresh clone) serialize on a lock file; the second one then finds the marker.
 */
export function install() {
  if (isInstalled() && existsSync(CHROMIUM)) return SERVER_MAIN;
  if (process.env.FLOWGEAR_HOST_INSTALL_LOCKED === '1') return installUnderLock();
  mkdirSync(join(ROOT, '.vscode-test'), { recursive: true });
  const r = spawnSync('flock', [join(ROOT, '.vscode-test', '.install.lock'), process.execPath, import.meta.filename], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FLOWGEAR_HOST_INSTALL_LOCKED: '1' },
  });
  if (r.status !== 0 || !isInstalled()) throw new Error('installing the VS Code test host failed (see the output above)');
  return SERVER_MAIN;
}

function installUnderLock() {
  if (isInstalled() && existsSync(CHROMIUM)) return SERVER_MAIN;
  const started = Date.now();
  ensureAptPackages();
  mkdirSync(HOST_DIR, { recursive: true });
  // A private TMPDIR: the ripgrep cache lives there and nothing else on the machine interferes.
  const tmp = join(ROOT, '.vscode-test', 'tmp');
  mkdirSync(tmp, { recursive: true });
  seedRipgrepCache(tmp);
  if (!existsSync(join(HOST_DIR, 'package.json'))) {
    writeFileSync(join(HOST_DIR, 'package.json'), JSON.stringify({ name: 'flowgear-test-host', private: true }, null, 2) + '\n');
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${HOST_DIR} (takes about 1–3 minutes)…`);
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp` (fix 3)
    npm_config_unsafe_perm: 'true', // code-server's postinstall as root (fix 4)
    npm_config_nodedir: process.env.npm_config_nodedir || '/usr', // node-gyp headers offline (fix 5)
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  // Scripts must run (node-pty, kerberos, argon2, code-server's postinstall): never --ignore-scripts.
  run('npm', ['install', '--no-save', '--no-package-lock', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: HOST_DIR, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(SERVER_MAIN)) throw new Error(`code-server installed but ${SERVER_MAIN} is missing`);
  writeFileSync(MARKER, CODE_SERVER_VERSION + '\n');
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return SERVER_MAIN;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    install();
    // Under the lock this is the child of another install(): the caller reports.
    if (process.env.FLOWGEAR_HOST_INSTALL_LOCKED !== '1') log(`ready: ${SERVER_MAIN}`);
  } catch (e) {
    console.error(`host:install: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
