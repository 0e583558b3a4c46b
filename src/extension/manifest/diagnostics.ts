/**
 * Problems panel for flowgear.json: the core's checkManifest over the open document's text
 * (so diagnostics follow typing) or the file on disk, re-run when the store sees a manifest,
 * key file or .gitignore change.
 */
import * as vscode from 'vscode';
import { checkManifest } from '../../core/manifest/diagnostics';
import { MANIFEST_FILE } from '../../core/manifest/load';
import type { Problem } from '../../core/manifest/types';
import { expiryWarningDays } from '../common/settings';
import { Setting } from '../ids';
import type { ManifestStore } from './store';

export const DIAGNOSTIC_SOURCE = 'flowgear';
const TYPING_DEBOUNCE_MS = 250;

/** A Diagnostic that remembers its Problem (for quick fixes). */
export class ManifestDiagnostic extends vscode.Diagnostic {
  constructor(readonly problem: Problem) {
    const r = problem.range;
    super(
      new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
      problem.message,
      problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : problem.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
    );
    this.source = DIAGNOSTIC_SOURCE;
    this.code = problem.code;
  }
}

export function isManifestUri(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && uri.path.endsWith('/' + MANIFEST_FILE) && !!vscode.workspace.getWorkspaceFolder(uri);
}

export function registerDiagnostics(context: vscode.ExtensionContext, store: ManifestStore): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const timers = new Map<string, NodeJS.Timeout>();
  const generation = new Map<string, number>();

  async function update(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const gen = (generation.get(key) ?? 0) + 1;
    generation.set(key, gen);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    // The open document while it is edited, else what the store loaded from disk.
    const text = open ? open.getText() : store.forFolder(uri)?.text;
    if (text === undefined) {
      collection.delete(uri);
      return;
    }
    // Untrusted: no git process (a foreign repository's config must not run anything).
    const problems = await checkManifest(text, uri.fsPath, { expiryWarningDays: expiryWarningDays(uri), git: vscode.workspace.isTrusted, untrusted: !vscode.workspace.isTrusted });
    // A newer run started meanwhile: its result wins.
    if (generation.get(key) === gen) collection.set(uri, problems.map((p) => new ManifestDiagnostic(p)));
  }

  function updateAll(): void {
    const current = new Set(store.folders().map((e) => e.uri.toString()));
    collection.forEach((uri) => {
      if (!current.has(uri.toString())) collection.delete(uri);
    });
    for (const e of store.folders()) void update(e.uri);
  }

  context.subscriptions.push(
    collection,
    store.onDidChange(updateAll),
    vscode.workspace.onDidChangeTextDocument((ev) => {
      if (!isManifestUri(ev.document.uri)) return;
      const key = ev.document.uri.toString();
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => void update(ev.document.uri), TYPING_DEBOUNCE_MS));
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      // Back to the file on disk (unsaved edits were discarded).
      if (isManifestUri(d.uri)) void update(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Setting.expiryWarningDays)) updateAll();
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  void store.ready.then(updateAll);
  return collection;
}
