/** `flowgear-mtls code …` in-process: output, errors as one line with the right exit code, and the printed curl run for real. */
import * as assert from 'node:assert/strict';
import { prepareForCodegen } from '../../../src/core/codegen/prepare';
import { main } from '../../../src/cli/main';
import { memoryIo } from '../helpers/io';
import { parseOutput, PASS_ENV, PASSPHRASE, removeAll, run, scratch, startWorld, writeProgram, type CodegenWorld } from './harness';
import { skipOrFail } from './runners';

describe('codegen: flowgear-mtls code', function () {
  this.timeout(60_000);
  let world: CodegenWorld;
  const dirs: string[] = [];
  before(async () => {
    world = await startWorld('renegotiate');
  });
  after(async () => {
    await world?.close();
    removeAll(dirs);
  });

  async function cli(...argv: string[]) {
    const io = memoryIo({ ...process.env }, world.fx.dir);
    const code = await main(['code', ...argv], io);
    return { code, out: io.stdout, err: io.stderr };
  }

  it('prints curl for the invoke and the printed command works against the emulator', async function () {
    const r = await cli('curl', 'Update Customer', '--key', 'ci', '--var', 'id=C-42');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /\/customers\/C-42\?_profile=Test/);
    skipOrFail(this, ['curl']);
    const dir = scratch('cli');
    dirs.push(dir);
    // Run where the header says: paths are relative to the folder holding flowgear.json (issue 18).
    const res = await run('sh', [writeProgram(dir, 'invoke.sh', r.out)], { cwd: world.fx.dir });
    assert.equal(res.code, 0, res.stderr);
    const out = parseOutput(res.stdout);
    assert.equal(out.status, 200, res.stdout);
    assert.match(out.body, /"FgUsername":"Key: ci"/);
    assert.match(out.body, /"FgProfile":"Test"/);
  });

  it('--env overrides the key\'s environment and --variant picks the flavour', async () => {
    const r = await cli('python', 'Update Customer', '--key', 'ci', '--env', 'Production', '--var', 'id=7', '--variant', 'requests');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /URL = "https:\/\/127\.0\.0\.1:\d+\/customers\/7"\n/);
    assert.match(r.out, /import requests/);
  });

  it('names a passphrase variable for protected key material, and never prints the secret', async () => {
    world.fx.manifest.keys.push({ name: 'vault', enabled: true, pfx: world.pfx, permittedWorkflows: ['Ping'] });
    world.fx.writeManifest();
    const r = await cli('java', 'Ping', '--key', 'vault');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /System\.getenv\("FLOWGEAR_PASSPHRASE_VAULT"\)/);
    const named = await cli('csharp', 'Ping', '--key', 'vault', '--passphrase-env', PASS_ENV);
    assert.match(named.out, new RegExp(`GetEnvironmentVariable\\("${PASS_ENV}"\\)`));
    assert.ok(!named.out.includes(PASSPHRASE));
  });

  it('prepareForCodegen computes a missing thumbprint and names a variable for an encrypted key', () => {
    const req = world.resolve({ key: 'rsa' });
    const bare = { ...req, client: { ...req.client, thumbprint: undefined, privateKey: world.encryptedKey, passphraseEnv: undefined } };
    const prepared = prepareForCodegen(bare, world.manifest);
    assert.equal(prepared.client.thumbprint, world.fx.keys.rsa.thumbprint);
    assert.equal(prepared.client.passphraseEnv, 'FLOWGEAR_PASSPHRASE_RSA');
    const plain = prepareForCodegen({ ...req, client: { ...req.client, passphraseEnv: undefined } }, world.manifest);
    assert.equal(plain.client.passphraseEnv, undefined, 'an unencrypted PEM key needs no passphrase');
  });

  it('rejects an unknown language or variant with a usage error (exit 2), no stack', async () => {
    const lang = await cli('cobol', 'Ping', '--key', 'ci');
    assert.equal(lang.code, 2);
    assert.match(lang.err, /^flowgear-mtls: unknown language 'cobol' \(one of: csharp, powershell/);
    const variant = await cli('go', 'Ping', '--key', 'ci', '--variant', 'fast');
    assert.equal(variant.code, 2);
    assert.match(variant.err, /--variant for go: none/);
    assert.equal(lang.out + variant.out, '');
  });

  it('reports an unknown workflow or key in one line (exit 2: a usage error, as the exit-code table in README says)', async () => {
    const r = await cli('go', 'Nope', '--key', 'ci');
    assert.equal(r.code, 2);
    assert.match(r.err, /^flowgear-mtls: unknown workflow 'Nope' \(flowgear\.json declares: 'Update Customer', 'Ping', 'Get Customer'\)\n$/);
    const k = await cli('go', 'Ping', '--key', 'ghost');
    assert.equal(k.code, 2);
    assert.match(k.err, /unknown key 'ghost'/);
    assert.equal(r.out + k.out, '');
  });

  it('a missing path variable is a clear error', async () => {
    const r = await cli('curl', 'Update Customer', '--key', 'ci');
    assert.equal(r.code, 1);
    assert.match(r.err, /^flowgear-mtls: .*\bid\b/);
    assert.ok(!r.err.includes('    at '), 'no stack trace');
  });
});
