import * as vscode from 'vscode';
import { watchFiles } from '../../emulator/watch';
import { registerCommand } from '../common/command';
import { Command } from '../ids';
import { manifestStore } from '../manifest/store';
import { chooseFolder } from '../manifest/target';
import { EmulatorController, type StartArgs } from './controller';


/** "Flowgear: Start Local Emulator" / "Stop", status bar item, Output channel, reload on change. */
export function register(context: vscode.ExtensionContext) {
  const controller = new EmulatorController();
  const store = manifestStore(context);

  /** The folder to serve: the argument, the only manifest folder, or the user's pick (as invokes do); its manifest must load. */
  async function pickWorkspace(args: StartArgs): Promise<string | undefined> {
    const folder = await chooseFolder(store, args.workspace);
    if (folder) await store.manifestAt(folder);
    return folder;
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

  context.subscriptions.push(controller);
  registerCommand(
    context,
    Command.emulatorStart,
    async (args: StartArgs = {}) => {
      const workspace = await pickWorkspace(args ?? {});
      if (!workspace) return undefined;
      const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the Flowgear emulator…' }, () =>
        controller.start({ ...args, workspace }, watchFor(workspace)),
      );
      void vscode.window.showInformationMessage(`Flowgear emulator listening on ${info.url}. Its CA: ${info.caPath}`, 'Copy URL', 'Copy CA Path', 'Show Log').then((b) => {
        if (b === 'Copy URL') void vscode.env.clipboard.writeText(info.url);
        if (b === 'Copy CA Path') void vscode.env.clipboard.writeText(info.caPath);
        if (b === 'Show Log') controller.output.show(true);
      });
      return info;
    },
    // The local emulator reads private-key paths and opens a port.
    { trust: 'The local emulator is disabled in Restricted Mode: it reads the keys named in flowgear.json and opens a port.', failure: 'data' },
  );
  registerCommand(context, Command.emulatorStop, async () => ({ stopped: await controller.stop() }));
  registerCommand(context, Command.emulatorShowLog, () => controller.output.show(true));
  return {
    /** Whether the emulator runs, where, how often it reloaded, and its recent log. */
    emulatorStatus: () => ({ running: controller.info() !== undefined, ...controller.info(), reloads: controller.reloads, log: controller.log() }),
  };
}
