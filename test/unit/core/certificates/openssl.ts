import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the real openssl CLI; throws with its stderr when it fails. */
export function openssl(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string } = {}): string {
  const r = spawnSync('openssl', args, { env: { ...process.env, ...opts.env }, input: opts.input, encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** `openssl x509 -fingerprint` as our format (uppercase hex, no colons). */
export function opensslFingerprint(file: string, alg: 'sha1' | 'sha256', inform: 'PEM' | 'DER' = 'PEM'): string {
  const out = openssl(['x509', '-in', file, '-inform', inform, '-noout', '-fingerprint', `-${alg}`]);
  return out.split('=')[1].trim().replace(/:/g, '');
}

/** A temp folder per suite, removed afterwards. */
export function tempDir(prefix: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), `fg-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Asserts a function/promise throws a UserError with this code. */
export function hasCode(code: string) {
  return (e: unknown) => {
    if (!(e instanceof Error) || (e as { code?: string }).code !== code)
      throw new Error(`expected UserError '${code}', got ${e instanceof Error ? `${(e as { code?: string }).code}: ${e.message}` : String(e)}`);
    if (e.name !== 'UserError') throw new Error(`expected a UserError, got ${e.name}`);
    return true;
  };
}
