import * as vscode from 'vscode';
import { Command } from '../ids';
import { UserError, messageOf } from '../../core/errors';
import { directiveAt, parseRequestFile, requestFromBlock, unresolvedVariables, type RequestFile } from '../../core/invoke/requestFile';
import { workflowVariables } from '../../core/invoke/template';
import type { ResolvedRequest } from '../../core/invoke/types';
import type { ManifestStore } from '../manifest/store';
import { folderOfFile } from '../manifest/target';
import { invokeSettings } from '../common/settings';

export const REQUEST_LANGUAGE = 'flowgear-http';

function parseSafe(text: string): RequestFile | undefined {
  try {
    return parseRequestFile(text);
  } catch {
    return undefined;
  }
}

/** CodeLens "Invoke" and "Copy as code" above each request of a .flowgear.http file. */
export class RequestCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const f = parseSafe(doc.getText());
    if (!f) {
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(error) Syntax error — see the Invoke command for details', command: Command.invokeRequest, arguments: [doc.uri.toString(), 0] })];
    }
    return f.requests.flatMap((r) => {
      const range = new vscode.Range(r.anchorLine, 0, r.anchorLine, 0);
      const what = r.target ? `${r.method} ${r.target}` : r.workflow ?? '';
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
export async function requestFromFile(store: ManifestStore, uriString: string, index: number, environment: string): Promise<{ request: ResolvedRequest; folder: string } | undefined> {
  const uri = vscode.Uri.parse(uriString);
  const doc = await vscode.workspace.openTextDocument(uri);
  let f: RequestFile;
  try {
    f = parseRequestFile(doc.getText());
  } catch (e) {
    throw new UserError(`${vscode.workspace.asRelativePath(uri)}: ${messageOf(e)}`, 'request-file-syntax');
  }
  const block = f.requests[index];
  if (!block) throw new UserError(`${vscode.workspace.asRelativePath(uri)} has no request ${index + 1}`, 'request-file-syntax');
  const folder = folderOfFile(store, uri);
  if (!folder) throw new UserError('no flowgear.json next to this request file or in the workspace', 'no-manifest');
  const manifest = await store.manifestAt(folder);
  const values = { ...f.variables };
  for (const name of unresolvedVariables(block, values)) {
    const v = await vscode.window.showInputBox({ title: `Value for {{${name}}}`, prompt: `Request ${index + 1} of ${vscode.workspace.asRelativePath(uri)}; define '@${name} = …' in the file to skip this`, ignoreFocusOut: true });
    if (v === undefined) return undefined;
    values[name] = v;
  }
  if (!block.target && block.workflow) {
    // A `# @workflow` without a request line: its template variables come from the file or a prompt.
    const w = manifest.workflows.find((x) => x.name.toLowerCase() === block.workflow!.toLowerCase());
    for (const v of w ? workflowVariables(w.path, w.method) : []) {
      if (values[v.name] !== undefined) continue;
      const typed = await vscode.window.showInputBox({ title: `${w!.name}: ${v.where} variable {${v.name}}`, prompt: `${w!.method} ${w!.path}`, ignoreFocusOut: true });
      if (typed === undefined) return undefined;
      values[v.name] = typed;
    }
  }
  const request = requestFromBlock(manifest, block, { values, environment, provideClientCertificateHeader: invokeSettings().provideClientCertificateHeader });
  return { request, folder };
}
