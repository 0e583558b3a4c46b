import * as assert from 'node:assert/strict';
import { adhocRequest } from '../../../src/core/invoke/resolve';
import type { InvokeResult } from '../../../src/core/invoke/result';
import { prettyBody, prettyXml, renderResponseHtml, responseTitle } from '../../../src/extension/invoke/render';

describe('invoke: response view rendering (pure)', () => {
  const request = adhocRequest({ url: 'https://x/customers/1?_profile=Test', certificate: 'a', privateKey: 'b' });
  request.client.keyName = 'ci-test';
  request.workflow = 'Get Customer';
  const body = JSON.stringify({ FgUsername: 'Key: ci-test', InitialisationXml: '<Initialisation><Username>Key: ci-test</Username><Profile>Test</Profile></Initialisation>', evil: '<script>alert(1)</script>' });
  const result = {
    request, url: request.url, status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body, bodyTruncated: false,
    bodyBytes: Buffer.from(body), timings: { dns: 0, tcp: 1, tls: 2, ttfb: 3, download: 0.5, total: 7, reusedConnection: false },
    sizes: { requestBody: 0, responseBody: body.length }, protocol: 'TLSv1.3', clientCertificateConfigured: true,
  } as InvokeResult;

  it('shows status, URL with _profile, Key: NAME, timings; highlights Username; escapes the body', () => {
    const html = renderResponseHtml({ request, result, causes: [], insecure: false, at: 0 }, { nonce: 'N', cspSource: 'S' });
    assert.match(html, /<p class="status ok" id="status">200 OK<\/p>/);
    assert.match(html, /_profile=Test/);
    assert.match(html, /<span id="key">Key: ci-test<\/span>/);
    assert.match(html, /<mark class="username">Key: ci-test<\/mark>/);
    assert.match(html, /time to first byte/);
    assert.ok(!html.includes('<script>alert'), 'body is escaped');
    assert.equal(responseTitle({ request, result, causes: [], insecure: false, at: 0 }), '200 Get Customer · ci-test');
  });

  it('shows the 404 explanation, the insecure banner and errors', () => {
    const html = renderResponseHtml(
      { request, error: { message: 'connection refused by x:443', code: 'refused' }, causes: [{ code: 'key-disabled', message: "Key 'ci-test' is disabled", weight: 100 }], insecure: true, at: 0 },
      { nonce: 'N', cspSource: 'S' },
    );
    assert.match(html, /Failed: connection refused/);
    assert.match(html, /Why 404\?[\s\S]*data-code="key-disabled"/);
    assert.match(html, /NOT verified/);
  });

  it('pretty-prints XML and plain text', () => {
    assert.equal(prettyXml('<a><b>x</b><c/></a>'), '<a>\n  <b>x</b>\n  <c/>\n</a>');
    assert.equal(prettyBody('<a><Username>Key: k</Username></a>', 'application/xml').kind, 'xml');
    assert.match(prettyBody('<a><Username>Key: k</Username></a>', undefined).html, /<mark class="username">Key: k<\/mark>/);
    assert.equal(prettyBody('plain & simple', 'text/plain').html, 'plain &amp; simple');
  });
});
