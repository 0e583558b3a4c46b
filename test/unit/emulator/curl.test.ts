import * as assert from 'node:assert/strict';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { curl, curlCert } from './clients';
import { standardFixture, withLog } from './shared';

// curl --cert/--key against the emulator over real sockets, handshake mode.
describe('emulator with curl (handshake mode)', () => {
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

  const call = (path: string, key?: string, extra: string[] = []) =>
    curlCert(emu.url + path, emu.caPath, key ? fx.keys[key] ?? fx.strangers[key] : undefined, extra);

  it('allowed: 200 with FgUsername, FgProfile, variables and an InitialisationXml naming the key', async () => {
    const r = await call('/customers/42%20b?x=1&x=2', 'ci');
    assert.equal(r.status, 200, r.stderr + r.body);
    const b = JSON.parse(r.body);
    assert.equal(b.status, true);
    assert.equal(b.statusMessage, '');
    assert.equal(b.workflow, 'Get Customer');
    assert.equal(b.method, 'GET');
    assert.deepEqual(b.pathVariables, { id: '42 b' });
    assert.deepEqual(b.query, { x: ['1', '2'] });
    assert.equal(b.FgUsername, 'Key: ci');
    assert.equal(b.FgProfile, 'Production');
    assert.match(b.InitialisationXml, /<Username>Key: ci<\/Username>/);
    assert.match(b.InitialisationXml, /<Variable Name="id">42 b<\/Variable>/);
    assert.match(last(), /GET \/customers\/42%20b\?x=1&x=2 → 200 'Get Customer' as key 'ci' in Production/);
  });

  it('allowed with a DER (.cer) certificate file; POST body echoed', async () => {
    const r = await call('/orders', 'der-key', ['-X', 'POST', '-H', 'Content-Type: application/json', '--data', '{"qty":3,"note":"<&>"}']);
    assert.equal(r.status, 200, r.body);
    const b = JSON.parse(r.body);
    assert.equal(b.body, '{"qty":3,"note":"<&>"}');
    assert.equal(b.bodyBytes, 22);
    assert.equal(b.FgUsername, 'Key: der-key');
  });

  it('a query variable binds from name={var}', async () => {
    const r = await call('/reports/revenue?name=Q1%26Q2', 'ci');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body).pathVariables, { name: 'Q1&Q2' });
    assert.match(JSON.parse(r.body).InitialisationXml, /<Variable Name="name">Q1&amp;Q2<\/Variable>/);
  });

  it('unknown certificate → 404 {Message}; the log names its thumbprint', async () => {
    const r = await call('/customers/1', 'intruder');
    assert.equal(r.status, 404);
    assert.equal(typeof JSON.parse(r.body).Message, 'string');
    assert.match(last(), new RegExp(`404 refused: unknown certificate: thumbprint ${fx.strangers.intruder.thumbprint}`));
  });

  it('no certificate → 404; the log says none was presented', async () => {
    const r = await call('/customers/1');
    assert.equal(r.status, 404);
    assert.match(last(), /404 refused: no client certificate/);
  });

  it('disabled key → 404', async () => {
    const r = await call('/customers/1', 'off');
    assert.equal(r.status, 404);
    assert.match(last(), /refused: disabled key: 'off'/);
  });

  it('workflow not permitted → 404', async () => {
    const r = await call('/customers/1', 'narrow');
    assert.equal(r.status, 404);
    assert.match(last(), /refused: not permitted: key 'narrow' does not permit workflow 'Get Customer'/);
  });

  it('_profile mismatch → 404 naming both environments; the right _profile → 200', async () => {
    const wrong = await call('/customers/1', 'test');
    assert.equal(wrong.status, 404);
    assert.match(last(), /environment mismatch: key 'test' targets 'Test' but the request is for 'Production'/);
    const right = await call('/customers/1?_profile=Test', 'test');
    assert.equal(right.status, 200, right.body);
    assert.equal(JSON.parse(right.body).FgProfile, 'Test');
  });

  it('two workflows on one route → 409 "Multiple Workflows share this route."', async () => {
    const r = await call('/items/7', 'ci');
    assert.equal(r.status, 409);
    assert.deepEqual(JSON.parse(r.body), { Message: 'Multiple Workflows share this route.' });
    assert.match(last(), /409 refused: ambiguous route: GET \/items\/7 matches 'Item By Id', 'Item By Code'/);
  });

  it('no route → 404', async () => {
    const r = await call('/nowhere', 'ci');
    assert.equal(r.status, 404);
    assert.match(last(), /refused: no route: no workflow is bound to GET \/nowhere/);
  });

  it("a workflow's canned response: status, headers and body", async () => {
    const r = await call('/teapot', 'ci', ['-D', '-']);
    assert.equal(r.status, 418);
    assert.match(r.body, /^x-brew: no\r$/im);
    assert.match(r.body, /\{"Message":"short and stout"\}$/);
  });

  it('the server certificate verifies against the printed CA (curl without -k)', async () => {
    const r = await curl(`${emu.url}/customers/1`, ['--cacert', emu.caPath]);
    assert.equal(r.status, 404, r.stderr);
    const bad = await curl(`${emu.url}/customers/1`);
    assert.equal(bad.status, 0);
    assert.match(bad.stderr, /certificate/i);
  });
});

describe('emulator with curl (renegotiate mode)', () => {
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

  it('with X-Provide-Client-Certificate: Yes curl sends its certificate after renegotiation → 200', async () => {
    const r = await curlCert(`${emu.url}/customers/9`, emu.caPath, fx.keys.ci, ['-H', 'X-Provide-Client-Certificate: Yes']);
    assert.equal(r.status, 200, r.stderr + r.body);
    assert.equal(JSON.parse(r.body).FgUsername, 'Key: ci');
  });

  it('a POST body is read before the renegotiation and still echoed', async () => {
    const r = await curlCert(`${emu.url}/orders`, emu.caPath, fx.keys.ci,
      ['-H', 'X-Provide-Client-Certificate: Yes', '-X', 'POST', '--data-binary', 'b'.repeat(50_000)]);
    assert.equal(r.status, 200, r.stderr + r.body.slice(0, 200));
    assert.equal(JSON.parse(r.body).bodyBytes, 50_000);
  });

  it('without the header no certificate is requested → 404 and the log explains', async () => {
    const r = await curlCert(`${emu.url}/customers/9`, emu.caPath, fx.keys.ci);
    assert.equal(r.status, 404);
    assert.match(last(), /no client certificate: renegotiate mode requests it only for requests with 'X-Provide-Client-Certificate: Yes'/);
  });

  it('speaks TLS 1.2 at most', async () => {
    const r = await curlCert(`${emu.url}/customers/9`, emu.caPath, fx.keys.ci, ['--tlsv1.3', '-H', 'X-Provide-Client-Certificate: Yes']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /alert|version|SSL/i);
  });
});
