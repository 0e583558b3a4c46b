import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { Contract } from '../helpers/contract';
import { makeClientCertificate, makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';

const cli = join(process.cwd(), 'dist', 'cli.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a real process (async: the emulator answers from this process meanwhile). */
function run(args: string[], env: NodeJS.ProcessEnv, onStderr?: (text: string) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli: flowgear-mtls site (real processes against the emulator, contract-checked)', () => {
  let contract: Contract;
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let home: string;
  let local: string;
  let env: NodeJS.ProcessEnv;
  const site = (...args: string[]) => run(['site', ...args], env);

  before(async () => {
    contract = await Contract.load();
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [
        { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
        { name: 'Create Order', method: 'POST', path: '/orders' },
      ],
      keys: [{ name: 'ci' }, { name: 'narrow', permittedWorkflows: ['Create Order'] }],
    });
    emu = await startEmulator({ workspace: fx.dir, managementPassword: 'pw-123', onManagement: contract.observe });
    home = mkdtempSync(join(tmpdir(), 'fg-site-home-'));
    local = mkdtempSync(join(tmpdir(), 'fg-site-ws-'));
    env = { FLOWGEAR_MTLS_CONFIG_DIR: join(home, 'config'), FG_PW: 'pw-123', FG_BAD: 'nope' };
  });
  afterEach(() => assert.deepEqual(contract.take(), [], 'every request and answer stays within the OpenAPI document'));
  after(async () => {
    await emu?.close();
    fx?.cleanup();
    rmSync(home, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
  });

  it('login: password from an env var, session in a 0600 file outside the workspace; clear errors otherwise', async () => {
    const bad = await site('login', '--user', 'dev@example.com', '--password-env', 'FG_BAD', '--api', emu.managementUrl, '--ca', emu.caPath);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^flowgear-mtls: Flowgear refused the sign-in of dev@example\.com: wrong username or password/);
    assert.ok(!/\n\s+at /.test(bad.stderr), 'no stack trace');
    const noTty = await site('login', '--user', 'dev@example.com', '--api', emu.managementUrl, '--ca', emu.caPath);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /--password-env/);
    const plain = await site('login', '--user', 'dev@example.com', '--password-env', 'FG_PW', '--api', 'http://api.example.com');
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /HTTPS/);

    const ok = await site('login', '--user', 'dev@example.com', '--password-env', 'FG_PW', '--api', emu.managementUrl, '--ca', emu.caPath);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Signed in as dev@example\.com .* \(1 site\)/);
    const file = join(home, 'config', 'site-session.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { sessionId: string; apiUrl: string };
    assert.equal(saved.apiUrl, emu.managementUrl);
    assert.ok(!readFileSync(file, 'utf8').includes('pw-123'), 'the password is not stored');
    assert.ok(!ok.stdout.includes(saved.sessionId) && !ok.stderr.includes(saved.sessionId), 'the session id is not printed');
  });

  it('list --json; pull into an empty folder creates flowgear.json from the site', async () => {
    const list = await site('list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 1);
    const pulled = await site('pull', '--workspace', local, '--site-url', emu.url);
    assert.equal(pulled.code, 0, pulled.stderr);
    const m = JSON.parse(readFileSync(join(local, 'flowgear.json'), 'utf8')) as { site: string; siteApi: { url: string }; keys: { name: string; permittedWorkflows: string[] }[]; workflows: unknown[] };
    assert.equal(m.site, emu.url);
    assert.equal(m.siteApi.url, emu.managementUrl);
    assert.deepEqual(m.keys.map((k) => k.name), ['ci', 'narrow']);
    assert.deepEqual(m.keys[1].permittedWorkflows, ['Create Order']);
    assert.equal(m.workflows.length, 2);
  });

  it('diff: exit 0 when the same, exit 1 listing each difference (--json for CI)', async () => {
    const same = await site('diff', '--workspace', local);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    const file = join(local, 'flowgear.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/("name": "ci",\s*"enabled": )true/, '$1false'));
    const differs = await site('diff', '--workspace', local, '--json');
    assert.equal(differs.code, 1);
    const d = JSON.parse(differs.stdout) as { same: boolean; differences: { kind: string; name: string; differences: { field: string }[] }[] };
    assert.equal(d.same, false);
    assert.deepEqual(d.differences.map((x) => [x.kind, x.name, x.differences.map((f) => f.field)]), [['key', 'ci', ['enabled']]]);
  });

  it('push: --dry-run shows the plan and changes nothing; without --yes and no terminal it refuses; --yes applies', async () => {
    const before = readFileSync(fx.manifestFile, 'utf8');
    const dry = await site('push', '--workspace', local, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /update key 'ci': enabled true → false/);
    assert.equal(readFileSync(fx.manifestFile, 'utf8'), before);
    const ask = await site('push', '--workspace', local);
    assert.equal(ask.code, 2);
    assert.match(ask.stderr, /--yes/);
    assert.equal(readFileSync(fx.manifestFile, 'utf8'), before);

    // A new local key with its certificate: push creates it and says what to upload.
    const cert = makeClientCertificate(join(local, 'certs'), 'partner');
    const file = join(local, 'flowgear.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, unknown>[] };
    m.keys.push({ name: 'partner', certificate: 'certs/partner.crt', privateKey: 'certs/partner.key', environment: 'Test', permittedWorkflows: ['Get Customer'] });
    writeFileSync(join(local, '.gitignore'), 'certs/*.key\n');
    writeFileSync(file, JSON.stringify(m, null, 2));
    const yes = await site('push', '--workspace', local, '--yes', '--json');
    assert.equal(yes.code, 0, yes.stderr);
    const r = JSON.parse(yes.stdout) as { applied: { action: string; key: string; uploadNote: string | null }[] };
    assert.deepEqual(r.applied.map((a) => [a.action, a.key]), [['update', 'ci'], ['create', 'partner']]);
    assert.equal(r.applied[1].uploadNote, `upload certs/partner.crt for key partner in the Flowgear console (it must show thumbprint ${cert.thumbprint})`);
    const emuText = readFileSync(fx.manifestFile, 'utf8');
    assert.match(emuText, /"name": "ci",\s*"enabled": false/);
    assert.match(emuText, /"name": "partner",\s*"enabled": true,\s*"environment": "Test"/);
    const after = await site('diff', '--workspace', local);
    assert.equal(after.code, 0, after.stdout);
  });

  it('logs WORKFLOW: the last runs with their nodes; logout ends the session', async () => {
    const dispatcher = new Agent({ connect: { ca: readFileSync(emu.caPath), cert: readFileSync(fx.keys.narrow.certificatePem), key: readFileSync(fx.keys.narrow.privateKey) } });
    const res = await request(`${emu.url}/orders`, { method: 'POST', body: '{}', dispatcher });
    await res.body.dump();
    await dispatcher.close();
    assert.equal(res.statusCode, 200);
    const text = await site('logs', 'Create Order', '--workspace', local);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Create Order \[Success\]/);
    assert.match(text.stdout, /Workflow Response \[Success\] .*Responded 200 to key 'narrow'/);
    const json = await site('logs', 'create order', '--last', '3', '--json', '--workspace', local);
    const runs = JSON.parse(json.stdout) as { nodes: unknown[] }[];
    assert.equal(runs.length, 1);
    assert.equal(runs[0].nodes.length, 2);
    assert.equal((await site('logs', 'Nope', '--workspace', local)).code, 1);
    assert.equal((await site('logs', 'x', '--last', '0')).code, 2);

    const out = await site('logout');
    assert.equal(out.code, 0);
    assert.ok(!existsSync(join(home, 'config', 'site-session.json')));
    const gone = await site('list');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /not signed in/);
  });

  it('login with a redirect account: prints the sign-in address, a one-shot loopback listener takes the token', async () => {
    const fx2 = makeFixtureWorkspace({ workflows: [{ name: 'W', method: 'GET', path: '/w' }], keys: [] });
    mkdirSync(join(fx2.dir, 'x'), { recursive: true });
    const emu2 = await startEmulator({ workspace: fx2.dir, signIn: 'redirect', onManagement: contract.observe });
    const dispatcher = new Agent({ connect: { ca: readFileSync(emu2.caPath) } });
    let browsed: Promise<void> | undefined;
    try {
      const r = await run(['site', 'login', '--user', 'ms@example.com', '--api', emu2.managementUrl, '--ca', emu2.caPath], { ...env, FLOWGEAR_MTLS_CONFIG_DIR: join(home, 'config2') }, (err) => {
        const m = /^\s+(https:\/\/\S+)$/m.exec(err);
        if (!m || browsed) return;
        // The "browser": the sign-in page redirects to the CLI's loopback ReturnUrl with a token.
        browsed = (async () => {
          const page = await request(m[1], { dispatcher });
          await page.body.dump();
          assert.equal(page.statusCode, 302);
          const back = await request(String(page.headers.location));
          assert.match(await back.body.text(), /Signed in to Flowgear/);
        })();
      });
      await browsed;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Open this address in a browser/);
      assert.match(r.stdout, /Signed in as ms@example\.com/);
    } finally {
      await dispatcher.close();
      await emu2.close();
      fx2.cleanup();
    }
  });
});
