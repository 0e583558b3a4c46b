// `npm start`: builds the extension, prepares a demo workspace in .demo/ (git-ignored), starts
// VS Code's web server with the extension loaded from this folder and prints the URL to open.
// Runs until Ctrl-C; then the server and everything it started are killed.
//   PORT=8080 npm start      fixed port (default: a free one)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer } from './host/host.mjs';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, '.demo', 'workspace');

const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** The demo manifest; written once so edits made while trying the extension survive restarts. */
function prepareDemo() {
  mkdirSync(join(demo, '.vscode'), { recursive: true });
  // .demo/ lives inside this repository: keep VS Code's git prompt about the parent repo away.
  const settings = join(demo, '.vscode', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify({ 'git.openRepositoryInParentFolders': 'never' }, null, 2) + '\n');
  const manifest = join(demo, 'flowgear.json');
  if (existsSync(manifest)) return;
  writeFileSync(manifest, JSON.stringify({
    site: 'https://acme.flowgear.net',
    environments: [
      { name: 'Production', production: true },
      { name: 'Test', production: false },
    ],
    workflows: [
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
      { name: 'Create Order', method: 'POST', path: '/orders' },
      { name: 'Revenue Report', method: 'GET', path: '/reports/revenue?name={name}' },
    ],
    keys: [],
  }, null, 2) + '\n');
}

prepareDemo();
let server;
try {
  server = await startServer({ port: Number(process.env.PORT ?? 0) });
} catch (e) {
  console.error(`npm start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
// If the server dies on its own there is nothing left to serve.
server.server.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`VS Code server exited (${code ?? signal})`);
  void server.close().then(() => process.exit(1));
});

console.log(`\nFlowgear mTLS demo workspace: ${demo}`);
console.log(`Open in a browser:\n\n  ${server.url(demo)}\n\nPress Ctrl-C to stop.`);
