import * as assert from 'node:assert/strict';
import { formatLog, isChatter, outcome, parseResult } from '../../../scripts/host/result.mjs';

describe('integration host: result parsing', () => {
  it('reads the last summary line among other output', () => {
    const out = 'Creating a socket…\nintegration: 1 passed, 2 failed\n  4 passing\nintegration: 7 passed, 0 failed\nbye\n';
    assert.deepEqual(parseResult(out), { passed: 7, failed: 0 });
  });

  it('ignores look-alikes that are not the whole line', () => {
    assert.equal(parseResult('expected integration: 3 passed, 0 failed to appear\n'), undefined);
    assert.equal(parseResult(''), undefined);
  });

  it('a clean run reports what the suite printed', () => {
    assert.deepEqual(outcome({ output: 'integration: 5 passed, 0 failed\n', exitCode: 0 }), { passed: 5, failed: 0 });
    assert.deepEqual(outcome({ output: 'integration: 5 passed, 2 failed\n', exitCode: 1 }), { passed: 5, failed: 2 });
  });

  it('a host that never started, crashed or timed out is a failure, never 0/0', () => {
    assert.deepEqual(outcome({ output: '', error: 'server exited' }), { passed: 0, failed: 1 });
    assert.deepEqual(outcome({ output: 'integration: 3 passed, 0 failed\n', timedOut: true }), { passed: 3, failed: 1 });
    assert.deepEqual(outcome({ output: 'integration: 3 passed, 0 failed\n', exitCode: 1 }), { passed: 3, failed: 1 });
    assert.deepEqual(outcome({ output: 'no summary\n', exitCode: 0 }), { passed: 0, failed: 1 });
  });

  it('formats console arguments the way the extension host console would', () => {
    assert.equal(formatLog(['  %d passing (%s)', 4, '93ms']), '  4 passing (93ms)');
    assert.equal(formatLog(['plain']), 'plain');
    assert.equal(formatLog('not an array'), 'not an array');
  });

  it('hides only known workbench chatter, never test output', () => {
    assert.equal(isChatter('Ignoring fetching additional builtin extensions from gallery as it is disabled.'), true);
    assert.equal(isChatter('Creating a socket (renderer-ExtensionHost-1)...'), true);
    assert.equal(isChatter('    ✔ Creating a socket (renderer) works'), false);
    assert.equal(isChatter('integration: 1 passed, 0 failed'), false);
    assert.equal(isChatter('Error: Cannot find module'), false);
  });
});
