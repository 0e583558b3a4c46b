import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { originOf } from '../../core/manifest/entries';
import type { Manifest } from '../../core/manifest/types';
import type { SiteClient } from '../../core/site/client';
import { formatRunLog, recentRunLogs } from '../../core/site/logs';
import { compare, describeItem, siteModel, type SiteState, type SyncItem } from '../../core/site/mapping';
import { pullText } from '../../core/site/pull';
import { applyPush, pushPlan } from '../../core/site/push';
import { fetchSiteState } from '../../core/site/state';
import { isArgs, registerCommand, withProgress } from '../common/command';
import { Command, ContextKey } from '../ids';
import { manifestStore } from '../manifest/store';
import { chooseFolder } from '../manifest/target';
import { FlowgearAuth, PROVIDER_ID, type FlowgearSession, type SignInArgs } from './auth';
import { setSiteAuth } from './keySync';

const SCHEME = 'flowgear-site';

interface FolderArgs {
  folder?: string;
  /** Push without the confirmation (tests, automation). */
  yes?: boolean;
  site?: string;
}

function argsOf(a: unknown): FolderArgs & { workflow?: string } {
  return isArgs(a) ? (a as FolderArgs & { workflow?: string }) : {};
}

/** Sync state per folder, for Problems and tests. */
const lastSync = new Map<string, { site: string; items: SyncItem[]; readAt: Date }>();

export function register(context: vscode.ExtensionContext) {
  const store = manifestStore(context);
  const auth = new FlowgearAuth(context);
  setSiteAuth(auth);
  const drift = vscode.languages.createDiagnosticCollection('flowgear-site');
  const previews = new Map<string, string>();
  const previewChanged = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    auth,
    drift,
    previewChanged,
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, 'Flowgear', auth, { supportsMultipleAccounts: true }),
    vscode.window.registerUriHandler(auth),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: previewChanged.event, provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '' }),
  );
  const setSignedIn = async () => void vscode.commands.executeCommand('setContext', ContextKey.siteSignedIn, (await auth.getSessions()).length > 0);
  context.subscriptions.push(auth.onDidChangeSessions(() => void setSignedIn()));
  void setSignedIn();

  async function sessionFor(m: Manifest | undefined, ask: boolean): Promise<FlowgearSession> {
    const s = await auth.current(m?.siteApi?.url);
    if (s) return s;
    if (!ask) throw new UserError('not signed in to Flowgear: run "Flowgear: Sign In to Site…"', 'not-signed-in');
    await auth.createSession();
    const again = await auth.current(m?.siteApi?.url);
    if (!again) throw new UserError(`signed in, but not at ${m?.siteApi?.url}: sign in with that API URL`, 'site-api-mismatch');
    return again;
  }

  /** Runs f with a client for the folder's site; a 401 forgets the session and says so. */
  async function withSite<T>(m: Manifest | undefined, f: (c: SiteClient, s: FlowgearSession) => Promise<T>): Promise<T> {
    const s = await sessionFor(m, true);
    const c = auth.client(s);
    try {
      return await f(c, s);
    } catch (e) {
      if ((e as UserError).code === 'session-expired') await auth.expire(s);
      throw e;
    } finally {
      await c.dispose();
    }
  }

  async function folderEntry(args: FolderArgs | undefined) {
    const dir = await chooseFolder(store, argsOf(args).folder);
    if (!dir) throw new UserError('cancelled', 'cancelled');
    const entry = await store.at(dir);
    if (!entry?.manifest || entry.text === undefined) throw new UserError(`no usable flowgear.json in ${dir}`, 'no-manifest');
    return entry;
  }

  function showDrift(m: Manifest, uri: vscode.Uri, state: SiteState): SyncItem[] {
    const items = compare(m, siteModel(state));
    lastSync.set(m.file, { site: state.site.Name, items, readAt: state.readAt });
    const diags: vscode.Diagnostic[] = [];
    for (const i of items) {
      if (i.state === 'same' || i.state === 'only-site') continue;
      const entry = i.kind === 'key' ? m.keys.find((k) => k.name === i.name) : i.kind === 'workflow' ? m.workflows.find((w) => w.name === i.name) : m.environments.find((e) => e.name === i.name);
      const r = entry && originOf(entry)?.range;
      const range = r ? new vscode.Range(r.start.line, r.start.character, r.start.line, r.start.character + 1) : new vscode.Range(0, 0, 0, 1);
      const d = new vscode.Diagnostic(range, `Site ${state.site.Name}: ${describeItem(i)}`, vscode.DiagnosticSeverity.Warning);
      d.source = 'Flowgear site';
      d.code = `site-${i.state}`;
      diags.push(d);
    }
    for (const i of items.filter((x) => x.state === 'only-site')) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `Site ${state.site.Name}: ${describeItem(i)} (Pull from Site adds it)`, vscode.DiagnosticSeverity.Information);
      d.source = 'Flowgear site';
      d.code = 'site-only-site';
      diags.push(d);
    }
    drift.set(uri, diags);
    return items;
  }

  registerCommand(context, Command.siteSignIn, async (args?: SignInArgs) => {
    auth.pending = isArgs(args) ? args : undefined;
    // The provider's own createSession: the same session the Accounts menu then lists.
    const s = await auth.createSession();
    return { account: s.account.label, apiUrl: s.apiUrl };
  });
  registerCommand(context, Command.siteSignOut, async () => {
    for (const s of await auth.getSessions()) await auth.removeSession(s.id);
    return { signedOut: true };
  });

  registerCommand(
    context,
    Command.sitePull,
    async (args?: FolderArgs) => {
      const entry = await folderEntry(args);
      const m = entry.manifest!;
      return withSite(m, async (c) => {
        const state = await withProgress('Reading the Flowgear site…', () => fetchSiteState(c, argsOf(args).site || m.siteApi?.siteId));
        await store.edit(entry.folder, (text) => pullText(text, entry.uri.fsPath, siteModel(state), { url: c.apiUrl, siteId: state.site.SiteId }));
        const after = await store.at(entry.folder.uri.fsPath);
        const items = after?.manifest ? showDrift(after.manifest, entry.uri, state) : [];
        void vscode.window.showInformationMessage(`Flowgear: pulled site ${state.site.Name} into flowgear.json.`);
        return { site: state.site.Name, items };
      });
    },
    { trust: 'Pulling from the site writes flowgear.json.' },
  );

  registerCommand(context, Command.siteCompare, async (args?: FolderArgs) => {
    const entry = await folderEntry(args);
    const m = entry.manifest!;
    return withSite(m, async (c) => {
      const state = await withProgress('Reading the Flowgear site…', () => fetchSiteState(c, argsOf(args).site || m.siteApi?.siteId));
      const after = pullText(entry.text!, entry.uri.fsPath, siteModel(state), { url: c.apiUrl, siteId: state.site.SiteId });
      const preview = vscode.Uri.from({ scheme: SCHEME, path: entry.uri.path, query: `site=${state.site.SiteId}` });
      previews.set(preview.toString(), after);
      previewChanged.fire(preview);
      const items = showDrift(m, entry.uri, state);
      await vscode.commands.executeCommand('vscode.diff', entry.uri, preview, `flowgear.json ↔ site ${state.site.Name} (after Pull)`);
      return { site: state.site.Name, items: items.filter((i) => i.state !== 'same') };
    });
  });

  registerCommand(
    context,
    Command.sitePush,
    async (args?: FolderArgs) => {
      const entry = await folderEntry(args);
      const m = entry.manifest!;
      return withSite(m, async (c) => {
        const state = await withProgress('Reading the Flowgear site…', () => fetchSiteState(c, argsOf(args).site || m.siteApi?.siteId));
        const plan = pushPlan(m, state);
        if (!plan.changes.length) {
          void vscode.window.showInformationMessage(`Flowgear: nothing to push to site ${state.site.Name}.`);
          return { applied: [], notes: plan.notes };
        }
        const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
        const detail = plan.changes.map((ch) => `• ${ch.action} key '${ch.key}': ${ch.fields.map((f) => (ch.action === 'create' ? `${f.field} ${show(f.local)}` : `${f.field} ${show(f.site)} → ${show(f.local)}`)).join(', ')}`).join('\n');
        if (!argsOf(args).yes) {
          const ok = await vscode.window.showWarningMessage(`Push ${plan.changes.length} change(s) to Flowgear site ${state.site.Name}?`, { modal: true, detail }, 'Push');
          if (ok !== 'Push') throw new UserError('push cancelled', 'cancelled');
        }
        const done = await applyPush(c, state.site.SiteId, m, plan);
        const notes = done.flatMap((d) => (d.uploadNote ? [d.uploadNote] : []));
        for (const n of notes) void vscode.window.showInformationMessage(`Flowgear: next, ${n}.`);
        showDrift(m, entry.uri, await fetchSiteState(c, state.site.SiteId));
        return { applied: done.map((d) => ({ action: d.change.action, key: d.change.key })), notes };
      });
    },
    { trust: 'Pushing changes keys on the Flowgear site.' },
  );

  registerCommand(context, Command.siteShowRunLog, async (args?: FolderArgs & { workflow?: string }) => {
    const entry = await folderEntry(args);
    const m = entry.manifest!;
    const name = argsOf(args).workflow || (await vscode.window.showQuickPick(m.workflows.map((w) => w.name), { placeHolder: 'Run log of which workflow?' }));
    if (!name) throw new UserError('cancelled', 'cancelled');
    return withSite(m, async (c) => {
      const state = await fetchSiteState(c, m.siteApi?.siteId);
      const wf = state.workflows.find((w) => w.Workflow?.Name?.toLowerCase() === name.toLowerCase());
      if (!wf) throw new UserError(`no workflow '${name}' on site ${state.site.Name}`, 'workflow-not-found');
      const runs = await recentRunLogs(c, state.site.SiteId, wf.SiteWorkflowId, 1);
      const text = runs.length ? formatRunLog(runs[0]).join('\n') : `No recent runs of '${wf.Workflow.Name}'.`;
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${wf.Workflow.Name}.log`, query: `run=${runs[0]?.root.WorkflowActivityLogId ?? 'none'}` });
      previews.set(uri.toString(), `${text}\n`);
      previewChanged.fire(uri);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return { workflow: wf.Workflow.Name, text, runs: runs.length };
    });
  });

  return { siteSync: (file: string) => lastSync.get(file), siteDrift: (uri: vscode.Uri) => drift.get(uri)?.map((d) => d.message) ?? [] };
}

