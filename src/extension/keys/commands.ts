/**
 * Key commands of the Keys view's context menu. Each accepts a tree node, a plain args
 * object (`{ key: 'ci', folder?, … }`, for tests and other extensions) or nothing (asks).
 */
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { removeKey, setKeyEnabled, setKeyEnvironment, setPermittedWorkflows } from '../../core/manifest/edit';
import type { ManifestStore } from '../manifest/store';
import { isArgs, registerCommand } from '../common/command';
import { Command, type CommandId } from '../ids';
import { resolveKey } from '../manifest/target';
import { thumbprintOfKey } from './present';
import { exportKeyPfx } from './export';
import { pushKeyIfSignedIn } from '../site/keySync';

/** `push` in a command's args: true pushes to a signed-in Site without asking, false never; omitted asks (interactive only). */
async function toSite(store: ManifestStore, folder: vscode.WorkspaceFolder, keyName: string, arg: unknown): Promise<string | undefined> {
  const push = isArgs(arg) ? (arg.push === true ? true : false) : undefined;
  const entry = await store.at(folder.uri.fsPath);
  return pushKeyIfSignedIn(entry?.manifest, keyName, push);
}

export function registerKeyCommands(context: vscode.ExtensionContext, store: ManifestStore): void {
  const reg = (id: CommandId, fn: (arg?: unknown) => Promise<unknown>, trust?: string) => registerCommand(context, id, fn, { trust });

  const setEnabled = (enabled: boolean) => async (arg?: unknown) => {
    const t = await resolveKey(store, arg, enabled ? 'Enable which key?' : 'Disable which key?');
    if (!t) return;
    await store.edit(t.folder, (text) => setKeyEnabled(text, t.key.name, enabled));
    const pushed = await toSite(store, t.folder, t.key.name, arg);
    if (pushed) return { site: pushed };
    if (!enabled && !isArgs(arg)) {
      void vscode.window.showInformationMessage(`Key '${t.key.name}' disabled in flowgear.json. Disable it in the Flowgear console too (Site → API Keys); it can take up to five minutes to take effect.`);
    }
  };
  reg(Command.keyEnable, setEnabled(true));
  reg(Command.keyDisable, setEnabled(false));

  reg(Command.keySetEnvironment, async (arg) => {
    const t = await resolveKey(store, arg, 'Set the target environment of which key?');
    if (!t) return;
    let env: string | undefined;
    if (isArgs(arg) && 'environment' in arg) {
      env = (arg.environment as string | null | undefined) ?? undefined;
    } else {
      const pick = await vscode.window.showQuickPick(
        t.manifest.environments.map((e) => ({
          label: e.name,
          description: [e.production ? 'Production (no _profile)' : e.baseUrl ?? `_profile=${e.name}`, (t.key.environment ?? '').toLowerCase() === e.name.toLowerCase() || (!t.key.environment && e.production) ? 'current' : '']
            .filter(Boolean)
            .join(' · '),
          env: e,
        })),
        { placeHolder: `Target Site Environment for key '${t.key.name}'` },
      );
      if (!pick) return;
      env = pick.env.name;
    }
    // The Production environment is the default: stored as "no environment".
    const production = t.manifest.environments.find((e) => e.production);
    if (env !== undefined && production && env.toLowerCase() === production.name.toLowerCase()) env = undefined;
    await store.edit(t.folder, (text) => setKeyEnvironment(text, t.key.name, env));
    const pushed = await toSite(store, t.folder, t.key.name, arg);
    return pushed ? { site: pushed } : undefined;
  });

  reg(Command.keyEditPermittedWorkflows, async (arg) => {
    const t = await resolveKey(store, arg, 'Edit the permitted workflows of which key?');
    if (!t) return;
    let names: string[];
    if (isArgs(arg) && Array.isArray(arg.workflows)) {
      names = arg.workflows.map(String);
    } else {
      const declared = t.manifest.workflows.map((w) => ({ label: w.name, description: `${w.method} ${w.path}`, picked: t.key.permittedWorkflows.includes(w.name) }));
      const unknown = t.key.permittedWorkflows
        .filter((n) => !t.manifest.workflows.some((w) => w.name === n))
        .map((n) => ({ label: n, description: 'not declared in flowgear.json', picked: true }));
      if (declared.length === 0 && unknown.length === 0) {
        throw new UserError('No REST-bound workflows are declared in flowgear.json yet: add them under "workflows" first.');
      }
      const picks = await vscode.window.showQuickPick([...declared, ...unknown], {
        canPickMany: true,
        placeHolder: `Workflows key '${t.key.name}' may invoke (only REST-bound workflows can be permitted)`,
      });
      if (!picks) return;
      names = picks.map((p) => p.label);
    }
    await store.edit(t.folder, (text) => setPermittedWorkflows(text, t.key.name, names));
    const pushed = await toSite(store, t.folder, t.key.name, arg);
    return pushed ? { site: pushed } : undefined;
  });

  reg(Command.keyDelete, async (arg) => {
    const t = await resolveKey(store, arg, 'Delete which key?');
    if (!t) return;
    const files = [t.key.certificate, t.key.privateKey, t.key.pfx].filter((f): f is string => !!f);
    let deleteFiles: boolean;
    if (isArgs(arg)) {
      deleteFiles = arg.deleteFiles === true;
    } else {
      const justKey = 'Delete Key';
      const withFiles = 'Delete Key and Files';
      const answer = await vscode.window.showWarningMessage(
        `Delete key '${t.key.name}' from flowgear.json?`,
        {
          modal: true,
          detail: `Its files stay on disk unless you choose "${withFiles}" (${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ') || 'none'}). Remove the key in the Flowgear console too (Site → API Keys).`,
        },
        justKey,
        ...(files.length ? [withFiles] : []),
      );
      if (!answer) return;
      deleteFiles = answer === withFiles;
    }
    await store.edit(t.folder, (text) => removeKey(text, t.key.name));
    if (deleteFiles) {
      for (const f of files) await vscode.workspace.fs.delete(vscode.Uri.file(f)).then(undefined, () => undefined);
      await store.refresh();
    }
  }, 'Deleting a key is disabled in Restricted Mode: it can delete the files flowgear.json names.');

  reg(Command.keyCopyThumbprint, async (arg) => {
    const t = await resolveKey(store, arg, 'Copy the thumbprint of which key?');
    if (!t) return;
    const thumb = thumbprintOfKey(t.key, t.entry.statuses.get(t.key.name));
    if (!thumb) throw new UserError(`The thumbprint of key '${t.key.name}' is unknown: its certificate could not be read and flowgear.json has no "thumbprint".`);
    await vscode.env.clipboard.writeText(thumb);
    void vscode.window.setStatusBarMessage(`Copied thumbprint ${thumb}`, 4000);
    return thumb;
  });

  reg(Command.keyRevealCertificate, async (arg) => {
    const t = await resolveKey(store, arg, 'Reveal the certificate of which key?');
    if (!t) return;
    const file = t.key.certificate ?? t.key.pfx;
    if (!file) throw new UserError(`Key '${t.key.name}' names no certificate file (only a thumbprint).`);
    const uri = vscode.Uri.file(file);
    if (t.entry.statuses.get(t.key.name)?.missingFiles.includes(file)) throw new UserError(`The certificate file of key '${t.key.name}' does not exist: ${file}`);
    await vscode.commands.executeCommand('revealInExplorer', uri);
    return uri;
  });

  reg(
    Command.keyExportPfx,
    async (arg) => {
      const t = await resolveKey(store, arg, 'Export which key as PFX?');
      if (!t) return;
      return exportKeyPfx(t, isArgs(arg) ? arg : undefined);
    },
    'Exporting a PFX writes key material.',
  );
}
