import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import { readBounded } from '../core/boundedRead';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ensureGitignored } from '../core/certificates/gitignore';
import { generateCertificate } from '../core/certificates/generate';

/** The emulator's TLS identity: a local CA (which users trust as `ca`) and the server certificate it signs. */
export interface ServerIdentity {
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** True when anything was (re)generated on this start. */
  created: boolean;
}

export const STATE_DIR = '.flowgear';
const CA_CERT = 'emulator-ca.crt';
const CA_KEY = 'emulator-ca.key';
const SERVER_CERT = 'emulator-server.crt';
const SERVER_KEY = 'emulator-server.key';
/** Renew a certificate this close to expiry. */
const RENEW_MS = 7 * 86_400_000;

async function readOptional(file: string): Promise<string | undefined> {
  try {
    // A committed .flowgear/ could hold a FIFO or /dev/zero symlink: bounded, regular files only.
    return (await readBounded(file, { field: 'emulator state' })).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Temp file + rename: a crash never leaves half a key; private files are 0600 from the first byte. */
async function writeAtomic(file: string, text: string, mode: number) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, { mode, flag: 'wx' });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

function usable(certPem: string | undefined, keyPem: string | undefined, check: (c: X509Certificate) => boolean): boolean {
  if (!certPem || !keyPem) return false;
  try {
    const c = new X509Certificate(certPem);
    if (Date.parse(c.validTo) - Date.now() < RENEW_MS) return false;
    return check(c);
  } catch {
    return false;
  }
}

function coversNames(c: X509Certificate, names: string[]): boolean {
  return names.every((n) => (isIP(n) ? c.checkIP(n) : c.checkHost(n)) !== undefined);
}

const LOCK_WAIT_MS = 10_000;

/**
 * Two emulators starting at once in one workspace (CLI and editor) must not each write a
 * different CA: whoever holds `.flowgear/emulator.lock` (a directory: mkdir is atomic)
 * creates, the other waits and then reads. A lock older than LOCK_WAIT_MS is stale.
 */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lock = join(dir, 'emulator.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (age > LOCK_WAIT_MS || Date.now() > deadline) {
        await rmdir(lock).catch(() => undefined);
        continue;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/**
 * Loads `<workspace>/.flowgear/emulator-*` or creates what is missing, stale or mismatched.
 * `.flowgear/` is added to the workspace .gitignore before any key is written.
 */
export async function ensureServerIdentity(workspace: string, hostNames: string[]): Promise<ServerIdentity> {
  // Git-ignore first: the folder is about to hold private keys.
  await ensureGitignored(workspace, [`${STATE_DIR}/`]);
  return withLock(join(workspace, STATE_DIR), () => loadOrCreate(workspace, hostNames));
}

async function loadOrCreate(workspace: string, hostNames: string[]): Promise<ServerIdentity> {
  const dir = join(workspace, STATE_DIR);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostNames])];
  const path = (f: string) => join(dir, f);
  let [caPem, caKey, certPem, keyPem] = await Promise.all(
    [CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY].map((f) => readOptional(path(f))),
  );
  let created = false;

  if (!usable(caPem, caKey, (c) => c.ca)) {
    const ca = await generateCertificate({ keyType: 'ec', cn: 'Flowgear mTLS local emulator CA', isCA: true, days: 825 });
    await writeAtomic(path(CA_KEY), ca.keyPem, 0o600);
    await writeAtomic(path(CA_CERT), ca.certPem, 0o644);
    [caPem, caKey, certPem, keyPem, created] = [ca.certPem, ca.keyPem, undefined, undefined, true];
  }
  const caCert = new X509Certificate(caPem!);
  if (!usable(certPem, keyPem, (c) => c.checkIssued(caCert) && c.verify(caCert.publicKey) && coversNames(c, names))) {
    const server = await generateCertificate({
      keyType: 'ec',
      cn: 'localhost',
      isCA: false,
      days: 397,
      subjectAltNames: names,
      extKeyUsage: ['serverAuth'],
      issuer: { certPem: caPem!, keyPem: caKey! },
    });
    await writeAtomic(path(SERVER_KEY), server.keyPem, 0o600);
    await writeAtomic(path(SERVER_CERT), server.certPem, 0o644);
    [certPem, keyPem, created] = [server.certPem, server.keyPem, true];
  }
  return { caPath: path(CA_CERT), caPem: caPem!, certPem: certPem!, keyPem: keyPem!, created };
}
