/**
 * "New Certificate-based Key", mirroring the console: Name → Enabled → Target Site
 * Environment → Certificate (generate, or pick an existing .crt/.cer/.pfx) → Permitted
 * Workflows. Writes the key files (0600, git-ignored first) and then the manifest entry;
 * if the manifest edit fails the new files are removed again. Ends with the console step.
 *
 * `flowgear.key.new` with a `NewKeyArgs` object runs without any UI (tests, other extensions).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { readBounded } from '../../core/boundedRead';
import { unlink } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../core/errors';
import { DEFAULT_CERT_FOLDER, gitignorePrivateFiles, validateKeyName, writeKeyFiles } from '../../core/certificates/files';
import { generateCertificate } from '../../core/certificates/generate';
import { inspectCertificateFileAsync } from '../../core/certificates/inspect';
import { keyMatchesCertificate } from '../../core/certificates/keys';
import type { KeyType, RsaBits } from '../../core/certificates/types';
import { addKey, type KeyEntry } from '../../core/manifest/edit';
import { MANIFEST_FILE } from '../../core/manifest/load';
import type { FolderManifest, ManifestStore } from '../manifest/store';
import { entryFor } from '../manifest/target';
import { askNewKey } from './wizardUi';

export interface NewKeyArgs {
  /** Workspace folder (path or Uri); default the first one with a manifest. */
  folder?: string | vscode.Uri;
  name: string;
  /** Default true. */
  enabled?: boolean;
  /** Target Site Environment; omitted or the Production one = Production. */
  environment?: string;
  /** 'generate' (default) or the path of an existing .crt/.cer/.pem/.pfx/.p12. */
  certificate?: string;
  /** Private key file for an existing .crt/.cer/.pem. */
  privateKey?: string;
  /** Passphrase to read an existing PFX's thumbprint (not stored). */
  pfxPassphrase?: string;
  permittedWorkflows?: string[];
  /** Generation: default RSA 4096, 600 days (Flowgear's recipe). */
  keyType?: KeyType;
  bits?: RsaBits;
  days?: number;
  /** Where generated files go, relative to the folder; default certs. */
  certFolder?: string;
}

export interface NewKeyResult {
  name: string;
  thumbprint: string;
  /** Absolute paths of what the manifest now names (and the .cer to upload). */
  files: { certificate?: string; privateKey?: string; pfx?: string; upload: string };
  manifest: string;
}

/** Live validation: format, unique in the manifest (case-insensitive), no files in the way. */
export function validateNewKeyName(entry: FolderManifest, name: string, certFolder = DEFAULT_CERT_FOLDER): string | undefined {
  const bad = validateKeyName(name);
  if (bad) return bad;
  if (entry.manifest?.keys.some((k) => k.name.toLowerCase() === name.toLowerCase())) return `A key named '${name}' already exists.`;
  const dir = resolve(entry.folder.uri.fsPath, certFolder);
  const clash = ['key', 'crt', 'cer'].map((ext) => join(dir, `${name}.${ext}`)).find((f) => existsSync(f));
  if (clash) return `${vscode.workspace.asRelativePath(clash)} already exists.`;
  return undefined;
}

/** As the manifest should store it: relative to the manifest folder, with forward slashes. */
function stored(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

export async function newKey(store: ManifestStore, arg: unknown): Promise<NewKeyResult | undefined> {
  await store.ready;
  const args = typeof arg === 'object' && arg !== null && 'name' in arg ? (arg as NewKeyArgs) : await askNewKey(store);
  if (!args) return undefined;
  const entry = entryFor(store, args.folder);
  if (!entry) throw new UserError('No flowgear.json in this workspace folder: run "Flowgear: Create flowgear.json" first.');
  if (!entry.manifest) throw new UserError('flowgear.json has errors (see Problems); fix them before adding a key.');
  const root = entry.manifest.root;
  const bad = validateNewKeyName(entry, args.name, args.certFolder);
  if (bad) throw new UserError(`Invalid key name '${args.name}': ${bad}`);
  const environment = normaliseEnvironment(entry, args.environment);
  const unknown = (args.permittedWorkflows ?? []).filter((w) => !entry.manifest!.workflows.some((x) => x.name === w));
  if (unknown.length) throw new UserError(`Unknown workflow(s): ${unknown.join(', ')}. Only workflows declared in flowgear.json can be permitted.`);

  const entryBase: KeyEntry = { name: args.name, enabled: args.enabled ?? true, environment, permittedWorkflows: args.permittedWorkflows ?? [] };
  // Fail before writing anything if the manifest cannot take the key.
  const doc = await vscode.workspace.openTextDocument(entry.uri);
  addKey(doc.getText(), { ...entryBase, certificate: 'x', privateKey: 'x' });

  const source = args.certificate ?? 'generate';
  let result: NewKeyResult;
  let created: string[] = [];
  if (source === 'generate') {
    const generated = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Generating a certificate for key '${args.name}'…`, cancellable: true },
      async (_progress, token) => {
        const g = await generateCertificate({ keyType: args.keyType, bits: args.bits, days: args.days });
        return token.isCancellationRequested ? undefined : g;
      },
    );
    if (!generated) return undefined;
    const files = await writeKeyFiles({ workspaceRoot: root, folder: args.certFolder, name: args.name, generated });
    created = [files.key, files.crt, files.cer];
    result = {
      name: args.name,
      thumbprint: generated.thumbprint,
      files: { certificate: files.crt, privateKey: files.key, upload: files.cer },
      manifest: entry.uri.fsPath,
    };
  } else {
    result = await useExisting(root, args, source);
    const privateFiles = [result.files.privateKey, result.files.pfx].filter((f): f is string => !!f);
    await gitignorePrivateFiles(root, privateFiles);
  }

  const keyEntry: KeyEntry = {
    ...entryBase,
    ...(result.files.pfx
      ? { pfx: stored(root, result.files.pfx) }
      : { certificate: stored(root, result.files.certificate!), privateKey: stored(root, result.files.privateKey!) }),
    thumbprint: result.thumbprint,
  };
  try {
    await store.edit(entry.folder, (text) => addKey(text, keyEntry));
  } catch (e) {
    await Promise.all(created.map((f) => unlink(f).catch(() => undefined)));
    throw e;
  }
  showNextStep(result);
  return result;
}

function normaliseEnvironment(entry: FolderManifest, env: string | undefined): string | undefined {
  if (env === undefined) return undefined;
  const found = entry.manifest!.environments.find((e) => e.name.toLowerCase() === env.toLowerCase());
  if (!found) throw new UserError(`Environment '${env}' is not declared in flowgear.json (declared: ${entry.manifest!.environments.map((e) => e.name).join(', ')}).`);
  return found.production ? undefined : found.name;
}

async function useExisting(root: string, args: NewKeyArgs, source: string): Promise<NewKeyResult> {
  const file = resolve(root, source);
  const isPfx = /^\.(pfx|p12)$/i.test(extname(file));
  let info;
  try {
    [info] = await inspectCertificateFileAsync(file, args.pfxPassphrase !== undefined ? { passphrase: args.pfxPassphrase } : {});
  } catch (e) {
    if (isPfx && e instanceof UserError && e.code === 'pfx-passphrase-required') {
      throw new UserError(`${file} is protected: its passphrase is needed once to read the thumbprint (it is not stored).`, e.code);
    }
    throw e;
  }
  if (isPfx) return { name: args.name, thumbprint: info.thumbprint, files: { pfx: file, upload: file }, manifest: join(root, MANIFEST_FILE) };
  if (!args.privateKey) throw new UserError(`A certificate file needs its private key: choose the .key file that belongs to ${file}.`);
  const privateKey = resolve(root, args.privateKey);
  const keyText = await readBounded(privateKey, { field: 'private key' });
  // An encrypted key cannot be compared without its passphrase; invoke will check it then.
  if (!/ENCRYPTED/.test(keyText.toString('latin1')) && !keyMatchesCertificate(keyText, await readBounded(file, { field: 'certificate' }))) {
    throw new UserError(`${privateKey} does not belong to ${file} (their public keys differ).`, 'key-mismatch');
  }
  return { name: args.name, thumbprint: info.thumbprint, files: { certificate: file, privateKey, upload: file }, manifest: join(root, MANIFEST_FILE) };
}

function showNextStep(r: NewKeyResult): void {
  const upload = vscode.workspace.asRelativePath(r.files.upload);
  const message = `Upload ${upload} in the Flowgear console (Site → API Keys → + → New Certificate-based Key) and compare the thumbprint: ${r.thumbprint}`;
  const copy = 'Copy Thumbprint';
  // Not awaited: the command returns at once; the message stays until dismissed.
  void vscode.window.showInformationMessage(message, { modal: false }, copy).then(async (b) => {
    if (b === copy) await vscode.env.clipboard.writeText(r.thumbprint);
  });
}
