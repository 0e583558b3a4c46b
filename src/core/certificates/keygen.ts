import { createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

const generateKeyPairAsync = promisify(generateKeyPair);

// Runs in a worker thread: one RSA key, returned as PKCS#8 DER.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { generateKeyPairSync } = require('node:crypto');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: workerData, publicExponent: 0x10001 });
parentPort.postMessage(privateKey.export({ type: 'pkcs8', format: 'der' }));
`;

/**
 * RSA key generation is a random prime search: its time varies several-fold from run to run
 * (0.7–13 s measured for 4096 bits on a loaded machine). Racing independent searches on spare
 * cores and keeping the first key cuts the wait; the losers are abandoned (unref'd, so
 * they never hold the process open) and their keys discarded.
 */
async function raceRsa(bits: number, racers: number): Promise<KeyObject> {
  const workers: Worker[] = [];
  try {
    return await new Promise<KeyObject>((resolve, reject) => {
      let failures = 0;
      for (let i = 0; i < racers; i++) {
        const w = new Worker(WORKER, { eval: true, workerData: bits });
        workers.push(w);
        w.once('message', (der: Uint8Array) => resolve(createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })));
        w.once('error', (e) => {
          if (++failures === racers) reject(e);
        });
      }
    });
  } finally {
    for (const w of workers) {
      w.unref();
      void w.terminate();
    }
  }
}

export async function generateKeys(keyType: 'rsa' | 'ec', bits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (keyType === 'ec') return generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  // FLOWGEAR_KEYGEN_RACERS=1 turns racing off (e.g. on a CPU-starved CI runner).
  const wanted = Number(process.env.FLOWGEAR_KEYGEN_RACERS ?? 2);
  const racers = bits >= 3072 ? Math.max(1, Math.min(Number.isInteger(wanted) ? wanted : 2, availableParallelism(), 4)) : 1;
  if (racers < 2) return generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  try {
    const privateKey = await raceRsa(bits, racers);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch {
    // Workers unavailable (restricted runtime): the plain native path.
    return generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  }
}
