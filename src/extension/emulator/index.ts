import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { watchFiles } from '../../emulator/watch';
import { reportError, requireTrust } from '../common/feedback';
import { manifestStore } from '../manifest/store';
import { EmulatorController, type StartArgs } from './controller';

/** The local emulator reads private-key paths and opens a port: trusted workspaces only. */
const requireEmulatorTrust = () => requireTrust('the local emulator is disabled in Restricted Mode. Trust this workspace to run it.');

/** "Flowgear: Start Local Emulator" / "Stop", status bar item, Output channel, reload on change. */
export function register(context: vscode.ExtensionContext) {
  const controller = new EmulatorController();
  const store = manifestStore(context);

  async function pickWorkspace(args: StartArgs): Promise<string | undefined> {
    if (args.workspace) return resolve(args.workspace);
    await store.ready;
    const folders = store.folders();
    if (folders.length === 0) throw new UserError('No flowgear.json in this workspace: create one first (Flowgear: Create flowgear.json).', 'no-manifest');
    if (folders.length === 1) return folders[0].folder.uri.fsPath;
    const pick = await vscode.window.showQuickPick(
      folders.map((f) => ({ label: f.folder.name, description: f.uri.fsPath, path: f.folder.uri.fsPath })),
      { title: 'Start the Flowgear emulator for which folder?' },
    );
    return pick?.path;
  }

  /** Reload on change: through the ManifestStore for workspace folders, else a file watch
   *  armed synchronously (so a change right after start is never missed). */
  function watchFor(workspace: string) {
    return (reload: () => Promise<unknown>, files: () => string[]): vscode.Disposable => {
      const inStore = store.folders().some((f) => f.folder.uri.fsPath === workspace);
      if (inStore) return store.onDidChange(() => void reload());
      const w = watchFiles(files(), () => void reload().then(() => w.update(files())), (m) => controller.output.warn(m));
      return { dispose: () => w.close() };
    };
  }

  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand('flowgear.emulator.start', async (args: StartArgs = {}) => {
      if (!requireEmulatorTrust()) return { error: 'workspace not trusted', code: 'untrusted-workspace' };
      try {
        const workspace = await pickWorkspace(args ?? {});
        if (!workspace) return undefined;
        const info = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Starting the Flowgear emulator…' },
          () => controller.start({ ...args, workspace }, watchFor(workspace)),
        );
        void vscode.window
          .showInformationMessage(`Flowgear emulator listening on ${info.url}. Its CA: ${info.caPath}`, 'Copy URL', 'Copy CA Path', 'Show Log')
          .then((b) => {
            if (b === 'Copy URL') void vscode.env.clipboard.writeText(info.url);
            if (b === 'Copy CA Path') void vscode.env.clipboard.writeText(info.caPath);
            if (b === 'Show Log') controller.output.show(true);
          });
        return info;
      } catch (e) {
        return reportError(e);
      }
    }),
    vscode.commands.registerCommand('flowgear.emulator.stop', async () => ({ stopped: await controller.stop() })),
    vscode.commands.registerCommand('flowgear.emulator.showLog', () => controller.output.show(true)),
    vscode.commands.registerCommand('flowgear.emulator.status', () => ({
      running: controller.info() !== undefined,
      ...controller.info(),
      reloads: controller.reloads,
      log: controller.log(),
    })),
  );
}
