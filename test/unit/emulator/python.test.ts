import * as assert from 'node:assert/strict';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { python } from './clients';
import { standardFixture, withLog } from './shared';

// python3's ssl + http.client: a client nobody here wrote, verifying our server certificate.
describe('emulator with python3 ssl/http.client', () => {
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let last: () => string;
  before(async () => {
    fx = standardFixture();
    ({ emu, last } = await withLog({ workspace: fx.dir }));
  });
  after(async () => {
    await emu?.close();
    fx?.cleanup();
  });
  const base = () => ({ ca: emu.caPath, host: 'localhost', port: emu.port });

  it('allowed: POST with the key certificate → 200 echoing the body', async () => {
    const r = await python({ ...base(), path: '/orders', method: 'POST', body: 'hello', cert: fx.keys.ci.certificatePem, key: fx.keys.ci.privateKey });
    assert.equal(r.status, 200, r.stderr);
    const b = JSON.parse(r.body);
    assert.equal(b.workflow, 'Create Order');
    assert.equal(b.body, 'hello');
    assert.equal(b.FgUsername, 'Key: ci');
  });

  it('refused: a disabled key → 404 {Message}, reason in the log', async () => {
    const r = await python({ ...base(), path: '/orders', method: 'POST', cert: fx.keys.off.certificatePem, key: fx.keys.off.privateKey });
    assert.equal(r.status, 404, r.stderr);
    assert.ok(JSON.parse(r.body).Message);
    assert.match(last(), /disabled key: 'off'/);
  });
});

describe('emulator with python3 ssl/http.client (renegotiate mode)', () => {
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let last: () => string;
  before(async () => {
    fx = standardFixture();
    ({ emu, last } = await withLog({ workspace: fx.dir, certRequest: 'renegotiate' }));
  });
  after(async () => {
    await emu?.close();
    fx?.cleanup();
  });
  const call = (noTicket: boolean) => python({
    ca: emu.caPath, host: 'localhost', port: emu.port, path: '/customers/4', noTicket,
    cert: fx.keys.ci.certificatePem, key: fx.keys.ci.privateKey, headers: { 'X-Provide-Client-Certificate': 'Yes' },
  });

  it('python with session tickets on falls into the same trap as Node → 404', async () => {
    const r = await call(false);
    assert.equal(r.status, 404, r.stderr);
    assert.match(last(), /sent none after renegotiation .*Python: ssl\.OP_NO_TICKET/);
  });

  it('python with ssl.OP_NO_TICKET sends its certificate → 200', async () => {
    const r = await call(true);
    assert.equal(r.status, 200, r.stderr);
    assert.equal(JSON.parse(r.body).FgUsername, 'Key: ci');
  });
});
