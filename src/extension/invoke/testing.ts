import * as vscode from 'vscode';
import { parseRequestFile } from '../../core/invoke/requestFile';
import { requestTitle, runRequestFile, type RequestOutcome } from '../../core/invoke/run';
import type { EnvironmentPicker } from './environment';
import type { ManifestStore } from '../manifest/store';
import { folderOfFile } from '../manifest/target';
import { exchangesOf } from './requestFiles';
import type { Runner } from './runner';
import { invokeSettings } from '../common/settings';

/**
 * The Testing view: every request with `# @expect` (or `??`) in a `*.flowgear.http` file of the
 * workspace is a test item (file → request), run one by one or all with the status-bar
 * environment; failures carry the expectation's line and the actual value.
 */
export function registerRequestTests(context: vscode.ExtensionContext, store: ManifestStore, env: EnvironmentPicker, runner: Runner) {
  const ctrl = vscode.tests.createTestController('flowgear.requests', 'Flowgear requests');
  /** Outcome of the latest run of each item (tests read it through the extension's API). */
  const results = new Map<string, RequestOutcome & { id: string }>();

  const refreshFile = (uri: vscode.Uri, text: string) => {
    const blocks = parseRequestFile(text).requests.filter((b) => b.expects.length > 0);
    const id = uri.toString();
    if (!blocks.length) {
      ctrl.items.delete(id);
      return;
    }
    let file = ctrl.items.get(id);
    if (!file) {
      file = ctrl.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
      ctrl.items.add(file);
    }
    file.children.replace(
      blocks.map((b) => {
        const item = ctrl.createTestItem(`${id}#${b.index}`, requestTitle(b), uri);
        item.range = new vscode.Range(b.anchorLine, 0, b.anchorLine, 0);
        return item;
      }),
    );
  };
  const refreshUri = async (uri: vscode.Uri) => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    try {
      refreshFile(uri, open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    } catch {
      ctrl.items.delete(uri.toString());
    }
  };
  const discover = async () => {
    for (const uri of await vscode.workspace.findFiles('**/*.flowgear.http', '**/node_modules/**')) await refreshUri(uri);
  };
  ctrl.resolveHandler = async (item) => {
    if (!item) await discover();
  };
  ctrl.refreshHandler = () => discover();

  const runHandler = async (request: vscode.TestRunRequest, token: vscode.CancellationToken) => {
    const run = ctrl.createTestRun(request);
    if (!ctrl.items.size) await discover();
    // Requested items grouped by file; a file item means all its requests.
    const byFile = new Map<string, vscode.TestItem[]>();
    const add = (item: vscode.TestItem) => {
      if (request.exclude?.includes(item)) return;
      if (item.children.size) item.children.forEach(add);
      else {
        const fileId = item.id.split('#')[0];
        byFile.set(fileId, [...(byFile.get(fileId) ?? []), item]);
      }
    };
    if (request.include) request.include.forEach(add);
    else ctrl.items.forEach(add);
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      for (const [fileId, items] of byFile) {
        if (token.isCancellationRequested) break;
        const uri = vscode.Uri.parse(fileId);
        items.forEach((i) => run.started(i));
        const folder = folderOfFile(store, uri);
        const byIndex = new Map(items.map((i) => [Number(i.id.split('#')[1]), i]));
        const settings = invokeSettings(uri);
        try {
          if (!folder) throw new Error('no flowgear.json next to this request file or in the workspace');
          const manifest = await store.manifestAt(folder);
          const doc = await vscode.workspace.openTextDocument(uri);
          await runRequestFile({
            file: uri.fsPath,
            text: doc.getText(),
            manifest,
            invoker: runner.invoker,
            environment: env.current,
            only: [...byIndex.keys()],
            exchanges: exchangesOf(fileId),
            invoke: { timeouts: settings.timeouts, bodyCap: settings.bodyCap, signal: ac.signal },
            provideClientCertificateHeader: settings.provideClientCertificateHeader,
            send: (req, o) => runner.withPassphrase(folder, req.client, (passphrase) => runner.invoker.invoke(req, { ...o, passphrase })),
            stop: () => token.isCancellationRequested,
            onOutcome: (o) => {
              const item = byIndex.get(o.index);
              if (!item) return;
              results.set(item.id, { ...o, id: item.id });
              const at = (line: number) => new vscode.Location(uri, new vscode.Position(Math.max(0, line), 0));
              const heading = o.status !== undefined ? `${o.method} ${o.url} → ${o.status} (${Math.round(o.durationMs)} ms)` : '';
              if (o.status !== undefined) run.appendOutput(`${heading}\r\n`, at(o.line), item);
              if (o.state === 'passed') run.passed(item, o.durationMs);
              else if (o.state === 'skipped') run.skipped(item);
              else if (o.state === 'failed') {
                run.failed(
                  item,
                  o.expectations.filter((e) => !e.pass).map((e) => Object.assign(new vscode.TestMessage(e.message), { location: at(e.expectation.line), actualOutput: e.actual })),
                  o.durationMs,
                );
              } else run.errored(item, Object.assign(new vscode.TestMessage(o.error?.message ?? 'error'), { location: at(o.line) }), o.durationMs);
            },
          });
        } catch (e) {
          for (const i of items) run.errored(i, new vscode.TestMessage((e as Error).message));
        }
      }
    } finally {
      run.end();
    }
  };
  ctrl.createRunProfile('Run', vscode.TestRunProfileKind.Run, runHandler, true);

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.flowgear.http');
  context.subscriptions.push(
    ctrl,
    watcher,
    watcher.onDidCreate(refreshUri),
    watcher.onDidChange(refreshUri),
    watcher.onDidDelete((uri) => ctrl.items.delete(uri.toString())),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.uri.path.endsWith('.flowgear.http')) refreshFile(d.uri, d.getText());
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.path.endsWith('.flowgear.http')) refreshFile(e.document.uri, e.document.getText());
    }),
  );
  void discover();
  return {
    /** Test-only: the controller and the latest outcome per item id. */
    requestTests: { controller: ctrl, results, discover, run: (include?: vscode.TestItem[]) => runHandler(new vscode.TestRunRequest(include), new vscode.CancellationTokenSource().token) },
  };
}
