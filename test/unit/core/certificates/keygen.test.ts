import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeys, racerCount } from '../../../../src/core/certificates/keygen';
import { hasCode } from './openssl';

/** Our key-generation child processes still alive (their command line carries the script). */
function racersAlive(): number {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes('generateKeyPairSync') && l.includes('modulusLength: Number(process.argv[1])')).length;
}

describe('certificates: raced RSA key generation', () => {
  const saved = process.env.FLOWGEAR_KEYGEN_RACERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.FLOWGEAR_KEYGEN_RACERS;
    else process.env.FLOWGEAR_KEYGEN_RACERS = saved;
  });

  it('two racing child processes give one valid key; the loser is killed', async () => {
    process.env.FLOWGEAR_KEYGEN_RACERS = '2';
    assert.equal(racerCount(), 2);
    const { privateKey, publicKey } = await generateKeys('rsa', 3072);
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 3072);
    assert.equal(publicKey.asymmetricKeyType, 'rsa');
    for (let i = 0; i < 50 && racersAlive() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(racersAlive(), 0);
  });

  it('an abort stops the search: UserError cancelled, no child left', async () => {
    process.env.FLOWGEAR_KEYGEN_RACERS = '2';
    const abort = new AbortController();
    const p = generateKeys('rsa', 4096, abort.signal);
    for (let i = 0; i < 100 && racersAlive() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(racersAlive(), 2, 'both racers were running');
    abort.abort();
    await assert.rejects(p, hasCode('cancelled'));
    for (let i = 0; i < 50 && racersAlive() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(racersAlive(), 0);
  });

  it('FLOWGEAR_KEYGEN_RACERS=1 generates in-process', async () => {
    process.env.FLOWGEAR_KEYGEN_RACERS = '1';
    assert.equal(racerCount(), 1);
    const { privateKey } = await generateKeys('rsa', 3072);
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 3072);
  });
});
