// `npm run test:electron`: the same integration suite (dist/test/suite/index.js) in desktop
// VS Code via @vscode/test-electron, for machines with internet (it downloads VS Code into
// .vscode-test/). Offline, use `npm run test:integration` (the code-server web host) instead.
//   VSCODE_VERSION=1.100.3 npm run test:electron   (default: stable)
// On a machine without a display run it under xvfb-run.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..');
const suite = join(root, 'dist', 'test', 'suite', 'index.js');
if (!existsSync(suite)) {
  console.error(`${suite} is missing — run \`node esbuild.mjs\` first`);
  process.exit(1);
}

// A fresh copy of the fixture workspace, as the offline runner does.
const tmp = mkdtempSync(join(tmpdir(), 'flowgear-electron-'));
const workspace = join(tmp, 'workspace');
cpSync(join(root, 'test', 'integration', 'workspace'), workspace, { recursive: true });

let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: {
      FLOWGEAR_TEST_GREP: process.env.FLOWGEAR_TEST_GREP ?? '',
      FLOWGEAR_TEST_WORKSPACE: workspace,
      FLOWGEAR_REPO_ROOT: root,
    },
  });
} catch (e) {
  // The suite's own `integration: N passed, N failed` line is already on stdout.
  console.error(`test:electron: ${e instanceof Error ? e.message : e}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(code);
