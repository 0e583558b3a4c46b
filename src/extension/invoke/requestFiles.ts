import * as vscode from 'vscode';
import { Command } from '../ids';
import { UserError } from '../../core/errors';
import { expandExpectations, promptsNeeded, requestFromBlock, workflowVariablesNeeded } from '../../core/invoke/fileRequest';
import { blockErrors, directiveAt, parseRequestFile, type RequestFile } from '../../core/invoke/requestFile';
import type { ResolvedRequest } from '../../core/invoke/types';
import type { ExchangeRecord } from '../../core/invoke/variables';
import type { Expectation } from '../../core/invoke/expect';
import type { ManifestStore } from '../manifest/store';
import { folderOfFile } from '../manifest/target';
import { invokeSettings } from '../common/settings';

export const REQUEST_LANGUAGE = 'flowgear-http';


/** CodeLens "Invoke" and "Copy as code" above each request of a .flowgear.http file. */
export class RequestCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const f = parseRequestFile(doc.getText());
    return f.requests.flatMap((r) => {
      const range = new vscode.Range(r.anchorLine, 0, r.anchorLine, 0);
      const what = r.target ? `${r.method} ${r.target}` : r.workflow ?? '';
      const error = blockErrors(r)[0];
      if (error) return [new vscode.CodeLens(range, { title: `$(error) ${error.message}`, command: '' })];
      if (r.disabled) return [new vscode.CodeLens(range, { title: '$(circle-slash) Disabled', command: '' })];
      return [
        new vscode.CodeLens(range, { title: `$(play) Invoke${r.key ? ` with ${r.key}` : ''}`, tooltip: `Send ${what}`, command: Command.invokeRequest, arguments: [doc.uri.toString(), r.index] }),
        new vscode.CodeLens(range, { title: 'Copy as code', command: Command.copyRequestAsCode, arguments: [doc.uri.toString(), r.index] }),
      ];
    });
  }

  dispose() {
    this.changed.dispose();
  }
}

/** Completion of names after `# @key`, `# @env`, `# @workflow` from the nearest flowgear.json. */
export class RequestCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly store: ManifestStore) {}

  async provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[]> {
    const which = directiveAt(doc.lineAt(pos.line).text, pos.character);
    if (!which) return [];
    const folder = folderOfFile(this.store, doc.uri);
    const m = folder ? (await this.store.at(folder))?.manifest : undefined;
    if (!m) return [];
    const items =
      which === 'key'
        ? m.keys.map((k) => ({ name: k.name, detail: `${k.enabled ? '' : 'disabled · '}${k.environment ?? 'Production'} · permits ${k.permittedWorkflows.join(', ') || 'nothing'}`, kind: vscode.CompletionItemKind.Value }))
        : which === 'env'
          ? m.environments.map((e) => ({ name: e.name, detail: e.production ? 'Production' : e.baseUrl ?? `_profile=${e.name}`, kind: vscode.CompletionItemKind.EnumMember }))
          : m.workflows.map((w) => ({ name: w.name, detail: `${w.method} ${w.path}`, kind: vscode.CompletionItemKind.Function }));
    const line = doc.lineAt(pos.line).text;
    const start = /^\s*(?:#|\/\/)\s*@\w+\s+/.exec(line)?.[0].length ?? pos.character;
    const range = new vscode.Range(pos.line, start, pos.line, line.length);
    return items.map((i) => Object.assign(new vscode.CompletionItem(i.name, i.kind), { detail: i.detail, range }));
  }
}

/** Builds the request of block `index` of a request file, prompting for undefined {{variables}}. */
export async function requestFromFile(store: ManifestStore, uriString: string, index: number, environment: string): Promise<{ request: ResolvedRequest; folder: string; name?: string; expects: Expectation[] } | undefined> {
  const uri = vscode.Uri.parse(uriString);
  const doc = await vscode.workspace.openTextDocument(uri);
  const f: RequestFile = parseRequestFile(doc.getText());
  const block = f.requests[index];
  if (!block) throw new UserError(`${vscode.workspace.asRelativePath(uri)} has no request ${index + 1}`, 'request-file-syntax');
  const folder = folderOfFile(store, uri);
  if (!folder) throw new UserError('no flowgear.json next to this request file or in the workspace', 'no-manifest');
  const manifest = await store.manifestAt(folder);
  const values: Record<string, string> = {};
  for (const p of promptsNeeded(block, values)) {
    const v = await vscode.window.showInputBox({ title: `Value for {{${p.name}}}`, prompt: p.description ?? `Request ${index + 1} of ${vscode.workspace.asRelativePath(uri)}`, password: /password|secret|token|passphrase/i.test(p.name), ignoreFocusOut: true });
    if (v === undefined) return undefined;
    values[p.name] = v;
  }
  // A `# @workflow` without a request line: its template variables come from the file or a prompt.
  for (const v of workflowVariablesNeeded(manifest, f, block, values)) {
    const typed = await vscode.window.showInputBox({ title: `${v.workflow.name}: ${v.where} variable {${v.name}}`, prompt: `${v.workflow.method} ${v.workflow.path}`, ignoreFocusOut: true });
    if (typed === undefined) return undefined;
    values[v.name] = typed;
  }
  const ctx = { values, environment, file: uri.fsPath, exchanges: exchangesOf(uri.toString()), provideClientCertificateHeader: invokeSettings().provideClientCertificateHeader };
  const request = await requestFromBlock(manifest, f, block, ctx);
  const expects = await expandExpectations(f, block, ctx);
  return { request, folder, name: block.name, expects };
}

/** ✔/✘ with the actual value after each `# @expect` line of the last invoke (inline results). */
export class ExpectDecorations implements vscode.Disposable {
  private readonly pass = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconPassed') } });
  private readonly fail = vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconFailed') } });

  show(uri: string, results: { line: number; pass: boolean; actual: string }[]) {
    for (const ed of vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri)) {
      const deco = (pass: boolean) =>
        results.filter((r) => r.pass === pass).map((r) => ({ range: new vscode.Range(r.line, 0, r.line, 0), renderOptions: { after: { contentText: `${pass ? '✔' : '✘'} ${r.actual}` } } }));
      ed.setDecorations(this.pass, deco(true));
      ed.setDecorations(this.fail, deco(false));
    }
  }

  dispose() {
    this.pass.dispose();
    this.fail.dispose();
  }
}

/** Responses of named requests per request file in this session, for `{{name.response…}}`. */
const exchanges = new Map<string, Map<string, ExchangeRecord>>();
export function exchangesOf(uri: string): Map<string, ExchangeRecord> {
  let m = exchanges.get(uri);
  if (!m) exchanges.set(uri, (m = new Map()));
  return m;
}

const SEVERITY = { error: 0, warning: 1, info: 2 } as const;

/** Problems of request files (line and column), kept current while they are open. */
export function requestDiagnostics(): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection('flowgear-http');
  const update = (doc: vscode.TextDocument) => {
    if (doc.languageId !== REQUEST_LANGUAGE) return;
    collection.set(
      doc.uri,
      parseRequestFile(doc.getText()).diagnostics.map((d) => {
        const v = new vscode.Diagnostic(new vscode.Range(d.line, d.column, d.line, d.endColumn), d.message, SEVERITY[d.severity] as vscode.DiagnosticSeverity);
        v.source = 'flowgear';
        v.code = d.code;
        return v;
      }),
    );
  };
  vscode.workspace.textDocuments.forEach(update);
  return [
    collection,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
  ];
}
