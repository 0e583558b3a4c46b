import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { View } from '../ids';
import { type ResponseModel, renderResponseHtml, responseTitle } from './render';

/**
 * Read-only response tabs: a webview per invoke target (same workflow, key, environment),
 * reused by "Invoke Again". The DOM is plain text, so UI tests can read `Key: NAME`.
 */
export class ResponseViews implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; model: ResponseModel }>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly actions: { again(m: ResponseModel): unknown; save(m: ResponseModel): unknown; code(m: ResponseModel): unknown }) {}

  private slot(m: ResponseModel): string {
    const r = m.request;
    return JSON.stringify([r.method, r.workflow ?? r.url, r.client.keyName, r.environment]);
  }

  /** Shows the model; returns the tab title and the HTML (for tests and the command's result). */
  show(m: ResponseModel, preserveFocus = false): { title: string; html: string } {
    const id = this.slot(m);
    let entry = this.panels.get(id);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(View.response, responseTitle(m), { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
        enableScripts: true,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [],
      });
      entry = { panel, model: m };
      const e = entry;
      this.panels.set(id, e);
      panel.onDidDispose(() => this.panels.delete(id), null, this.subs);
      panel.webview.onDidReceiveMessage(
        (msg: { command?: string }) => {
          if (msg.command === 'again') void this.actions.again(e.model);
          else if (msg.command === 'save') void this.actions.save(e.model);
          else if (msg.command === 'code') void this.actions.code(e.model);
        },
        null,
        this.subs,
      );
    } else {
      entry.panel.reveal(undefined, preserveFocus);
    }
    entry.model = m;
    const title = responseTitle(m);
    const html = renderResponseHtml(m, { nonce: randomBytes(16).toString('base64'), cspSource: entry.panel.webview.cspSource });
    entry.panel.title = title;
    entry.panel.webview.html = html;
    return { title, html };
  }

  dispose() {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
    for (const s of this.subs) s.dispose();
  }
}
