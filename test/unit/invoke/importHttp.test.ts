import * as assert from 'node:assert/strict';
import { importHttpFile } from '../../../src/core/invoke/importHttp';
import { blockErrors, parseRequestFile } from '../../../src/core/invoke/requestFile';

const SOURCE = `@host = https://example.test
{{
  exports.token = 'x';
}}
### create
POST {{host}}/orders
Authorization: Basic user pass
Content-Type: application/json

{"a": "{{b}} and {{c}}"}

> {%
  client.global.set("t", response.body.token);
%}

###
GRPC /svc/Method

###
# @key prod
GET /customers/1
`;

describe('request files: Import .http File', () => {
  it('keeps what maps, adds a key, comments out scripts, auth helpers and other protocols, and lists them at the top', () => {
    const r = importHttpFile(SOURCE, { sourceName: 'api.http', defaultKey: 'ci-test' });
    assert.deepEqual(r.notes.map((n) => n.replace(/:.*/, '')), ['line 2', 'line 7', 'line 12', 'line 17']);
    assert.match(r.notes[0], /script block/);
    assert.match(r.notes[1], /auth helper/);
    assert.match(r.notes[2], /response handler/);
    assert.match(r.notes[3], /GRPC requests are not supported/);
    const lines = r.text.split('\n');
    assert.equal(lines[0], '# Imported from api.http by "Flowgear: Import .http File…".');
    assert.ok(lines.includes('# @key ci-test'));
    assert.ok(lines.includes('# Authorization: Basic user pass'));
    assert.ok(lines.includes('{"a": "{{b}} and {{c}}"}'), 'body lines stay');
    const f = parseRequestFile(r.text);
    assert.deepEqual(f.requests.map((b) => [b.method, b.target, b.key]), [['POST', '{{host}}/orders', 'ci-test'], ['GET', '/customers/1', 'prod']]);
    assert.deepEqual(f.requests.flatMap(blockErrors), []);
    assert.equal(f.requests[0].body?.length, 1, 'the handler is no longer part of the body');
  });

  it('without a key, a placeholder and a note; CRLF files stay CRLF; a clean file says so', () => {
    const r = importHttpFile('GET https://h.test/x\r\n', { sourceName: 'a.http' });
    assert.match(r.text, /^# Imported from a\.http[^\n]*\r\n# Not carried over[^\n]*\r\n# {3}1 request\(s\) had no key[^\n]*\r\n\r\n# @key KEY-NAME {3}← a key from flowgear\.json\r\nGET https:\/\/h\.test\/x\r\n$/);
    const clean = importHttpFile('# @key k\nGET /x\n', { sourceName: 'b.http' });
    assert.deepEqual(clean.notes, []);
    assert.match(clean.text, /# Everything was carried over\.\n\n# @key k\nGET \/x\n$/);
  });
});
