// The demo workspace of `npm start` and the end-to-end UI test (scripts/e2e.mjs):
// flowgear.json (Production + Test, three REST-bound workflows, two keys), client
// certificates made by our own CLI (`flowgear-mtls cert new`, i.e. src/core/certificates),
// a sample request file, and the local emulator serving as the workspace's site.
//
//   await prepareDemoWorkspace(dir);            // idempotent: keeps edits made while trying it
//   const emu = await startDemoEmulator(dir);   // sets "site"/"ca" to the emulator, reloads
//   …; await emu.close();
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { applyEdits, modify, parse } from 'jsonc-parser';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** The two keys: one enabled for Test, one disabled (Production). */
export const DEMO_KEYS = [
  { name: 'ci-test', enabled: true, environment: 'Test', permittedWorkflows: ['Get Customer', 'Revenue Report'] },
  { name: 'ops', enabled: false, permittedWorkflows: ['Create Order'] },
];

export const DEMO_WORKFLOWS = [
  { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
  { name: 'Create Order', method: 'POST', path: '/orders', body: 'samples/order.json', headers: { 'Content-Type': 'application/json' } },
  { name: 'Revenue Report', method: 'GET', path: '/reports/revenue?name={name}' },
];

// Placeholder until the emulator runs; startDemoEmulator replaces it with the real URL.
const PLACEHOLDER_SITE = 'https://127.0.0.1:8443';

const REQUEST_FILE = `# Requests of the Flowgear mTLS demo. Click "Invoke" above a request (CodeLens),
# or put the cursor in one and run "Flowgear: Invoke Request".
# Paths are relative to the site in flowgear.json (here: the local emulator).

@id = 42

### Get a customer with the Test key
# @key ci-test
# @env Test
GET /customers/{{id}}
Accept: application/json

### Revenue report (query variable)
# @key ci-test
# @env Test
GET /reports/revenue?name=Q3

### Create an order with the disabled key: expect 404 and an explanation
# @key ops
# @env Production
POST /orders
Content-Type: application/json

{ "customer": 42, "lines": [{ "sku": "FG-100", "qty": 2 }] }
`;

const FMT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** Edits one value of flowgear.json in place, keeping comments, order and formatting. */
export function setManifestValue(dir, path, value) {
  const file = join(dir, 'flowgear.json');
  const text = readFileSync(file, 'utf8');
  const next = applyEdits(text, modify(text, path, value, FMT));
  if (next !== text) writeFileSync(file, next);
}

/** `flowgear-mtls cert new` — the same code the editor's New Key wizard uses. */
function newCertificate(cli, dir, name) {
  const r = spawnSync(process.execPath, [cli, 'cert', 'new', '--name', name, '--bits', '2048', '--json', '--workspace', dir], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // no terminal: no passphrase prompt, the demo key is unencrypted
  });
  if (r.status !== 0) throw new Error(`flowgear-mtls cert new --name ${name} failed: ${(r.stderr || r.stdout).trim()}`);
  return JSON.parse(r.stdout);
}

/**
 * Creates (or completes) the demo workspace in `dir`. An existing flowgear.json is kept;
 * a key whose certificate files are missing gets a new certificate and its thumbprint is updated.
 * @param {string} dir
 * @param {{ cli?: string }} [o]  the built CLI to use (default dist/cli.js)
 * @returns {Promise<{ dir: string, thumbprints: Record<string, string> }>}
 */
export async function prepareDemoWorkspace(dir, { cli = CLI } = {}) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node esbuild.mjs\` first`);
  dir = resolve(dir);
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  mkdirSync(join(dir, 'samples'), { recursive: true });
  writeIfMissing(join(dir, '.vscode', 'settings.json'), JSON.stringify({
    // .demo/ lives inside this repository: keep VS Code's prompt about the parent repo away.
    'git.openRepositoryInParentFolders': 'never',
    'workbench.startupEditor': 'none',
  }, null, 2) + '\n');
  writeIfMissing(join(dir, 'samples', 'order.json'), JSON.stringify({ customer: 42, lines: [{ sku: 'FG-100', qty: 2 }] }, null, 2) + '\n');
  writeIfMissing(join(dir, 'demo.flowgear.http'), REQUEST_FILE);
  writeIfMissing(join(dir, 'README.md'), demoReadme());

  const manifestFile = join(dir, 'flowgear.json');
  /** Certificates of demo keys whose files are missing, made by the CLI (thumbprint per key). */
  const made = (names) => {
    const out = {};
    for (const name of names) {
      const crt = join(dir, 'certs', `${name}.crt`);
      const key = join(dir, 'certs', `${name}.key`);
      if (existsSync(crt) && existsSync(key)) continue;
      if (existsSync(crt) || existsSync(key)) throw new Error(`${dir}/certs has only half of key '${name}': remove certs/${name}.* or run \`npm start -- --reset\``);
      // A leftover NAME.cer (public, derived from the old certificate) would block `cert new`.
      rmSync(join(dir, 'certs', `${name}.cer`), { force: true });
      out[name] = newCertificate(cli, dir, name).thumbprint;
    }
    return out;
  };

  if (!existsSync(manifestFile)) {
    const thumbprints = made(DEMO_KEYS.map((k) => k.name));
    writeFileSync(manifestFile, JSON.stringify({
      site: PLACEHOLDER_SITE,
      environments: [
        { name: 'Production', production: true },
        { name: 'Test' },
      ],
      workflows: DEMO_WORKFLOWS,
      keys: DEMO_KEYS.map((k) => ({
        name: k.name,
        enabled: k.enabled,
        ...(k.environment ? { environment: k.environment } : {}),
        certificate: `certs/${k.name}.crt`,
        privateKey: `certs/${k.name}.key`,
        // What the Flowgear console shows after uploading certs/NAME.cer.
        thumbprint: thumbprints[k.name],
        permittedWorkflows: k.permittedWorkflows,
      })),
    }, null, 2) + '\n');
    return { dir, thumbprints };
  }

  // An existing manifest stays as the user left it; only demo keys with missing files are remade.
  const keys = parse(readFileSync(manifestFile, 'utf8'))?.keys ?? [];
  const demoKeys = keys.filter((k) => DEMO_KEYS.some((d) => d.name === k?.name));
  const thumbprints = made(demoKeys.map((k) => k.name));
  for (const [name, thumbprint] of Object.entries(thumbprints)) {
    setManifestValue(dir, ['keys', keys.findIndex((k) => k?.name === name), 'thumbprint'], thumbprint);
  }
  return { dir, thumbprints };
}

function writeIfMissing(file, text) {
  if (!existsSync(file)) writeFileSync(file, text);
}

function demoReadme() {
  return `# Flowgear mTLS demo workspace

Made by \`npm start\` in the flowgear-mtls repository. The local emulator runs as this
workspace's Flowgear site while \`npm start\` runs (flowgear.json \`site\` and \`ca\` point at it).

- **Keys view** (Flowgear icon in the activity bar): \`ci-test\` (enabled, Test environment)
  and \`ops\` (disabled). Their certificates are in \`certs/\`; the private keys are git-ignored.
- Status bar **Flowgear: Production** → pick **Test**, then run **Flowgear: Invoke Workflow…**.
- Open \`demo.flowgear.http\` and click **Invoke** above a request.
- Hover the first line of \`certs/ci-test.crt\` (open it as text) for its thumbprint.

Delete this folder (or run \`npm start -- --reset\`) to start over.
`;
}

/**
 * Runs `flowgear-mtls emulator` for the workspace and points flowgear.json's `site` and `ca`
 * at it (the emulator reloads the manifest when it changes).
 * @param {string} dir
 * @param {{ cli?: string, port?: number, certRequest?: 'handshake' | 'renegotiate', onLog?: (line: string) => void, onExit?: (how: number | string) => void, timeoutMs?: number }} [o]
 * @returns {Promise<{ url: string, caPath: string, pid: number, close: () => Promise<void> }>}
 */
export function startDemoEmulator(dir, o = {}) {
  dir = resolve(dir);
  const args = [o.cli ?? CLI, 'emulator', '--workspace', dir, '--port', String(o.port ?? 0), '--cert-request', o.certRequest ?? 'handshake'];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((res) => child.once('exit', res));
  // Whatever way this process ends (process.exit included), the emulator ends with it.
  const onParentExit = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); };
  process.once('exit', onParentExit);
  child.once('exit', (code, sig) => {
    process.off('exit', onParentExit);
    o.onExit?.(code ?? sig);
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM'); // the CLI stops gracefully on SIGTERM
    const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the emulator did not start within ${(o.timeoutMs ?? 20_000) / 1000} s:\n${out}`)), o.timeoutMs ?? 20_000);
    let settled = false;
    const fail = (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void close().then(() => rej(e));
    };
    const onData = (chunk) => {
      const s = chunk.toString();
      for (const line of s.split('\n')) if (line.trim()) o.onLog?.(line);
      if (settled) return;
      out += s;
      const url = /^listening on (https:\/\/\S+)$/m.exec(out)?.[1];
      const ca = /^CA certificate: (.+)$/m.exec(out)?.[1];
      if (!url || !ca) return;
      settled = true;
      clearTimeout(timer);
      try {
        setManifestValue(dir, ['site'], url);
        setManifestValue(dir, ['ca'], relative(dir, ca));
      } catch (e) {
        void close().then(() => rej(e));
        return;
      }
      res({ url, caPath: ca, pid: child.pid, close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, sig) => fail(new Error(`the emulator exited (${code ?? sig}) before listening:\n${out.trim()}`)));
  });
}
