import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { registerCommand } from '../common/command';
import { Command } from '../ids';
import { parseRequestFile } from '../../core/invoke/requestFile';
import { EnvironmentPicker } from './environment';
import { manifestFolders, manifestIn } from './manifests';
import { requestFromArgs } from './palette';
import { REQUEST_LANGUAGE, RequestCodeLens, RequestCompletion, requestFromFile } from './requestFiles';
import { Runner } from './runner';

const INVOKE_TRUST = 'Invoking is disabled in Restricted Mode: it reads private keys and connects to the hosts named in flowgear.json.';

/** The request runner: environment picker, invoke commands, response view, history, request files. */
export function register(context: vscode.ExtensionContext) {
  const env = new EnvironmentPicker(context.workspaceState);
  const runner = new Runner(context);
  const lens = new RequestCodeLens();
  const selector: vscode.DocumentSelector = [{ language: REQUEST_LANGUAGE }, { pattern: '**/*.flowgear.http' }];

  // Invoke commands report failures as data ({ error, code }) to programmatic callers.
  const invoking = { trust: INVOKE_TRUST, failure: 'data' } as const;
  registerCommand(context, Command.pickEnvironment, (arg?: string | { name?: string }) => env.pick(arg), { failure: 'data' });
  registerCommand(
    context,
    Command.invoke,
    async (args?: unknown) => {
      const r = await requestFromArgs(args, env.current);
      return r && runner.run(r.request, r.folder);
    },
    invoking,
  );
  registerCommand(context, Command.invokeAgain, () => runner.again(), invoking);
  registerCommand(context, Command.history, () => runner.pickHistory(), invoking);
  registerCommand(
    context,
    Command.invokeRequest,
    async (uri?: string, index?: number) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!target) throw new UserError('open a .flowgear.http request file first', 'no-request-file');
      const i = index ?? requestIndexAtCursor();
      const r = await requestFromFile(target, i, env.current);
      return r && runner.run(r.request, r.folder);
    },
    invoking,
  );
  registerCommand(
    context,
    Command.copyRequestAsCode,
    async (uri: string, index: number) => {
      const r = await requestFromFile(uri, index, env.current);
      return r && vscode.commands.executeCommand(Command.copyAsCode, { request: r.request, folder: r.folder });
    },
    { failure: 'data' },
  );

  const manifestWatcher = vscode.workspace.createFileSystemWatcher('**/flowgear.json');
  const keyFileWatcher = vscode.workspace.createFileSystemWatcher('**/*.{crt,cer,pem,der,key,pfx,p12}');
  const onManifest = async (uri: vscode.Uri) => {
    void env.refresh();
    try {
      await runner.noteManifest(await manifestIn(dirname(uri.fsPath)));
    } catch {
      /* deleted or broken: its diagnostics say why */
    }
  };
  // A key's certificate, private key or PFX changed: close its connections so the next invoke re-reads it.
  const onKeyFile = async (uri: vscode.Uri) => {
    for (const folder of manifestFolders()) {
      try {
        for (const k of (await manifestIn(folder)).keys) {
          if ([k.certificate, k.privateKey, k.pfx].includes(uri.fsPath)) await runner.invoker.forget(k.name);
        }
      } catch {
        /* broken manifest: nothing to forget */
      }
    }
  };

  // First sightings of every key, so a later "enabled" flip has a time ("may take five minutes").
  for (const f of manifestFolders()) void manifestIn(f).then((m) => runner.noteManifest(m), () => undefined);

  context.subscriptions.push(
    env,
    runner,
    lens,
    manifestWatcher,
    manifestWatcher.onDidChange(onManifest),
    manifestWatcher.onDidCreate(onManifest),
    manifestWatcher.onDidDelete(onManifest),
    keyFileWatcher,
    keyFileWatcher.onDidChange(onKeyFile),
    keyFileWatcher.onDidCreate(onKeyFile),
    keyFileWatcher.onDidDelete(onKeyFile),
    vscode.languages.registerCodeLensProvider(selector, lens),
    vscode.languages.registerCompletionItemProvider(selector, new RequestCompletion(), ' ', '@'),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void env.refresh()),
  );
}

/** Index of the request under the cursor in the active request file. */
function requestIndexAtCursor(): number {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return 0;
  const line = ed.selection.active.line;
  const blocks = parseRequestFile(ed.document.getText()).requests;
  return (blocks.find((b) => line >= b.startLine && line <= b.endLine) ?? blocks[0])?.index ?? 0;
}
