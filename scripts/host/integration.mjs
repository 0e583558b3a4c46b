// Runs dist/test/suite/index.js inside a real VS Code extension host (offline web host)
// on a fresh copy of test/integration/workspace/, streaming the extension host's output.
// `runIntegration({ host })` → { passed, failed }; a host that cannot start or times out is a
// failure. `node scripts/host/integration.mjs` runs it in every host of install.mjs's HOSTS
// (FLOWGEAR_HOSTS=1.139 for one), as `npm run test:integration` does.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHost } from './host.mjs';
import { DEFAULT_HOST, HOSTS, ROOT } from './install.mjs';
import { formatLog, isChatter, outcome } from './result.mjs';

const SUITE = join(ROOT, 'dist', 'test', 'suite', 'index.js');
const FIXTURE = join(ROOT, 'test', 'integration', 'workspace');
const RESULTS = join(ROOT, 'test-results');

/**
 * @param {{ host?: keyof typeof HOSTS, grep?: string, timeoutMs?: number, headless?: boolean }} [o]
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runIntegration({ host = DEFAULT_HOST, grep = process.env.FLOWGEAR_TEST_GREP, timeoutMs = 10 * 60_000, headless = true } = {}) {
  const label = `integration (VS Code ${HOSTS[host]?.vscode ?? host})`;
  const tmp = mkdtempSync(join(tmpdir(), 'flowgear-it-'));
  const workspace = join(tmp, 'workspace');
  cpSync(FIXTURE, workspace, { recursive: true });
  // The host loads a snapshot of the built extension: in a shared tree another build may
  // wipe dist/ while this run is in progress.
  const extension = join(tmp, 'extension');
  if (!(await snapshotExtension(extension))) {
    console.error(`${label}: dist/extension.js or ${SUITE} is missing (not built, or a concurrent build is running) — run \`node esbuild.mjs\``);
    rmSync(tmp, { recursive: true, force: true });
    return { passed: 0, failed: 1 };
  }

  let output = '';
  const verbose = process.env.FLOWGEAR_TEST_VERBOSE === '1';
  const print = (line) => {
    output += line + '\n';
    if (verbose || !isChatter(line)) process.stdout.write(line + '\n');
  };
  /** @type {(code: number) => void} */
  let exited = () => {};
  const done = new Promise((res) => { exited = res; });

  let workbench;
  let timer;
  const run = { output: '' };
  try {
    const started = Date.now();
    workbench = await startHost({
      host,
      workspace,
      extensionDevelopmentPath: extension,
      extensionTestsPath: join(extension, 'dist', 'test', 'suite', 'index.js'),
      headless,
      // The server passes its environment on to the extension host; '' clears an outer value.
      // FLOWGEAR_REPO_ROOT: the extension runs from a snapshot, so tests find repo files through it.
      // FLOWGEAR_HOST_*: the VS Code and Node this host must be (checked by host.test.ts).
      env: {
        FLOWGEAR_TEST_GREP: grep ?? '', FLOWGEAR_TEST_WORKSPACE: workspace, FLOWGEAR_REPO_ROOT: ROOT,
        FLOWGEAR_HOST_VSCODE: HOSTS[host].vscode, FLOWGEAR_HOST_NODE: HOSTS[host].node ?? process.versions.node,
      },
      onLog: (_type, args) => print(formatLog(args)),
      onExit: (code) => exited(code),
    });
    console.log(`${label}: workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const timeout = new Promise((res) => { timer = setTimeout(() => res('timeout'), timeoutMs); });
    const result = await Promise.race([done, timeout]);
    if (result === 'timeout') {
      const shot = await screenshot(workbench.page, `integration-${host}-timeout`);
      console.error(`${label}: no result within ${timeoutMs / 1000} s${shot ? ` — screenshot ${shot}` : ''}`);
      Object.assign(run, { timedOut: true });
    } else {
      Object.assign(run, { exitCode: result });
    }
  } catch (e) {
    console.error(`${label}: the VS Code host failed: ${e instanceof Error ? e.message : e}`);
    if (workbench) await screenshot(workbench.page, `integration-${host}-error`);
    Object.assign(run, { error: String(e) });
  } finally {
    clearTimeout(timer);
    await workbench?.close();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  return outcome({ ...run, output });
}

/** What the extension needs at run time (as in the VSIX) plus the suite; unit test bundles stay out. */
const SNAPSHOT = ['package.json', 'package.nls.json', 'media', 'snippets', 'syntaxes', 'schemas', 'dist'];

/** Copies the extension to `dest`; retries while a concurrent build leaves dist/ incomplete. */
export async function snapshotExtension(dest) {
  for (let attempt = 0; attempt < 10; attempt++) {
    rmSync(dest, { recursive: true, force: true });
    try {
      for (const entry of SNAPSHOT) {
        const src = join(ROOT, entry);
        if (!existsSync(src)) continue;
        cpSync(src, join(dest, entry), { recursive: true, filter: (f) => !f.startsWith(join(ROOT, 'dist', 'test', 'unit')) });
      }
      // mocha (external in the test bundles) and anything else resolve from the repo's node_modules.
      symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
      const main = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8')).main ?? './dist/extension.js';
      if (existsSync(join(dest, main)) && existsSync(join(dest, 'dist', 'test', 'suite', 'index.js'))) return true;
    } catch {
      // A file vanished mid-copy: a build is running; try again shortly.
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

/** Saves a screenshot under test-results/; returns its path, or undefined if the page is gone. */
async function screenshot(page, name) {
  try {
    mkdirSync(RESULTS, { recursive: true });
    const path = join(RESULTS, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
    await page.screenshot({ path, timeout: 10_000 });
    return path;
  } catch {
    return undefined;
  }
}

/** The hosts to run in: FLOWGEAR_HOSTS (comma-separated ids) or all of them. */
export function hostsToRun() {
  const ids = (process.env.FLOWGEAR_HOSTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!HOSTS[id]) throw new Error(`FLOWGEAR_HOSTS: unknown host '${id}' (one of: ${Object.keys(HOSTS).join(', ')})`);
  return ids.length ? ids : Object.keys(HOSTS);
}

/** The suite in each host, one after the other (each is a VS Code server + chromium). */
export async function runIntegrationInHosts() {
  let passed = 0, failed = 0;
  for (const host of hostsToRun()) {
    const r = await runIntegration({ host });
    console.log(`integration (VS Code ${HOSTS[host].vscode}): ${r.passed} passed, ${r.failed} failed`);
    passed += r.passed;
    failed += r.failed;
  }
  return { passed, failed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runIntegrationInHosts();
  console.log(`integration: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
}
