import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { SiteClient } from '../../core/site/client';
import { resolveApiUrl } from '../../core/site/signin';
import { networkSettings } from '../common/settings';

export const PROVIDER_ID = 'flowgear';
const STORE_KEY = 'flowgear.site.sessions';

/** What a Flowgear session needs besides its id (kept with it in SecretStorage). */
export interface FlowgearSession extends vscode.AuthenticationSession {
  apiUrl: string;
  user: string;
  ca?: string;
}

/** Sign-in answers given programmatically (tests, automation) instead of prompts. */
export interface SignInArgs {
  user?: string;
  password?: string;
  apiUrl?: string;
  ca?: string;
}

/**
 * "Flowgear" in the Accounts menu. The session id (a credential) lives only in SecretStorage.
 * Password accounts are asked for the password in a hidden input box; Microsoft Id accounts
 * (receiveusername Action 1) go through the browser and come back through the URI handler.
 */
export class FlowgearAuth implements vscode.AuthenticationProvider, vscode.UriHandler, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  /** Defaults for the next createSession (set by the Sign In command). */
  pending?: SignInArgs;
  private waiting?: (token: string) => void;

  constructor(private readonly context: vscode.ExtensionContext) {}

  private async read(): Promise<FlowgearSession[]> {
    try {
      const raw = await this.context.secrets.get(STORE_KEY);
      return raw ? (JSON.parse(raw) as FlowgearSession[]) : [];
    } catch {
      return [];
    }
  }

  private async write(sessions: FlowgearSession[]): Promise<void> {
    await this.context.secrets.store(STORE_KEY, JSON.stringify(sessions));
  }

  async getSessions(): Promise<FlowgearSession[]> {
    return this.read();
  }

  /** The session to use for a manifest's API (or the first). */
  async current(apiUrl?: string): Promise<FlowgearSession | undefined> {
    const all = await this.read();
    return (apiUrl ? all.find((s) => s.apiUrl === apiUrl) : undefined) ?? (apiUrl ? undefined : all[0]);
  }

  handleUri(uri: vscode.Uri): void {
    const token = new URLSearchParams(uri.query).get('token');
    if (token && this.waiting) this.waiting(token);
  }

  async createSession(): Promise<FlowgearSession> {
    const args = this.pending ?? {};
    this.pending = undefined;
    const user = args.user ?? (await vscode.window.showInputBox({ title: 'Sign in to Flowgear', prompt: 'Flowgear username (email)', ignoreFocusOut: true }));
    if (!user) throw new UserError('sign-in cancelled', 'cancelled');
    const apiUrl = await resolveApiUrl(user, args.apiUrl, { caFile: args.ca, network: networkSettings() });
    const client = new SiteClient({ apiUrl, user, caFile: args.ca, network: networkSettings() });
    try {
      let token = args.password;
      if (token === undefined) {
        const callback = await vscode.env.asExternalUri(vscode.Uri.parse(`${vscode.env.uriScheme}://${this.context.extension.id}/signin`));
        const how = await client.receiveUsername(callback.toString(true));
        if (how.action === 'redirect') {
          token = await new Promise<string>((resolve, reject) => {
            this.waiting = resolve;
            setTimeout(() => reject(new UserError('no sign-in came back from the browser within 5 minutes', 'site-sign-in-timeout')), 5 * 60_000);
            void vscode.env.openExternal(vscode.Uri.parse(how.redirectUrl));
          }).finally(() => (this.waiting = undefined));
        } else {
          token = await vscode.window.showInputBox({ title: `Sign in to Flowgear as ${user}`, prompt: 'Password', password: true, ignoreFocusOut: true });
          if (token === undefined) throw new UserError('sign-in cancelled', 'cancelled');
        }
      }
      const sessionId = await client.receiveToken(token);
      const session: FlowgearSession = { id: `${apiUrl}|${user}`, accessToken: sessionId, account: { id: `${user}@${new URL(apiUrl).host}`, label: user }, scopes: [], apiUrl, user, ...(args.ca ? { ca: args.ca } : {}) };
      const others = (await this.read()).filter((s) => s.id !== session.id);
      await this.write([...others, session]);
      this.emitter.fire({ added: [session], removed: [], changed: [] });
      return session;
    } finally {
      await client.dispose();
    }
  }

  async removeSession(id: string): Promise<void> {
    const all = await this.read();
    const gone = all.filter((s) => s.id === id);
    await this.write(all.filter((s) => s.id !== id));
    for (const s of gone) {
      const c = new SiteClient({ apiUrl: s.apiUrl, user: s.user, sessionId: s.accessToken, caFile: s.ca, network: networkSettings() });
      // Ending it on the site is best effort: the local copy is gone either way.
      await c.signOut().catch(() => undefined);
      await c.dispose();
    }
    if (gone.length) this.emitter.fire({ added: [], removed: gone, changed: [] });
  }

  /** After a 401: forget the session so the next call asks to sign in again. */
  async expire(s: FlowgearSession): Promise<void> {
    await this.write((await this.read()).filter((x) => x.id !== s.id));
    this.emitter.fire({ added: [], removed: [s], changed: [] });
  }

  client(s: FlowgearSession): SiteClient {
    return new SiteClient({ apiUrl: s.apiUrl, user: s.user, sessionId: s.accessToken, caFile: s.ca, network: networkSettings() });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
