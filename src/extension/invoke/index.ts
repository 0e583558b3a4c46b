import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { registerCommand } from '../common/command';
import { Command } from '../ids';
import { parseRequestFile } from '../../core/invoke/requestFile';
import { EnvironmentPicker } from './environment';
import { manifestStore } from '../manifest/store';
import { requestFromArgs } from './palette';
import { ExpectDecorations, REQUEST_LANGUAGE, RequestCodeLens, RequestCompletion, exchangesOf, requestDiagnostics, requestFromFile } from './requestFiles';
import { Runner } from './runner';
import { registerRequestTests } from './testing';
import { importHttpCommand } from './importHttp';

const INVOKE_TRUST = 'Invoking is disabled in Restricted Mode: it reads private keys and connects to the hosts named in flowgear.json.';

/** The request runner: environment picker, invoke commands, response view, history, request files. */
export function register(context: vscode.ExtensionContext) {
  const store = manifestStore(context);
  const env = new EnvironmentPicker(context.workspaceState, store);
  const runner = new Runner(context, store);
  const lens = new RequestCodeLens();
  const expectDecorations = new ExpectDecorations();
  const selector: vscode.DocumentSelector = [{ language: REQUEST_LANGUAGE }, { pattern: '**/*.flowgear.http' }];

  // Invoke commands report failures as data ({ error, code }) to programmatic callers.
  const invoking = { trust: INVOKE_TRUST, failure: 'data' } as const;
  registerCommand(context, Command.pickEnvironment, (arg?: string | { name?: string }) => env.pick(arg), { failure: 'data' });
  registerCommand(
    context,
    Command.invoke,
    async (args?: unknown) => {
      const r = await requestFromArgs(store, args, env.current);
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
      const r = await requestFromFile(store, target, i, env.current);
      if (!r) return undefined;
      const out = await runner.run(r.request, r.folder, { expects: r.expects });
      if (out.expectations) expectDecorations.show(target, out.expectations);
      // A `# @name`d response feeds `{{name.response…}}` of later requests in this file.
      if (r.name && out.status !== undefined) exchangesOf(target).set(r.name, { request: { headers: r.request.headers, body: r.request.body }, response: { headers: out.headers ?? {}, body: out.body ?? '' } });
      return out;
    },
    invoking,
  );
  registerCommand(
    context,
    Command.copyRequestAsCode,
    async (uri: string, index: number) => {
      const r = await requestFromFile(store, uri, index, env.current);
      return r && vscode.commands.executeCommand(Command.copyAsCode, { request: r.request, folder: r.folder });
    },
    { failure: 'data' },
  );

  // Remember when keys were switched on ("may take five minutes"), from the first load on.
  const noteAll = () => Promise.all(store.manifests().map((m) => runner.noteManifest(m)));
  void store.ready.then(noteAll);
  // A key's certificate, private key or PFX changed: close its connections so the next invoke re-reads it.
  const onKeyFile = (uri: vscode.Uri) => {
    for (const k of store.manifests().flatMap((m) => m.keys)) {
      if ([k.certificate, k.privateKey, k.pfx].includes(uri.fsPath)) void runner.invoker.forget(k.name);
    }
  };

  context.subscriptions.push(
    env,
    runner,
    lens,
    expectDecorations,
    store.onDidChange(() => void noteAll()),
    store.onDidChangeFile(onKeyFile),
    vscode.languages.registerCodeLensProvider(selector, lens),
    ...requestDiagnostics(),
    vscode.languages.registerCompletionItemProvider(selector, new RequestCompletion(store), ' ', '@'),
    vscode.workspace.onDidGrantWorkspaceTrust(() => env.refresh()),
  );
  registerCommand(context, Command.importHttpFile, (uri?: vscode.Uri, o?: { key?: string }) => importHttpCommand(store, uri, o));
  return registerRequestTests(context, store, env, runner);
}

/** Index of the request under the cursor in the active request file. */
function requestIndexAtCursor(): number {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return 0;
  const line = ed.selection.active.line;
  const blocks = parseRequestFile(ed.document.getText()).requests;
  return (blocks.find((b) => line >= b.startLine && line <= b.endLine) ?? blocks[0])?.index ?? 0;
}
