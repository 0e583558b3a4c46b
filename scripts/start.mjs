// `npm start`: builds the extension and CLI, prepares the demo workspace in .demo/workspace
// (git-ignored; see scripts/demo-workspace.mjs), runs the local Flowgear emulator as that
// workspace's site, and opens VS Code on it with this extension loaded:
//   - desktop VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH,
//   - otherwise VS Code's web server from the test host, printing the URL to open.
// Runs until Ctrl-C (or, for desktop VS Code, until its window closes); then the emulator,
// the server and everything they started are stopped.
//   npm start -- --web      web host even when `code` is on PATH
//   npm start -- --reset    recreate the demo workspace (new certificates)
//   npm start -- --no-build skip the build (e.g. while `npm run watch` runs)
//   FLOWGEAR_DEMO_DIR=DIR   demo workspace folder (default .demo/workspace)
//   PORT=8080 npm start     fixed port for the web host (default: a free one)
//   FLOWGEAR_DEMO_PORT=8443 fixed emulator port (default: a free one)
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prepareDemoWorkspace, startDemoEmulator } from './demo-workspace.mjs';

const root = resolve(import.meta.dirname, '..');
const demo = resolve(process.env.FLOWGEAR_DEMO_DIR || join(root, '.demo', 'workspace'));
const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--web', '--reset', '--no-build'].includes(a));
if (unknown.length) {
  console.error(`npm start: unknown option ${unknown[0]} (use --web, --reset, --no-build)`);
  process.exit(2);
}

if (!args.includes('--no-build')) {
  const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** Everything to stop on exit, last started first. */
const cleanups = [];
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of cleanups.reverse()) {
    try { await c(); } catch { /* keep stopping the rest */ }
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(0));

function fail(what, e) {
  console.error(`npm start: ${what}: ${e instanceof Error ? e.message : e}`);
  return stop(1);
}

const hasCode = !args.includes('--web') && spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;

try {
  if (args.includes('--reset')) rmSync(demo, { recursive: true, force: true });
  await prepareDemoWorkspace(demo);
} catch (e) {
  await fail('cannot prepare the demo workspace', e);
}

let emulator;
try {
  emulator = await startDemoEmulator(demo, {
    port: Number(process.env.FLOWGEAR_DEMO_PORT ?? 0),
    onLog: (line) => { if (/^\[/.test(line)) console.log(`emulator ${line}`); },
    // Exit 0 = it got the terminal's Ctrl-C too (same process group): stop, quietly.
    onExit: (how) => { if (!stopping) void (how === 0 ? stop(0) : fail('the local emulator stopped', `exit ${how}`)); },
  });
  cleanups.push(() => emulator.close());
} catch (e) {
  await fail('cannot start the local emulator', e);
}

console.log(`\nFlowgear mTLS demo workspace: ${demo}`);
console.log(`Local Flowgear emulator (the workspace's site): ${emulator.url}`);

if (hasCode) {
  // --wait: the CLI returns when the window closes, and then the emulator stops too.
  const code = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, demo], { stdio: 'inherit' });
  cleanups.push(() => { if (code.exitCode === null) code.kill('SIGTERM'); });
  code.on('error', (e) => void fail('cannot run `code`', e));
  code.on('exit', () => { console.log('VS Code window closed'); void stop(0); });
  console.log('Opening desktop VS Code with the extension loaded. Close its window or press Ctrl-C to stop.');
} else {
  const { startServer } = await import('./host/host.mjs');
  let server;
  try {
    server = await startServer({ port: Number(process.env.PORT ?? 0) });
    cleanups.push(() => server.close());
  } catch (e) {
    await fail('cannot start the VS Code web server', e);
  }
  // If the server dies on its own there is nothing left to serve.
  server.server.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`VS Code server exited (${code ?? signal})`);
    void stop(1);
  });
  console.log(`\`code\` is not on PATH: VS Code for the Web is serving the workspace. Open in a browser:\n\n  ${server.url(demo)}\n\nPress Ctrl-C to stop.`);
}
