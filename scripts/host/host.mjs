// A real VS Code workbench for tests, `npm start` and UI end-to-end tests, offline:
// VS Code's server (from code-server) + Debian chromium driven by playwright-core.
// See ../shared/docs/vscode-test-host.md for why each flag is here.
//
//   const host = await startHost({ workspace: '/abs/folder' });
//   await host.page.screenshot({ path: 'x.png' });
//   await host.close();
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, DEFAULT_HOST, ROOT, installHost } from './install.mjs';
import { workbenchUrl } from './url.mjs';

export { workbenchUrl };

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Kills a detached child and everything in its process group; resolves once it exited. */
function killGroup(child) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((res) => {
    child.once('exit', res);
    setTimeout(res, 5_000).unref();
  });
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  return exited;
}

const TMP_PREFIX = '/tmp/fgh-';

/** Removes temp dirs of hosts whose owner process died without close() (killed test runs). */
function removeOrphans() {
  for (const name of readdirSync('/tmp')) {
    const dir = `/tmp/${name}`;
    if (!dir.startsWith(TMP_PREFIX)) continue;
    let pid;
    try { pid = Number(readFileSync(join(dir, 'owner.pid'), 'utf8')); } catch { continue; }
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Spawns server-main.js and resolves with the child and its port once it listens. */
function spawnServer({ serverMain, node, dir, port, env, onServerOutput, timeoutMs }) {
  const home = join(dir, 'h');
  for (const d of ['h', 'h/.config', 'h/.cache', 'h/.local/share', 't', 'u', 's', 'e']) mkdirSync(join(dir, d), { recursive: true });
  const args = [
    serverMain, '--host', '127.0.0.1', '--port', String(port ?? 0),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', join(dir, 'u'), '--server-data-dir', join(dir, 's'), '--extensions-dir', join(dir, 'e'),
  ];
  const child = spawn(node, args, {
    // Own process group, so close() kills the extension host and its children too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      EXTENSIONS_GALLERY: '{}', // offline: no marketplace
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_RUNTIME_DIR: join(dir, 't'),
      TMPDIR: join(dir, 't'), // short: IPC socket paths over 107 chars break
      VSCODE_AGENT_FOLDER: join(dir, 's'),
    },
  });
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`VS Code server did not start within ${timeoutMs / 1000} s:\n${out.slice(-2000)}`)), timeoutMs);
    const fail = (e) => { clearTimeout(timer); killGroup(child); rej(e); };
    const onData = (chunk) => {
      const s = chunk.toString();
      onServerOutput?.(s);
      if (out.length < 100_000) out += s;
      const m = /Extension host agent listening on (\d+)/.exec(out);
      if (m) { clearTimeout(timer); res({ child, port: Number(m[1]) }); }
      // The server stays up without its socket when the port is taken: fail now, not at the timeout.
      const bad = /Error: listen (E[A-Z]+)[^\n]*/.exec(out);
      if (bad && !m) fail(new Error(`VS Code server cannot listen: ${bad[0].replace(/^Error: /, '')}`));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', fail);
    child.on('exit', (code, sig) => fail(new Error(`VS Code server exited (${code ?? sig}) before listening:\n${out.slice(-2000)}`)));
  });
}

/**
 * Starts only VS Code's server (no browser), e.g. for `npm start` where the user opens the URL.
 * `host`: which VS Code (install.mjs HOSTS; default 1.100), run on the Node it needs.
 * @param {{ host?: keyof import('./install.mjs').HOSTS, port?: number, env?: Record<string,string>, onServerOutput?: (text: string) => void, startTimeoutMs?: number }} [o]
 * @returns {Promise<{ port: number, server: import('node:child_process').ChildProcess, dir: string,
 *   url: (workspace: string, extensionTestsPath?: string) => string, close: () => Promise<void> }>}
 */
export async function startServer(o = {}) {
  const { serverMain, node } = installHost(o.host ?? DEFAULT_HOST);
  // Short temp dir (socket paths!), one per server, removed on close.
  removeOrphans();
  const dir = mkdtempSync(TMP_PREFIX);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  try {
    const { child, port } = await spawnServer({ serverMain, node, dir, port: o.port, env: o.env ?? {}, onServerOutput: o.onServerOutput, timeoutMs: o.startTimeoutMs ?? 120_000 });
    let closed = false;
    return {
      port,
      server: child,
      dir,
      url: (workspace, extensionTestsPath) => workbenchUrl({ port, workspace, extensionDevelopmentPath: ROOT, extensionTestsPath }),
      close: async () => {
        if (closed) return;
        closed = true;
        await killGroup(child);
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    throw e;
  }
}

/**
 * Starts VS Code's server and a chromium page on the workbench.
 * @param {object} o
 * @param {string} o.workspace  folder to open
 * @param {keyof import('./install.mjs').HOSTS} [o.host]  which VS Code (default 1.100)
 * @param {string} [o.extensionTestsPath]  a module exporting run(); the workbench exits when it settles
 * @param {string} [o.extensionDevelopmentPath]  defaults to the repo root
 * @param {Record<string,string>} [o.env]  extra env for the server and its extension host
 * @param {boolean} [o.headless]  default true
 * @param {(type: string, args: unknown[]) => void} [o.onLog]  extension host output (codeAutomationLog)
 * @param {(code: number) => void} [o.onExit]  test run finished (codeAutomationExit)
 * @param {(text: string) => void} [o.onServerOutput]  raw server stdout/stderr
 * @param {boolean} [o.waitForWorkbench]  wait until the workbench DOM is shown (default true)
 * @param {number} [o.startTimeoutMs]  default 120 s
 */
export async function startHost(o) {
  const server = await startServer({ host: o.host, env: o.env, onServerOutput: o.onServerOutput, startTimeoutMs: o.startTimeoutMs });
  const cleanups = [() => server.close()];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.reverse()) {
      try { await c(); } catch { /* best effort: keep closing the rest */ }
    }
  };
  try {
    const { port } = server;
    const url = workbenchUrl({ port, workspace: o.workspace, extensionDevelopmentPath: o.extensionDevelopmentPath ?? ROOT, extensionTestsPath: o.extensionTestsPath });
    // playwright launches chromium in its own process group and kills that group on close.
    const context = await chromium.launchPersistentContext(join(server.dir, 'b'), {
      executablePath: CHROMIUM,
      headless: o.headless ?? true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    cleanups.push(() => context.close());
    await context.exposeFunction('codeAutomationLog', (type, args) => o.onLog?.(type, args));
    await context.exposeFunction('codeAutomationExit', (code) => o.onExit?.(code));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    if (o.waitForWorkbench ?? true) await page.waitForSelector('.monaco-workbench', { timeout: o.startTimeoutMs ?? 120_000 });
    return { url, port, page, context, browser: context.browser(), server: server.server, dir: server.dir, close };
  } catch (e) {
    await close();
    throw e;
  }
}
