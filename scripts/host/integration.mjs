// Runs dist/test/suite/index.js inside a real VS Code extension host (offline web host)
// on a fresh copy of test/integration/workspace/, streaming the extension host's output.
// `runIntegration()` → { passed, failed }; a host that cannot start or times out is a failure.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHost } from './host.mjs';
import { ROOT } from './install.mjs';
import { formatLog, outcome } from './result.mjs';

const SUITE = join(ROOT, 'dist', 'test', 'suite', 'index.js');
const FIXTURE = join(ROOT, 'test', 'integration', 'workspace');
const RESULTS = join(ROOT, 'test-results');

/**
 * @param {{ grep?: string, timeoutMs?: number, headless?: boolean }} [o]
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runIntegration({ grep = process.env.FLOWGEAR_TEST_GREP, timeoutMs = 10 * 60_000, headless = true } = {}) {
  if (!existsSync(SUITE)) {
    console.error(`integration: ${SUITE} is missing — run \`node esbuild.mjs\` first`);
    return { passed: 0, failed: 1 };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'flowgear-it-'));
  const workspace = join(tmp, 'workspace');
  cpSync(FIXTURE, workspace, { recursive: true });

  let output = '';
  const print = (line) => {
    output += line + '\n';
    process.stdout.write(line + '\n');
  };
  /** @type {(code: number) => void} */
  let exited = () => {};
  const done = new Promise((res) => { exited = res; });

  let host;
  let timer;
  const run = { output: '' };
  try {
    const started = Date.now();
    host = await startHost({
      workspace,
      extensionTestsPath: SUITE,
      headless,
      // The server passes its environment on to the extension host; '' clears an outer value.
      env: { FLOWGEAR_TEST_GREP: grep ?? '', FLOWGEAR_TEST_WORKSPACE: workspace },
      onLog: (_type, args) => print(formatLog(args)),
      onExit: (code) => exited(code),
    });
    console.log(`integration: workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const timeout = new Promise((res) => { timer = setTimeout(() => res('timeout'), timeoutMs); });
    const result = await Promise.race([done, timeout]);
    if (result === 'timeout') {
      const shot = await screenshot(host.page, 'integration-timeout');
      console.error(`integration: no result within ${timeoutMs / 1000} s${shot ? ` — screenshot ${shot}` : ''}`);
      Object.assign(run, { timedOut: true });
    } else {
      Object.assign(run, { exitCode: result });
    }
  } catch (e) {
    console.error(`integration: the VS Code host failed: ${e instanceof Error ? e.message : e}`);
    if (host) await screenshot(host.page, 'integration-error');
    Object.assign(run, { error: String(e) });
  } finally {
    clearTimeout(timer);
    await host?.close();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  return outcome({ ...run, output });
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runIntegration();
  console.log(`integration: ${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
}
