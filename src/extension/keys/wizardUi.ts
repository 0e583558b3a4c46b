/** The interactive steps of the new-key wizard; returns the same args the command accepts. */
import * as vscode from 'vscode';
import { extname } from 'node:path';
import { Command } from '../ids';
import type { FolderManifest, ManifestStore } from '../manifest/store';
import type { NewKeyArgs } from './wizard';
import { validateNewKeyName } from './wizard';

const TITLE = 'New Certificate-based Key';

async function pickFolder(store: ManifestStore): Promise<FolderManifest | undefined> {
  const entries = store.folders().filter((e) => e.manifest);
  if (entries.length === 0) {
    const create = 'Create flowgear.json';
    const b = await vscode.window.showWarningMessage('This workspace has no usable flowgear.json yet.', create);
    if (b === create) await vscode.commands.executeCommand(Command.manifestCreate);
    await store.refresh();
    return store.folders().find((e) => e.manifest);
  }
  if (entries.length === 1) return entries[0];
  const pick = await vscode.window.showQuickPick(entries.map((e) => ({ label: e.folder.name, description: e.manifest!.site, e })), { title: TITLE, placeHolder: 'Workspace folder' });
  return pick?.e;
}

export async function askNewKey(store: ManifestStore): Promise<NewKeyArgs | undefined> {
  await store.ready;
  const entry = await pickFolder(store);
  if (!entry?.manifest) return undefined;
  const m = entry.manifest;
  const steps = 5;

  const name = await vscode.window.showInputBox({
    title: `${TITLE} (1/${steps})`,
    prompt: 'Name — unique on the Site; the workflow sees it as "Key: NAME"',
    ignoreFocusOut: true,
    validateInput: (v) => validateNewKeyName(entry, v.trim()),
  });
  if (name === undefined) return undefined;

  const enabled = await vscode.window.showQuickPick(
    [{ label: 'Enabled', value: true }, { label: 'Disabled', value: false, description: 'keep it switched off for now' }],
    { title: `${TITLE} (2/${steps})`, placeHolder: 'Enabled', ignoreFocusOut: true },
  );
  if (!enabled) return undefined;

  const env = await vscode.window.showQuickPick(
    m.environments.map((e) => ({ label: e.name, description: e.production ? 'Production (default)' : e.baseUrl ?? `calls carry _profile=${e.name}`, e })),
    { title: `${TITLE} (3/${steps})`, placeHolder: 'Target Site Environment (optional)', ignoreFocusOut: true },
  );
  if (!env) return undefined;

  const source = await vscode.window.showQuickPick(
    [
      { label: '$(add) Generate a new self-signed certificate', description: 'RSA 4096, 600 days, as in Flowgear’s help', value: 'generate' },
      { label: '$(file) Use an existing certificate…', description: '.crt / .cer with its .key, or a .pfx', value: 'existing' },
    ],
    { title: `${TITLE} (4/${steps})`, placeHolder: 'Certificate', ignoreFocusOut: true },
  );
  if (!source) return undefined;
  const args: NewKeyArgs = { folder: entry.folder.uri, name: name.trim(), enabled: enabled.value, environment: env.e.name };
  if (source.value === 'existing') {
    const [file] =
      (await vscode.window.showOpenDialog({
        title: 'Certificate of the key',
        defaultUri: entry.folder.uri,
        canSelectMany: false,
        filters: { Certificates: ['crt', 'cer', 'pem', 'pfx', 'p12'] },
      })) ?? [];
    if (!file) return undefined;
    args.certificate = file.fsPath;
    if (/^\.(pfx|p12)$/i.test(extname(file.fsPath))) {
      const pass = await vscode.window.showInputBox({ title: TITLE, prompt: 'PFX passphrase (used once to read the thumbprint; not stored)', password: true, ignoreFocusOut: true });
      if (pass === undefined) return undefined;
      if (pass !== '') args.pfxPassphrase = pass;
    } else {
      const [key] =
        (await vscode.window.showOpenDialog({ title: 'Private key of the certificate', defaultUri: file, canSelectMany: false, filters: { 'Private keys': ['key', 'pem'] } })) ?? [];
      if (!key) return undefined;
      args.privateKey = key.fsPath;
    }
  }

  if (m.workflows.length > 0) {
    const picks = await vscode.window.showQuickPick(
      m.workflows.map((w) => ({ label: w.name, description: `${w.method} ${w.path}` })),
      { title: `${TITLE} (5/${steps})`, placeHolder: 'Permitted Workflows (REST-bound workflows this key may invoke)', canPickMany: true, ignoreFocusOut: true },
    );
    if (!picks) return undefined;
    args.permittedWorkflows = picks.map((p) => p.label);
  }
  return args;
}
