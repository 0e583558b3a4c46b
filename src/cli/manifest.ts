/**
 * Finding and loading the workspace manifest for CLI commands, with problems printed
 * compiler-style (`file:line:col: error: message [code]`) so editors and CI link them.
 */
import { relative, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { findManifest, loadManifest, MANIFEST_FILE } from '../core/manifest/load';
import type { Key, Manifest, Problem } from '../core/manifest/types';
import type { Io } from './args';

/** The flowgear.json of `--workspace DIR` (default: the current directory). */
export function manifestPath(workspace: string | undefined, io: Io): string {
  const dir = resolve(io.cwd, workspace ?? '.');
  const file = findManifest(dir);
  if (!file) throw new UserError(`no ${MANIFEST_FILE} in ${dir} (pass --workspace DIR, or create one from the editor: "Flowgear: Create flowgear.json")`, 'no-manifest');
  return file;
}

export function formatProblem(file: string, p: Problem, io: Io): string {
  const shown = relative(io.cwd, file) || file;
  return `${shown}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message} [${p.code}]`;
}

/** Loads the manifest or throws one UserError listing why it is unusable. */
export async function loadForCli(workspace: string | undefined, io: Io): Promise<Manifest> {
  const file = manifestPath(workspace, io);
  const r = await loadManifest(file);
  if (!r.ok) {
    const errors = r.problems.filter((p) => p.severity === 'error').map((p) => formatProblem(file, p, io));
    throw new UserError(`${MANIFEST_FILE} cannot be used:\n${errors.join('\n')}`, 'manifest-invalid');
  }
  return r.manifest;
}

/** Passphrase of a key's PFX/encrypted key from the env var the manifest names (never argv). */
export function passphraseFromEnv(io: Io): (key: Key) => string | undefined {
  return (key) => (key.passphraseEnv ? io.env[key.passphraseEnv] : undefined);
}

/** Left-aligned text columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
