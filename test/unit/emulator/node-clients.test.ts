import * as assert from 'node:assert/strict';
import { constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { Agent, request as undiciRequest } from 'undici';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { standardFixture, withLog } from './shared';

interface NodeCall { status: number; body: string }

/** Node's https client; `noTicket` = SSL_OP_NO_TICKET, the fix for renegotiating servers. */
function nodeHttps(url: string, o: { ca: string; cert?: string; key?: string; noTicket?: boolean; headers?: Record<string, string> }): Promise<NodeCall> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      agent: false,
      ca: readFileSync(o.ca),
      ...(o.cert ? { cert: readFileSync(o.cert), key: readFileSync(o.key!) } : {}),
      ...(o.noTicket ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
      headers: o.headers,
      timeout: 10_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function viaUndici(url: string, o: { ca: string; cert: string; key: string; noTicket?: boolean; headers?: Record<string, string> }): Promise<NodeCall> {
  const dispatcher = new Agent({
    connect: {
      ca: readFileSync(o.ca), cert: readFileSync(o.cert), key: readFileSync(o.key),
      ...(o.noTicket ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
    },
  });
  try {
    const r = await undiciRequest(url, { dispatcher, headers: o.headers });
    return { status: r.statusCode, body: await r.body.text() };
  } finally {
    await dispatcher.close();
  }
}

const PROVIDE = { 'X-Provide-Client-Certificate': 'Yes' };

describe('emulator with Node clients', () => {
  let fx: FixtureWorkspace;
  before(() => {
    fx = standardFixture();
  });
  after(() => fx?.cleanup());

  describe('handshake mode', () => {
    let emu: RunningEmulator;
    before(async () => ({ emu } = await withLog({ workspace: fx.dir })));
    after(() => emu?.close());

    it('node:https with cert/key → 200 as the key', async () => {
      const r = await nodeHttps(`${emu.url}/customers/3`, { ca: emu.caPath, cert: fx.keys.ci.certificatePem, key: fx.keys.ci.privateKey });
      assert.equal(r.status, 200, r.body);
      assert.equal(JSON.parse(r.body).FgUsername, 'Key: ci');
    });

    it('undici Agent({ connect: { cert, key } }) → 200, and tickets do not matter here', async () => {
      const r = await viaUndici(`${emu.url}/customers/3`, { ca: emu.caPath, cert: fx.keys.ci.certificatePem, key: fx.keys.ci.privateKey });
      assert.equal(r.status, 200, r.body);
    });
  });

  describe('renegotiate mode (the trap in docs/tls-renegotiation.md)', () => {
    let emu: RunningEmulator;
    let last: () => string;
    before(async () => ({ emu, last } = await withLog({ workspace: fx.dir, certRequest: 'renegotiate' })));
    after(() => emu?.close());
    const ci = () => ({ ca: emu.caPath, cert: fx.keys.ci.certificatePem, key: fx.keys.ci.privateKey });

    it('node:https with session tickets on resumes during renegotiation → seen without certificate → 404', async () => {
      const r = await nodeHttps(`${emu.url}/customers/3`, { ...ci(), headers: PROVIDE });
      assert.equal(r.status, 404, r.body);
      assert.match(last(), /no client certificate: the client sent none after renegotiation .*Node: secureOptions SSL_OP_NO_TICKET/);
    });

    it('node:https with SSL_OP_NO_TICKET → full renegotiation → 200', async () => {
      const r = await nodeHttps(`${emu.url}/customers/3`, { ...ci(), noTicket: true, headers: PROVIDE });
      assert.equal(r.status, 200, r.body);
      assert.equal(JSON.parse(r.body).FgUsername, 'Key: ci');
    });

    it('undici without SSL_OP_NO_TICKET → 404; with it → 200', async () => {
      const without = await viaUndici(`${emu.url}/customers/3`, { ...ci(), headers: PROVIDE });
      assert.equal(without.status, 404);
      const withFix = await viaUndici(`${emu.url}/customers/3`, { ...ci(), noTicket: true, headers: PROVIDE });
      assert.equal(withFix.status, 200, withFix.body);
    });

    it('renegotiates once per connection: a second request on the kept-alive socket keeps the certificate', async () => {
      const dispatcher = new Agent({ connections: 1, connect: { ca: readFileSync(emu.caPath), cert: readFileSync(fx.keys.ci.certificatePem), key: readFileSync(fx.keys.ci.privateKey), secureOptions: constants.SSL_OP_NO_TICKET } });
      try {
        const first = await undiciRequest(`${emu.url}/customers/1`, { dispatcher, headers: PROVIDE });
        assert.equal(first.statusCode, 200);
        await first.body.text();
        const second = await undiciRequest(`${emu.url}/customers/2`, { dispatcher });
        assert.equal(second.statusCode, 200);
        assert.equal(JSON.parse(await second.body.text()).pathVariables.id, '2');
      } finally {
        await dispatcher.close();
      }
    });
  });
});
