/**
 * The CLI's Flowgear session: one file, 0600, in the user's config folder (never the
 * workspace). FLOWGEAR_MTLS_CONFIG_DIR overrides the folder (tests, portable setups).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';

export interface StoredSession {
  apiUrl: string;
  user: string;
  sessionId: string;
  /** Extra CA file given at login (absolute). */
  ca?: string;
  savedAt: string;
}

export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.FLOWGEAR_MTLS_CONFIG_DIR) return env.FLOWGEAR_MTLS_CONFIG_DIR;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'flowgear-mtls');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'flowgear-mtls');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'flowgear-mtls');
}

export const sessionFile = (env: NodeJS.ProcessEnv) => join(configDir(env), 'site-session.json');

export function saveSession(env: NodeJS.ProcessEnv, s: StoredSession): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = sessionFile(env);
  const tmp = `${file}.${process.pid}.tmp`;
  // Created 0600 from the start: the session id is a credential.
  writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

export function loadSession(env: NodeJS.ProcessEnv): StoredSession {
  let s: Partial<StoredSession>;
  try {
    s = JSON.parse(readFileSync(sessionFile(env), 'utf8')) as Partial<StoredSession>;
  } catch {
    throw new UserError('not signed in to Flowgear: run flowgear-mtls site login --user YOU', 'not-signed-in');
  }
  if (typeof s.apiUrl !== 'string' || typeof s.user !== 'string' || typeof s.sessionId !== 'string') {
    throw new UserError(`the session file ${sessionFile(env)} is damaged: run flowgear-mtls site login again`, 'not-signed-in');
  }
  return s as StoredSession;
}

export function removeSession(env: NodeJS.ProcessEnv): boolean {
  try {
    rmSync(sessionFile(env));
    return true;
  } catch {
    return false;
  }
}
