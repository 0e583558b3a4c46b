import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { findEnvironment, findKey, findWorkflow, resolveRequest } from '../../core/invoke/resolve';
import { confirmBodyFile } from './outsideBody';
import { workflowVariables } from '../../core/invoke/template';
import type { ResolvedRequest } from '../../core/invoke/types';
import type { Key, Manifest, Workflow } from '../../core/manifest/types';
import type { ManifestStore } from '../manifest/store';
import { chooseFolder } from '../manifest/target';
import { invokeSettings } from '../common/settings';

/** Arguments of flowgear.invoke; tree nodes pass { workflow, key?, folder }. */
export interface InvokeArgs {
  workflow?: string | { name: string };
  key?: string | { name: string };
  environment?: string;
  vars?: Record<string, string>;
  body?: string;
  folder?: string | vscode.Uri;
}

const nameOf = (v: string | { name: string } | undefined) => (typeof v === 'string' ? v : v?.name);

/** Tree items differ by view; accept anything carrying workflow/key names (or nested objects). */
export function normalizeArgs(raw: unknown): InvokeArgs {
  if (!raw || typeof raw !== 'object') return {};
  const a = raw as Record<string, unknown>;
  const pick = (k: string) => {
    const v = a[k];
    return typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined;
  };
  // Tree nodes carry a vscode.WorkspaceFolder; commands and tests pass a path or Uri.
  const rawFolder = a.folder ?? a.root;
  const folder = rawFolder && typeof rawFolder === 'object' && 'uri' in rawFolder && (rawFolder as vscode.WorkspaceFolder).uri instanceof vscode.Uri ? (rawFolder as vscode.WorkspaceFolder).uri : rawFolder;
  return {
    workflow: pick('workflow') ?? pick('workflowName'),
    key: pick('key') ?? pick('keyName'),
    environment: typeof a.environment === 'string' ? a.environment : undefined,
    vars: a.vars && typeof a.vars === 'object' ? (a.vars as Record<string, string>) : undefined,
    body: typeof a.body === 'string' ? a.body : undefined,
    folder: typeof folder === 'string' || folder instanceof vscode.Uri ? folder : undefined,
  };
}

function permits(k: Key, w: Workflow) {
  return k.permittedWorkflows.some((p) => p.toLowerCase() === w.name.toLowerCase());
}

async function pickWorkflow(m: Manifest, key?: Key): Promise<Workflow | undefined> {
  const list = key ? m.workflows.filter((w) => permits(key, w)) : m.workflows;
  if (!list.length) throw new UserError(key ? `key '${key.name}' permits no declared workflow` : 'flowgear.json declares no workflows yet', 'no-workflows');
  const p = await vscode.window.showQuickPick(
    list.map((w) => ({ label: w.name, description: `${w.method} ${w.path}`, w })),
    { placeHolder: key ? `Workflow to invoke with key ${key.name}` : 'Workflow to invoke', matchOnDescription: true },
  );
  return p?.w;
}

async function pickKey(m: Manifest, w: Workflow, env: string): Promise<Key | undefined> {
  const usable = m.keys.filter((k) => k.enabled && permits(k, w));
  const items: (vscode.QuickPickItem & { k?: Key })[] = usable.map((k) => ({
    label: `$(key) ${k.name}`,
    description: k.environment ?? 'Production',
    detail: (k.environment ?? 'Production').toLowerCase() !== env.toLowerCase() ? `$(warning) targets ${k.environment ?? 'Production'}, the status bar says ${env}` : undefined,
    k,
  }));
  const others = m.keys.filter((k) => !usable.includes(k));
  if (others.length) items.push({ label: 'Not usable for this workflow', kind: vscode.QuickPickItemKind.Separator });
  for (const k of others) {
    items.push({ label: `$(circle-slash) ${k.name}`, description: !k.enabled ? 'disabled' : `does not permit ${w.name}`, k });
  }
  if (!m.keys.length) throw new UserError('flowgear.json has no keys yet: run "Flowgear: New Key…" first', 'no-keys');
  const p = await vscode.window.showQuickPick(items, { placeHolder: `Key for ${w.name}` });
  if (p?.k && !usable.includes(p.k)) {
    const go = await vscode.window.showWarningMessage(`Key '${p.k.name}' ${!p.k.enabled ? 'is disabled' : `does not permit ${w.name}`}: Flowgear will answer 404. Invoke anyway?`, 'Invoke anyway');
    return go ? p.k : undefined;
  }
  return p?.k;
}

async function askVariables(w: Workflow, given: Record<string, string>): Promise<Record<string, string> | undefined> {
  const vars = { ...given };
  for (const v of workflowVariables(w.path, w.method)) {
    if (vars[v.name] !== undefined && (vars[v.name] !== '' || v.where === 'query')) continue;
    const value = await vscode.window.showInputBox({
      title: `${w.name}: ${v.where} variable {${v.name}}`,
      prompt: `${w.method} ${w.path}`,
      ignoreFocusOut: true,
      validateInput: (s) => (v.where === 'path' && s.trim() === '' ? 'a path variable cannot be empty' : v.where === 'path' && s.includes('/') ? "a path segment cannot contain '/'" : undefined),
    });
    if (value === undefined) return undefined;
    vars[v.name] = value;
  }
  return vars;
}

/** Body for methods that carry one: the workflow's body file (resolveRequest reads it), the active editor, or typed. */
async function askBody(w: Workflow): Promise<string | undefined | null> {
  if (w.body || !['POST', 'PUT', 'PATCH'].includes(w.method)) return undefined;
  const editor = vscode.window.activeTextEditor;
  const choices = [
    ...(editor ? [{ label: '$(file-code) Use the active editor', description: vscode.workspace.asRelativePath(editor.document.uri), id: 'editor' }] : []),
    { label: '$(edit) Type a body…', id: 'type' },
    { label: '$(circle-slash) No body', id: 'none' },
  ];
  const choice = await vscode.window.showQuickPick(choices, { placeHolder: `${w.name}: request body (add "body": "file.json" to the workflow in flowgear.json to skip this)` });
  if (!choice) return null;
  if (choice.id === 'none') return undefined;
  if (choice.id === 'editor' && editor) return editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
  const body = await vscode.window.showInputBox({ title: `${w.name}: request body`, prompt: 'JSON or text', ignoreFocusOut: true });
  return body === undefined ? null : body;
}

/** The palette flow, or none of it where the arguments already say everything. */
export async function requestFromArgs(store: ManifestStore, raw: unknown, currentEnv: string): Promise<{ request: ResolvedRequest; folder: string } | undefined> {
  const a = normalizeArgs(raw);
  const interactive = !a.workflow;
  const folder = await chooseFolder(store, a.folder);
  if (!folder) return undefined;
  const m = await store.manifestAt(folder);
  const givenKey = a.key ? findKey(m, nameOf(a.key)!) : undefined;
  const w = a.workflow ? findWorkflow(m, nameOf(a.workflow)!) : await pickWorkflow(m, givenKey);
  if (!w) return undefined;
  const envName = a.environment ?? (m.environments.some((e) => e.name.toLowerCase() === currentEnv.toLowerCase()) ? currentEnv : findEnvironment(m, undefined).name);
  let key: Key | undefined = givenKey;
  if (!key) {
    const usable = m.keys.filter((k) => k.enabled && permits(k, w));
    key = !interactive && usable.length === 1 ? usable[0] : await pickKey(m, w, envName);
  }
  if (!key) return undefined;
  const vars = await askVariables(w, a.vars ?? {});
  if (!vars) return undefined;
  let body: string | undefined = a.body;
  if (body === undefined && interactive) {
    const b = await askBody(w);
    if (b === null) return undefined;
    body = b;
  }
  const target = key.environment ?? findEnvironment(m, undefined).name;
  if (target.toLowerCase() !== envName.toLowerCase()) {
    void vscode.window.showWarningMessage(`Key '${key.name}' targets the ${target} environment, but invokes go to ${envName} (status bar). Flowgear will likely answer 404.`);
  }
  if (body === undefined && w.body) await confirmBodyFile(w.body);
  const request = resolveRequest(m, {
    workflow: w.name,
    key: key.name,
    environment: envName,
    vars,
    body,
    provideClientCertificateHeader: invokeSettings().provideClientCertificateHeader,
  });
  return { request, folder };
}
