import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Environment, Key, Workflow } from '../../../src/core/manifest/types';
import { ECHO_LIMIT, initialisationXml, invokeAnswer, successBody, type InvokeEcho } from '../../../src/emulator/respond';

const workflow: Workflow = { name: 'Report <Q&A>', method: 'GET', path: '/r/{id}' };
const key: Key = { name: `o'brien & "co" <test>`, enabled: true, permittedWorkflows: [] };
const environment: Environment = { name: 'Test', production: false };
const echo = (o: Partial<InvokeEcho> = {}): InvokeEcho => ({
  workflow, key, environment, method: 'GET', pathname: '/r/x', variables: { id: 'a<b>&c\u0001d' },
  query: new URLSearchParams('id=1&_profile=Test'), body: Buffer.alloc(0), ...o,
});

/** Python's XML parser reads the document back: Username text, variable value. */
function parseWithPython(xml: string): Promise<{ username: string; variable: string; profile: string }> {
  const code = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
print(json.dumps({"username": root.findtext("Username"), "profile": root.findtext("Profile"),
                  "variable": root.find("Variables/Variable[@Name='id']").text}))`;
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', code], (err, out, stderr) => (err ? reject(new Error(stderr)) : resolve(JSON.parse(out))));
    child.stdin!.end(xml);
  });
}

describe('emulator responses', () => {
  it('InitialisationXml is well-formed XML with escaped values (read back by python3 xml.etree)', async () => {
    const xml = initialisationXml(echo());
    const parsed = await parseWithPython(xml);
    assert.equal(parsed.username, `Key: o'brien & "co" <test>`);
    assert.equal(parsed.profile, 'Test');
    assert.equal(parsed.variable, 'a<b>&cd', 'XML-illegal control characters are dropped');
  });

  it('the echo caps the body at 64 KiB and says so', () => {
    const b = successBody(echo({ body: Buffer.alloc(ECHO_LIMIT + 10, 0x61) }));
    assert.equal((b.body as string).length, ECHO_LIMIT);
    assert.equal(b.bodyBytes, ECHO_LIMIT + 10);
    assert.equal(b.bodyTruncated, true);
    assert.deepEqual(b.query, { id: '1', _profile: 'Test' });
  });

  it('canned responses: JSON object, text body, or status alone', () => {
    const json = invokeAnswer(echo({ workflow: { ...workflow, response: { status: 201, headers: { 'X-A': '1' }, body: { ok: 1 } } } }));
    assert.deepEqual([json.status, json.headers['x-a'], json.headers['content-type'], json.body], [201, '1', 'application/json; charset=utf-8', '{"ok":1}']);
    const text = invokeAnswer(echo({ workflow: { ...workflow, response: { status: 200, headers: { 'Content-Type': 'application/xml' }, body: '<a/>' } } }));
    assert.deepEqual([text.headers['content-type'], text.body], ['application/xml', '<a/>']);
    const empty = invokeAnswer(echo({ workflow: { ...workflow, response: { status: 204 } } }));
    assert.deepEqual([empty.status, empty.body], [204, '']);
  });
});
