import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { Environment } from '../../core/manifest/types';
import { Command, StateKey, View } from '../ids';
import type { ManifestStore } from '../manifest/store';


/**
 * "Flowgear: <Env>" in the status bar. The choice is stored per workspace and used by
 * every invoke that does not name an environment.
 */
export class EnvironmentPicker implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(View.environmentStatus, vscode.StatusBarAlignment.Left, 50);

  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: ManifestStore,
  ) {
    this.item.name = 'Flowgear Environment';
    this.item.command = Command.pickEnvironment;
    this.subscription = store.onDidChange(() => this.refresh());
    void store.ready.then(() => this.refresh());
  }

  get current(): string {
    return this.state.get<string>(StateKey.environment, 'Production');
  }

  async set(name: string): Promise<void> {
    await this.state.update(StateKey.environment, name);
    this.refresh();
  }

  /** Command flowgear.env.pick: with a name, sets it without UI; returns the environment in effect. */
  async pick(arg?: string | { name?: string }): Promise<string | undefined> {
    const given = typeof arg === 'string' ? arg : arg?.name;
    const envs = this.environments();
    if (given) {
      const hit = envs.find((e) => e.name.toLowerCase() === given.toLowerCase());
      if (!hit && envs.length) throw new UserError(`unknown environment '${given}' (flowgear.json declares: ${envs.map((e) => e.name).join(', ')})`, 'unknown-environment');
      await this.set(hit?.name ?? given);
      return this.current;
    }
    const picked = await vscode.window.showQuickPick(
      envs.map((e) => ({
        label: `${e.name === this.current ? '$(check) ' : ''}${e.name}`,
        name: e.name,
        description: e.production ? 'Production — no _profile' : e.baseUrl ? e.baseUrl : `_profile=${e.name}`,
        detail: e.insecure ? '$(warning) server certificate NOT verified (insecure)' : undefined,
      })),
      { placeHolder: 'Flowgear environment for invokes (sets _profile or the environment hostname)' },
    );
    if (picked) await this.set(picked.name);
    return this.current;
  }

  /** Environments of every workspace manifest that loaded (a broken one has its own diagnostics). */
  private environments(): Environment[] {
    const seen = new Map<string, Environment>();
    for (const e of this.store.manifests().flatMap((m) => m.environments)) if (!seen.has(e.name)) seen.set(e.name, e);
    return [...seen.values()];
  }

  refresh(): void {
    const envs = this.environments();
    const env = envs.find((e) => e.name === this.current);
    this.item.text = `$(server-environment) Flowgear: ${this.current}`;
    const tip = new vscode.MarkdownString(`Invokes go to the **${this.current}** environment${env?.production || !env ? '' : env.baseUrl ? ` at ${env.baseUrl}` : ` (_profile=${this.current})`}. Click to change.`);
    if (env?.insecure) tip.appendMarkdown('\n\n$(warning) **Server certificate not verified** (`insecure` in flowgear.json).');
    tip.supportThemeIcons = true;
    this.item.tooltip = tip;
    this.item.backgroundColor = env?.insecure ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (this.store.folders().length) this.item.show();
    else this.item.hide();
  }

  dispose() {
    this.subscription.dispose();
    this.item.dispose();
  }
}
