import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BODY_FILE_LIMIT, CERT_FILE_LIMIT, probeFile, readBounded, readBoundedSync } from '../../../src/core/boundedRead';
import { isUserError } from '../../../src/core/errors';
import { HOSTILE_REASON, hostilePaths } from '../helpers/hostile';

describe('bounded file reads (everything flowgear.json names)', () => {
  let dir: string;
  let hostile: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fg-bounded-'));
    hostile = hostilePaths(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file, and a symlink to one', async () => {
    writeFileSync(join(dir, 'ok.crt'), 'hello');
    symlinkSync(join(dir, 'ok.crt'), join(dir, 'ok-link.crt'));
    for (const f of ['ok.crt', 'ok-link.crt']) {
      assert.equal(readBoundedSync(join(dir, f), { field: 'x' }).toString(), 'hello');
      assert.equal((await readBounded(join(dir, f), { field: 'x' })).toString(), 'hello');
    }
  });

  for (const variant of ['sync', 'async', 'probe'] as const) {
    it(`refuses every hostile path with a UserError naming field and path (${variant})`, async () => {
      for (const [what, path] of Object.entries(hostile)) {
        const spec = { field: `key 'k' "certificate"` };
        const run = variant === 'sync' ? async () => readBoundedSync(path, spec) : variant === 'async' ? () => readBounded(path, spec) : async () => probeFile(path, spec);
        await assert.rejects(run, (e: unknown) => {
          assert.ok(isUserError(e), `${what}: ${String(e)}`);
          assert.ok(e.message.startsWith(`key 'k' "certificate": ${path} `), `${what}: ${e.message}`);
          assert.match(e.message, HOSTILE_REASON[what], what);
          return true;
        }, what);
      }
    });
  }

  it('says "does not exist" for a missing file', () => {
    assert.throws(() => readBoundedSync(join(dir, 'nope.crt'), { field: 'f' }), (e: unknown) => isUserError(e) && e.code === 'file-missing' && /nope\.crt does not exist/.test(e.message));
  });

  it('counts the bytes it reads, not what stat claims (a /proc file says size 0)', () => {
    // /proc/self/maps reports st_size 0 but yields text: a cap of 10 bytes must still stop it.
    assert.throws(() => readBoundedSync('/proc/self/maps', { field: 'f', limit: 10 }), (e: unknown) => isUserError(e) && e.code === 'file-too-large');
    assert.ok(readBoundedSync('/proc/self/maps', { field: 'f' }).length > 0);
  });

  it('applies the given cap (bodies may be larger than certificates)', () => {
    const f = join(dir, 'body.json');
    writeFileSync(f, Buffer.alloc(CERT_FILE_LIMIT + 1, 0x20));
    assert.throws(() => readBoundedSync(f, { field: 'body' }), /too large/);
    assert.equal(readBoundedSync(f, { field: 'body', limit: BODY_FILE_LIMIT }).length, CERT_FILE_LIMIT + 1);
  });
});
