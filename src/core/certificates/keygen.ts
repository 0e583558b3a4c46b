import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { UserError } from '../errors';

const generateKeyPairAsync = promisify(generateKeyPair);

// One RSA key in a child process, written to stdout as base64 PKCS#8 DER (a pipe between our
// own processes; never a file).
const CHILD = `const { privateKey } = require('node:crypto').generateKeyPairSync('rsa', { modulusLength: Number(process.argv[1]), publicExponent: 0x10001 });
process.stdout.write(privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'));`;

/**
 * RSA key generation is a random prime search whose time varies several-fold from run to run
 * (0.6–14 s measured for 4096 bits here). Racing independent searches and keeping the first
 * key cuts the wait. The racers are child processes because only a process can be stopped
 * mid-search: a losing worker thread or libuv job would hold the process's exit until it
 * finished (measured), turning min-of-two into max-of-two.
 */
function raceRsa(bits: number, racers: number, signal?: AbortSignal): Promise<KeyObject> {
  return new Promise<KeyObject>((resolve, reject) => {
    const children: ChildProcess[] = [];
    let settled = false;
    let failed = 0;
    const settle = () => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    };
    const onAbort = () => {
      if (settled) return;
      settle();
      reject(new UserError('Key generation cancelled.', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort);
    for (let i = 0; i < racers; i++) {
      // ELECTRON_RUN_AS_NODE: in VS Code's extension host, execPath is Electron.
      const c = spawn(process.execPath, ['-e', CHILD, String(bits)], {
        env: { ...process.env, NODE_OPTIONS: '', ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'ignore'],
        windowsHide: true,
      });
      children.push(c);
      let out = '';
      let done = false;
      c.stdout!.setEncoding('latin1').on('data', (d: string) => (out += d));
      const end = (ok: boolean) => {
        if (done) return;
        done = true;
        if (settled) return;
        if (ok) {
          try {
            const key = createPrivateKey({ key: Buffer.from(out, 'base64'), format: 'der', type: 'pkcs8' });
            settle();
            return resolve(key);
          } catch {
            // fall through: count as a failure
          }
        }
        if (++failed === racers) {
          settle();
          reject(new Error('RSA key generation in child processes failed'));
        }
      };
      c.on('error', () => end(false));
      c.on('close', (code) => end(code === 0 && out.length > 0));
    }
  });
}

/**
 * Racing only pays with idle cores: on a busy machine the racers just share the same CPU time
 * (measured on 2 cores: at load average 8, 2 racers took twice as long; at load ~1, 0.7× as
 * long). So: one extra racer per idle core (half a core counts), at most one per core and 4
 * in all. FLOWGEAR_KEYGEN_RACERS=N overrides (1 = never race).
 */
export function racerCount(): number {
  const forced = Number(process.env.FLOWGEAR_KEYGEN_RACERS);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, 4);
  const cores = availableParallelism();
  const idle = cores - loadavg()[0]; // loadavg is [0,0,0] on Windows: all idle
  return Math.max(1, Math.min(4, cores, 1 + Math.floor(idle + 0.5)));
}

export async function generateKeys(
  keyType: 'rsa' | 'ec',
  bits: number,
  signal?: AbortSignal,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (keyType === 'ec') return generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  const racers = bits >= 3072 ? racerCount() : 1;
  if (racers >= 2) {
    try {
      const privateKey = await raceRsa(bits, racers, signal);
      return { privateKey, publicKey: createPublicKey(privateKey) };
    } catch (e) {
      if (e instanceof UserError) throw e; // cancelled
      // No child processes here (restricted runtime): the in-process path below.
    }
  }
  const pair = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  if (signal?.aborted) throw new UserError('Key generation cancelled.', 'cancelled');
  return pair;
}
