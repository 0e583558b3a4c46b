import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { UserError, messageOf } from '../../core/errors';
import { certificateFacts } from '../../core/invoke/credentials';
import { type EnabledChanges, enabledAt, explain404, trackEnabled } from '../../core/invoke/explain404';
import { type HistoryEntry, addToHistory, entryFor, historyLabel, sanitizeHistory } from '../../core/invoke/history';
import { evaluateAll, type Expectation } from '../../core/invoke/expect';
import { Invoker } from '../../core/invoke/invoker';
import { type InvokeResult, resultSummary } from '../../core/invoke/result';
import type { ResolvedRequest } from '../../core/invoke/types';
import type { Manifest } from '../../core/manifest/types';
import type { ManifestStore } from '../manifest/store';
import { Passphrases } from './passphrases';
import type { ResponseModel } from './render';
import { ResponseViews } from './responseView';
import { invokeSettings, networkSettings } from '../common/settings';
import { walkthroughProgress } from '../walkthrough/progress';
import { Command, StateKey } from '../ids';


export interface RunOutcome {
  url: string;
  status?: number;
  error?: string;
  code?: string;
  key: string;
  environment: string;
  workflow?: string;
  body?: string;
  headers?: Record<string, string>;
  timings?: InvokeResult['timings'];
  protocol?: string;
  proxy?: string;
  serverTrust?: string;
  explanation?: string[];
  expectations?: { line: number; check: string; pass: boolean; actual: string; message: string }[];
  view: { title: string; html: string };
}

/**
 * Sends requests for every editor entry point (palette, trees, request files, history),
 * with progress + cancel, passphrases from SecretStorage, the response view and history.
 */
export class Runner implements vscode.Disposable {
  readonly invoker = new Invoker();
  private readonly views: ResponseViews;
  private readonly passphrases: Passphrases;
  /** Full results of this session, by history id (history itself keeps no bodies). */
  private readonly recent = new Map<string, ResponseModel>();
  private last?: { request: ResolvedRequest; folder: string };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: ManifestStore,
  ) {
    this.passphrases = new Passphrases(context.secrets);
    this.views = new ResponseViews({
      again: (m) => this.run(m.request, this.folderOf(m)),
      save: (m) => this.saveBody(m),
      code: (m) => vscode.commands.executeCommand(Command.copyAsCode, { request: m.request, folder: this.folderOf(m) }),
    });
  }

  private folders = new WeakMap<ResponseModel, string>();
  private folderOf(m: ResponseModel): string {
    return this.folders.get(m) ?? this.last?.folder ?? '';
  }

  private get enabledChanges(): EnabledChanges {
    return this.context.workspaceState.get<EnabledChanges>(StateKey.enabledChanges, {});
  }

  /** Called whenever a manifest is (re)loaded: remembers when keys were switched on ("may take five minutes"). */
  async noteManifest(m: Manifest): Promise<void> {
    const all = { ...this.enabledChanges };
    const prefix = `${m.file}#`;
    const mine = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    for (const k of Object.keys(all)) if (k.startsWith(prefix)) delete all[k];
    for (const [k, v] of Object.entries(trackEnabled(mine, m.keys))) all[prefix + k] = v;
    await this.context.workspaceState.update(StateKey.enabledChanges, all);
  }

  get history(): HistoryEntry[] {
    return sanitizeHistory(this.context.workspaceState.get(StateKey.history));
  }

  /** Sends with the key's passphrase from SecretStorage, prompting when it needs one. */
  withPassphrase<T>(folder: string, client: ResolvedRequest['client'], fn: (passphrase: string | undefined) => Promise<T>): Promise<T> {
    return this.passphrases.with(folder, client, fn);
  }

  get lastRequest() {
    return this.last;
  }

  async run(request: ResolvedRequest, folder: string, o: { preserveFocus?: boolean; expects?: Expectation[] } = {}): Promise<RunOutcome> {
    this.last = { request, folder };
    const settings = invokeSettings();
    // A broken manifest does not stop an invoke that was already resolved; it only costs the 404 explanation.
    const manifest = (await this.store.at(folder))?.manifest;
    if (manifest) await this.noteManifest(manifest);
    const label = request.workflow ?? new URL(request.url).pathname;
    const started = Date.now();
    let result: InvokeResult | undefined;
    let error: UserError | undefined;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Invoking ${label} with key ${request.client.keyName} (${request.environment})…`, cancellable: true },
        (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return this.passphrases.with(folder, request.client, (passphrase) =>
            this.invoker.invoke(request, { signal: ac.signal, timeouts: settings.timeouts, bodyCap: settings.bodyCap, passphrase, network: networkSettings() }),
          );
        },
      );
    } catch (e) {
      error = e instanceof UserError ? e : new UserError(messageOf(e), 'internal');
    }
    const key = manifest?.keys.find((k) => k.name === request.client.keyName);
    const target = key ? key.environment ?? manifest?.environments.find((e) => e.production)?.name ?? 'Production' : undefined;
    const model: ResponseModel = {
      request,
      result,
      error: error && { message: error.message, code: error.code },
      causes:
        result?.status === 404
          ? explain404(manifest, request, { ...certificateFacts(request.client), protocol: result.protocol, certificateRequestedInHandshake: result.certificateRequestedInHandshake, enabledAt: manifest && enabledAt(this.enabledChanges, `${manifest.file}#${request.client.keyName}`) })
          : [],
      insecure: !!request.insecure,
      environmentWarning:
        target && target.toLowerCase() !== request.environment.toLowerCase()
          ? `Key '${request.client.keyName}' targets the ${target} environment, but this invoke went to ${request.environment}.`
          : undefined,
      at: started,
      expectations: result && o.expects?.length ? evaluateAll(o.expects, { status: result.status, headers: result.headers, body: result.body, durationMs: result.timings.total }) : undefined,
    };
    this.folders.set(model, folder);
    const entry = entryFor(request, result ?? error!, started, folder);
    this.recent.set(entry.id, model);
    await this.context.workspaceState.update(StateKey.history, addToHistory(this.history, entry));
    // Not awaited: a notification must not hold up the result (tests and tree clicks alike).
    if (error?.code === 'cancelled') void vscode.window.showInformationMessage('Flowgear: invoke cancelled.');
    else if (error) void vscode.window.showErrorMessage(`Flowgear: ${error.message}`);
    const view = this.views.show(model, o.preserveFocus);
    if (result) walkthroughProgress('invoked');
    const summary = result ? resultSummary(result) : undefined;
    return {
      url: request.url,
      status: summary?.status,
      error: error?.message,
      code: error?.code,
      key: request.client.keyName,
      environment: request.environment,
      workflow: request.workflow,
      body: summary?.body,
      headers: summary?.headers,
      timings: summary?.timings,
      protocol: summary?.protocol,
      proxy: summary?.proxy,
      serverTrust: summary?.serverTrust,
      explanation: model.causes.map((c) => c.code),
      expectations: model.expectations?.map((e) => ({ line: e.expectation.line, check: e.expectation.source, pass: e.pass, actual: e.actual, message: e.message })),
      view,
    };
  }

  async again(): Promise<RunOutcome | undefined> {
    if (!this.last) {
      void vscode.window.showInformationMessage('Flowgear: nothing invoked yet in this session.');
      return undefined;
    }
    return this.run(this.last.request, this.last.folder);
  }

  async pickHistory(): Promise<RunOutcome | undefined> {
    const entries = this.history;
    if (!entries.length) {
      void vscode.window.showInformationMessage('Flowgear: no invokes in this workspace yet.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      entries.map((e) => ({ ...historyLabel(e), entry: e })),
      { placeHolder: 'Recent invokes (last 50 in this workspace)', matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return undefined;
    const model = this.recent.get(picked.entry.id);
    const action = await vscode.window.showQuickPick(
      [{ label: '$(play) Re-send', id: 'send' }, ...(model ? [{ label: '$(eye) Open response', id: 'open' }] : [])],
      { placeHolder: historyLabel(picked.entry).label },
    );
    if (action?.id === 'open' && model) {
      this.views.show(model);
      return undefined;
    }
    if (action?.id === 'send') return this.run(picked.entry.request, this.folderForHistory(picked.entry));
    return undefined;
  }

  private folderForHistory(e: HistoryEntry): string {
    return e.folder ?? this.last?.folder ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  }

  private async saveBody(m: ResponseModel) {
    if (!m.result) return;
    const ext = /json/.test(m.result.headers['content-type'] ?? '') ? 'json' : /xml/.test(m.result.headers['content-type'] ?? '') ? 'xml' : 'txt';
    const uri = await vscode.window.showSaveDialog({ saveLabel: 'Save body', filters: { Body: [ext], All: ['*'] } });
    if (!uri) return;
    await writeFile(uri.fsPath, m.result.bodyBytes);
    void vscode.window.showInformationMessage(`Saved ${m.result.bodyBytes.length} bytes to ${vscode.workspace.asRelativePath(uri)}.`);
  }

  /** The key's files changed: drop its kept-alive connections so the next invoke reads them again. */
  forgetKey(keyName: string) {
    void this.invoker.forget(keyName);
  }

  dispose() {
    this.views.dispose();
    void this.invoker.dispose();
  }
}
