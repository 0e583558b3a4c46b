/**
 * Finding and loading the workspace manifest for CLI commands, with problems printed
 * compiler-style (`file:line:col: error: message [code]`) so editors and CI link them.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { findManifest, loadManifest, MANIFEST_FILE, type LoadOptions } from '../core/manifest/load';
import type { Key, Manifest, Problem } from '../core/manifest/types';
import type { Io } from './args';

/** The flowgear.json of `--workspace DIR` (default: the current directory). */
export function manifestPath(workspace: string | undefined, io: Io): string {
  const dir = resolve(io.cwd, workspace ?? '.');
  const file = findManifest(dir);
  if (!file) throw new UserError(`no ${MANIFEST_FILE} in ${dir} (pass --workspace DIR, or create one: flowgear-mtls init --site https://SITE.flowgear.net)`, 'no-manifest');
  return file;
}

export function formatProblem(file: string, p: Problem, io: Io): string {
  // Problems of flowgear.local.json carry their own file.
  const own = typeof p.data?.file === 'string' ? p.data.file : file;
  const shown = relative(io.cwd, own) || own;
  return `${shown}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message} [${p.code}]`;
}

/** Loads the manifest or throws one UserError listing why it is unusable. */
export async function loadForCli(workspace: string | undefined, io: Io, o: LoadOptions = {}): Promise<Manifest> {
  const file = manifestPath(workspace, io);
  const r = await loadManifest(file, o);
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

/** Applies a text edit (core/manifest/edit.ts, as the editor does) to the manifest file; comments survive. */
export async function editManifestFile(file: string, edit: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = edit(text);
  // Written beside and renamed: a reader never sees half a manifest.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, next, { flag: 'wx' });
  await rename(tmp, file);
}
