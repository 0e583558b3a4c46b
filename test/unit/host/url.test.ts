import * as assert from 'node:assert/strict';
import { workbenchUrl } from '../../../scripts/host/url.mjs';

describe('integration host: workbench URL', () => {
  const payloadOf = (url: string) => new Map<string, string>(JSON.parse(new URL(url).searchParams.get('payload')!));

  it('opens the folder and loads the extension and the suite from the server', () => {
    const url = workbenchUrl({ port: 4711, workspace: '/tmp/ws', extensionDevelopmentPath: '/repo', extensionTestsPath: '/repo/dist/test/suite/index.js' });
    const u = new URL(url);
    assert.equal(u.origin, 'http://127.0.0.1:4711');
    assert.equal(u.searchParams.get('folder'), '/tmp/ws');
    const payload = payloadOf(url);
    assert.equal(payload.get('extensionDevelopmentPath'), 'vscode-remote://127.0.0.1:4711/repo');
    assert.equal(payload.get('extensionTestsPath'), 'vscode-remote://127.0.0.1:4711/repo/dist/test/suite/index.js');
    assert.equal(payload.get('skipWelcome'), 'true');
  });

  it('has no tests path when none is given (npm start)', () => {
    const payload = payloadOf(workbenchUrl({ port: 1, workspace: '/w', extensionDevelopmentPath: '/repo' }));
    assert.equal(payload.has('extensionTestsPath'), false);
  });

  it('keeps unusual folder names intact', () => {
    const url = workbenchUrl({ port: 1, workspace: '/tmp/a b#c%d', extensionDevelopmentPath: '/my repo#1' });
    assert.equal(new URL(url).searchParams.get('folder'), '/tmp/a b#c%d');
    assert.equal(payloadOf(url).get('extensionDevelopmentPath'), 'vscode-remote://127.0.0.1:1/my%20repo%231');
  });
});
