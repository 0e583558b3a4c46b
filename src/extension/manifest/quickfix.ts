/**
 * Quick fixes for flowgear.json diagnostics where the fix is obvious:
 *   not-gitignored          → add the file to .gitignore
 *   thumbprint-mismatch     → use the certificate file's thumbprint
 *   undeclared-environment  → declare the environment
 *   unknown-workflow        → remove it from the key's permitted workflows
 *   no-permitted-workflows  → Edit Permitted Workflows…
 */
import * as vscode from 'vscode';
import { ensureGitignored } from '../../core/certificates/gitignore';
import { addEnvironment, setPermittedWorkflows } from '../../core/manifest/edit';
import { parseManifest } from '../../core/manifest/load';
import { DIAGNOSTIC_SOURCE, ManifestDiagnostic } from './diagnostics';
import { registerCommand } from '../common/command';
import { Command } from '../ids';
import type { ManifestStore } from './store';


function replaceAll(doc: vscode.TextDocument, text: string): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  return edit;
}

export class ManifestQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const p = d instanceof ManifestDiagnostic ? d.problem : undefined;
      const data = p?.data ?? {};
      const fix = (title: string, preferred = true) => {
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = preferred;
        actions.push(a);
        return a;
      };
      try {
        switch (d.code) {
          case 'not-gitignored':
            fix(`Add ${data.pattern} to .gitignore`).command = { command: Command.manifestAddToGitignore, title: 'Add to .gitignore', arguments: [doc.uri, data.pattern] };
            break;
          case 'thumbprint-mismatch': {
            const a = fix(`Use the certificate's thumbprint ${data.thumbprint}`);
            a.edit = new vscode.WorkspaceEdit();
            a.edit.replace(doc.uri, d.range, JSON.stringify(data.thumbprint));
            break;
          }
          case 'undeclared-environment':
            fix(`Declare environment '${data.environment}' in "environments"`).edit = replaceAll(doc, addEnvironment(doc.getText(), String(data.environment)));
            break;
          case 'unknown-workflow': {
            const r = parseManifest(doc.getText(), doc.uri.fsPath);
            const key = r.ok ? r.manifest.keys.find((k) => k.name === data.keyName) : undefined;
            if (key) {
              const rest = key.permittedWorkflows.filter((w) => w !== data.workflow);
              fix(`Remove '${data.workflow}' from the permitted workflows of '${key.name}'`, false).edit = replaceAll(doc, setPermittedWorkflows(doc.getText(), key.name, rest));
            }
            break;
          }
          case 'no-permitted-workflows':
            fix('Edit Permitted Workflows…').command = { command: Command.keyEditPermittedWorkflows, title: 'Edit Permitted Workflows…', arguments: [] };
            break;
        }
      } catch {
        // The document changed under the diagnostic (e.g. now invalid JSON): offer nothing.
      }
    }
    return actions;
  }
}

export function registerQuickFixes(context: vscode.ExtensionContext, store: ManifestStore): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/flowgear.json' }, new ManifestQuickFixes(), {
      providedCodeActionKinds: ManifestQuickFixes.kinds,
    }),
  );
  registerCommand(context, Command.manifestAddToGitignore, async (manifest: vscode.Uri, pattern: string) => {
    const folder = vscode.workspace.getWorkspaceFolder(manifest);
    if (!folder) return false;
    const changed = await ensureGitignored(folder.uri.fsPath, [pattern]);
    await store.refresh();
    return changed;
  });
}
