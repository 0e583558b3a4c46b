// `npm test`: build, typecheck, unit tests in plain Node, the integration suite inside
// a real VS Code extension host, then the end-to-end UI test (scripts/e2e.mjs: playwright
// driving the web workbench). Ends with one line `N passed, N failed` over all of them.
//   --unit / --integration / --e2e   run only that part
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';

const only = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--integration') ? 'integration' : process.argv.includes('--e2e') ? 'e2e' : 'all';
const root = resolve(import.meta.dirname, '..');
process.chdir(root);

function step(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`\n0 passed, 1 failed`);
    console.error(`${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
}

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.test.js') ? [p] : [];
  }).sort();
}

async function unit() {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: 'spec' });
  if (process.env.FLOWGEAR_TEST_GREP) mocha.grep(process.env.FLOWGEAR_TEST_GREP);
  for (const f of files('dist/test/unit')) mocha.addFile(resolve(f));
  await mocha.loadFilesAsync();
  return new Promise((res) => {
    let passed = 0, failed = 0;
    const runner = mocha.run(() => res({ passed, failed }));
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
  });
}

step(process.execPath, ['esbuild.mjs']);
step(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);

let passed = 0, failed = 0;
if (only === 'all' || only === 'unit') {
  const r = await unit();
  console.log(`unit: ${r.passed} passed, ${r.failed} failed`);
  passed += r.passed; failed += r.failed;
}
if (only === 'all' || only === 'integration') {
  // The same suite in each VS Code host (1.100 on Node 20, 1.139 on Node 24; FLOWGEAR_HOSTS picks).
  const { runIntegrationInHosts } = await import('./host/integration.mjs');
  const r = await runIntegrationInHosts();
  console.log(`integration: ${r.passed} passed, ${r.failed} failed`);
  passed += r.passed; failed += r.failed;
}
if (only === 'all' || only === 'e2e') {
  const { runE2E } = await import('./e2e.mjs');
  const r = await runE2E();
  passed += r.passed; failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
