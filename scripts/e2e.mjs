// End-to-end UI test: a newcomer's first minutes, scripted in the real VS Code web workbench
// (VS Code's server + chromium via playwright-core, scripts/host/host.mjs) on the demo workspace
// of `npm start` (scripts/demo-workspace.mjs) with the local emulator as its site.
// Every assertion reads what the page shows (DOM text). One screenshot per step goes to
// test-results/e2e/; `--screenshots` (npm run screenshots) also writes them to media/screenshots/.
//   node scripts/e2e.mjs [--screenshots] [--headed]     (after `node esbuild.mjs`)
//   runE2E() → { passed, failed }                        (scripts/test.mjs)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareDemoWorkspace, startDemoEmulator } from './demo-workspace.mjs';
import { startHost } from './host/host.mjs';
import { snapshotExtension } from './host/integration.mjs';
import { ROOT } from './host/install.mjs';
import { steps } from './e2e/steps.mjs';

const RESULTS = join(ROOT, 'test-results', 'e2e');
const SCREENSHOTS = join(ROOT, 'media', 'screenshots');

/**
 * @param {{ screenshots?: boolean, headless?: boolean, timeoutMs?: number, grep?: string }} [o]
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runE2E({ screenshots = false, headless = true, timeoutMs = 8 * 60_000, grep = process.env.FLOWGEAR_E2E_GREP } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'flowgear-e2e-'));
  const extension = join(tmp, 'extension');
  const workspace = join(tmp, 'workspace');
  let passed = 0, failed = 0;
  let host, emulator, timer;
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const started = Date.now();
  const overall = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`overall timeout of ${timeoutMs / 1000} s`)), timeoutMs); });
  // The VS Code server runs in its own process group: on Ctrl-C stop it (and the emulator) too.
  const onSignal = async (sig) => {
    await host?.close().catch(() => undefined);
    await emulator?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Synchronous last resort when something calls process.exit first (e.g. playwright's SIGINT handler).
  const lastResort = () => {
    if (host?.server.pid) try { process.kill(-host.server.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('exit', lastResort);
  try {
    await Promise.race([overall, (async () => {
      // A snapshot of the built extension: a concurrent build in the shared tree may wipe dist/.
      if (!(await snapshotExtension(extension))) throw new Error('dist/ is incomplete — run `node esbuild.mjs` first');
      const cli = join(extension, 'dist', 'cli.js');
      const demo = await prepareDemoWorkspace(workspace, { cli });
      emulator = await startDemoEmulator(workspace, { cli, onLog: (l) => log(`emulator ${l}`) });
      host = await startHost({ workspace, extensionDevelopmentPath: extension, headless });
      log(`workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const ctx = { page: host.page, workspace, thumbprints: demo.thumbprints, emulator, shot: (name) => shot(host.page, name, screenshots) };
      for (const step of steps) {
        if (grep && !new RegExp(grep).test(step.name)) continue;
        const t0 = Date.now();
        try {
          await step.run(ctx);
          passed++;
          console.log(`  ✔ ${step.name} (${Date.now() - t0} ms)`);
        } catch (e) {
          failed++;
          const file = await shot(host.page, `FAILED-${step.id}`, false).catch(() => undefined);
          console.log(`  ✘ ${step.name}\n      ${String(e instanceof Error ? e.message : e).split('\n').join('\n      ')}${file ? `\n      screenshot: ${file}` : ''}`);
        }
      }
    })()]);
  } catch (e) {
    failed++;
    console.log(`  ✘ e2e run: ${e instanceof Error ? e.message : e}`);
    if (host) await shot(host.page, 'FAILED-run', false).catch(() => undefined);
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // lastResort stays registered: a close() started by a signal may still be in flight here.
    await host?.close().catch(() => undefined);
    await emulator?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  console.log(`e2e: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${RESULTS})`);
  return { passed, failed };
}

function log(line) {
  if (process.env.FLOWGEAR_E2E_VERBOSE) console.log(`    ${line}`);
}

/** Saves test-results/e2e/NAME.png and, for `npm run screenshots`, media/screenshots/NAME.png. */
async function shot(page, name, publish) {
  const file = join(RESULTS, `${name}.png`);
  await page.waitForTimeout(500); // let hovers and panels finish fading in
  await page.screenshot({ path: file, timeout: 15_000 });
  if (publish) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    copyFileSync(file, join(SCREENSHOTS, `${name}.png`));
  }
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runE2E({ screenshots: process.argv.includes('--screenshots'), headless: !process.argv.includes('--headed') });
  process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
}
