import type { Agent } from 'undici';
import { readBoundedSync } from '../boundedRead';
import { UserError, messageOf } from '../errors';
import { toUserError } from '../invoke/netErrors';
import { buildAgent, type NetworkOptions } from '../net/agent';
import type { LogEntry, LogSearch, ReceiveUsernameResult, SiteEnvironment, SiteKey, SiteSummary, SiteWorkflow } from './types';

/** Flowgear's pods (servers in the OpenAPI document); discovery starts at the first. */
export const PODS = { za: 'https://api1.flowgear.net', eu: 'https://api3.flowgear.net', us: 'https://api6.flowgear.net' } as const;

export const SITE_TIMEOUTS = { connect: 10_000, headers: 30_000, body: 30_000 };
/** Management answers are lists of keys, workflows and log lines: far below this. */
const BODY_CAP = 16 * 1024 * 1024;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The session id rides in the `auth` query parameter: never let it reach a log or a message. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]auth=)[^&#]*/gi, '$1***');
}

/** An API base URL without trailing slash; HTTPS only, plain HTTP only to this machine. */
export function checkApiUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`'${raw}' is not a URL (expected e.g. ${PODS.za})`, 'site-api-url');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw new UserError(`the management API must be reached over HTTPS (got ${u.protocol}//${u.host}); plain HTTP is only allowed to localhost`, 'site-api-url');
  }
  if (u.search || u.hash || u.username || u.password) throw new UserError(`the API URL must not carry a query, fragment or credentials (got ${redactUrl(raw)})`, 'site-api-url');
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

export interface SiteClientOptions {
  /** Pod or explicit API URL (emulator, private pod). */
  apiUrl: string;
  user: string;
  sessionId?: string;
  /** Extra trusted CA (PEM file), as `ca` for invokes. */
  caFile?: string;
  timeouts?: Partial<typeof SITE_TIMEOUTS>;
  /** Proxy and trust, as for invokes. */
  network?: NetworkOptions;
  /** One line per request, session id redacted. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Sign-in calls go without a session. */
  auth?: boolean;
  /** What is asked for, for 404 messages. */
  what: string;
}

export class SessionExpiredError extends UserError {
  constructor() {
    super('the Flowgear session has expired or is not valid: sign in again (flowgear-mtls site login, or "Flowgear: Sign In to Site…")', 'session-expired');
  }
}

/**
 * A typed client for the subset of Flowgear's management API the project uses. Requests go
 * through the shared network layer (createAgent: timeouts, extra CA, verified TLS).
 */
export class SiteClient {
  readonly apiUrl: string;
  readonly user: string;
  sessionId?: string;
  private readonly agent: Agent;
  private readonly timeouts: typeof SITE_TIMEOUTS;

  constructor(private readonly o: SiteClientOptions) {
    this.apiUrl = checkApiUrl(o.apiUrl);
    if (!o.user.trim()) throw new UserError('a Flowgear username is needed', 'site-user');
    this.user = o.user.trim();
    this.sessionId = o.sessionId;
    this.timeouts = { ...SITE_TIMEOUTS, ...o.timeouts };
    const ca = o.caFile ? readBoundedSync(o.caFile, { field: '--ca' }).toString('utf8') : undefined;
    this.agent = buildAgent({ target: new URL(this.apiUrl), ca, caLabel: `the CA file ${o.caFile}`, connectTimeout: this.timeouts.connect, network: o.network }).agent;
  }

  private get userPath(): string {
    return `/users/${encodeURIComponent(this.user)}`;
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, c: CallOptions): Promise<T> {
    const url = new URL(this.apiUrl + path);
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    if (c.auth !== false) {
      if (!this.sessionId) throw new UserError('not signed in to Flowgear: sign in first (flowgear-mtls site login)', 'not-signed-in');
      url.searchParams.set('auth', this.sessionId);
    }
    const shown = redactUrl(url.toString());
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers: { accept: 'application/json', ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: c.body !== undefined ? JSON.stringify(c.body) : undefined,
        signal: this.o.signal,
        headersTimeout: this.timeouts.headers,
        bodyTimeout: this.timeouts.body,
      });
      status = res.statusCode;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > BODY_CAP) {
          res.body.destroy();
          throw new UserError(`${url.host} sent more than ${BODY_CAP / 1024 / 1024} MiB for ${c.what}; refusing to read it`, 'site-too-large');
        }
        chunks.push(chunk as Buffer);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      if (this.o.signal?.aborted) throw new UserError('cancelled', 'cancelled');
      this.o.log?.(`${method} ${shown} failed: ${redactUrl(messageOf(e))}`);
      const u = toUserError(e, { url: shown, keyName: '', phase: 'connect', timeoutMs: this.timeouts.connect });
      // The invoke wording of resets and alerts talks about keys; say what happened here.
      if (u.code === 'handshake-alert' || u.code === 'reset' || u.code === 'network') {
        throw new UserError(`the management API at ${url.host} could not be reached: ${redactUrl(messageOf(e))}`, 'site-network');
      }
      throw new UserError(redactUrl(u.message), u.code);
    }
    this.o.log?.(`${method} ${shown} → ${status} (${Math.round(performance.now() - started)} ms)`);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const message = typeof (json as { Message?: unknown })?.Message === 'string' ? (json as { Message: string }).Message : '';
    if (status === 401 || (status === 400 && c.auth !== false && /auth/i.test(message))) throw new SessionExpiredError();
    if (status === 404) throw new UserError(`Flowgear has no ${c.what}${message ? ` (${message})` : ''}`, 'site-not-found');
    if (status < 200 || status > 299) throw new UserError(`Flowgear answered ${status} for ${c.what}${message ? `: ${message}` : ''}`, 'site-error');
    if (status !== 204 && json === undefined) throw new UserError(`Flowgear sent an answer that is not JSON for ${c.what}`, 'site-bad-answer');
    return json as T;
  }

  /** The pod that holds this user (`GET /users/{u}/home/`), as an API URL. */
  async home(): Promise<string> {
    const pod = await this.call<unknown>('GET', `${this.userPath}/home/`, { auth: false, what: `home pod for user ${this.user}` });
    if (typeof pod !== 'string') throw new UserError('Flowgear sent a home pod that is not a URL', 'site-bad-answer');
    return checkApiUrl(pod);
  }

  /** Password (Action 0) or a redirect to an identity provider (Action 1, with RedirectUrl). */
  async receiveUsername(returnUrl: string): Promise<{ action: 'password' } | { action: 'redirect'; redirectUrl: string }> {
    const r = await this.call<ReceiveUsernameResult>('POST', `${this.userPath}/auth2/receiveusername/`, { auth: false, body: { ReturnUrl: returnUrl }, what: 'sign-in method' });
    if (r?.Action === 1) {
      if (!r.RedirectUrl) throw new UserError('Flowgear asked for a redirect sign-in but sent no address', 'site-bad-answer');
      return { action: 'redirect', redirectUrl: r.RedirectUrl };
    }
    return { action: 'password' };
  }

  /** Exchanges a password (or the token a redirect sign-in returned) for a session id. */
  async receiveToken(token: string): Promise<string> {
    if (!token) throw new UserError('an empty password cannot sign in', 'site-sign-in');
    let r: { SessionId?: unknown };
    try {
      r = await this.call('POST', `${this.userPath}/auth2/receivetoken/`, { auth: false, body: { Token: token }, what: 'sign-in' });
    } catch (e) {
      if (e instanceof SessionExpiredError) throw new UserError(`Flowgear refused the sign-in of ${this.user}: wrong username or password`, 'site-sign-in');
      throw e;
    }
    if (typeof r?.SessionId !== 'string' || !r.SessionId) throw new UserError(`Flowgear refused the sign-in of ${this.user}: wrong username or password (or an expired sign-in token)`, 'site-sign-in');
    this.sessionId = r.SessionId;
    return r.SessionId;
  }

  async signOut(): Promise<void> {
    if (!this.sessionId) return;
    await this.call('DELETE', `${this.userPath}/auth2/${encodeURIComponent(this.sessionId)}/`, { what: 'session' });
    this.sessionId = undefined;
  }

  sites(): Promise<SiteSummary[]> {
    return this.call<SiteSummary[]>('GET', `${this.userPath}/sites/`, { what: `sites for ${this.user}` }).then(listOf);
  }

  environments(siteId: string): Promise<SiteEnvironment[]> {
    return this.call<SiteEnvironment[]>('GET', `/sites/${encodeURIComponent(siteId)}/siteenvironments/`, { what: `site ${siteId}` }).then(listOf);
  }

  workflows(siteId: string): Promise<SiteWorkflow[]> {
    return this.call<SiteWorkflow[]>('GET', `/sites/${encodeURIComponent(siteId)}/workflows/`, { what: `site ${siteId}` }).then(listOf);
  }

  keys(siteId: string): Promise<SiteKey[]> {
    return this.call<SiteKey[]>('GET', `/sites/${encodeURIComponent(siteId)}/keys/`, { what: `site ${siteId}` }).then(listOf);
  }

  createKey(siteId: string, key: SiteKey): Promise<SiteKey> {
    return this.call<SiteKey>('POST', `/sites/${encodeURIComponent(siteId)}/keys/`, { body: key, what: `site ${siteId}` }).then(oneOf);
  }

  editKey(siteId: string, siteKeyId: string, key: SiteKey): Promise<SiteKey> {
    return this.call<SiteKey>('POST', `/sites/${encodeURIComponent(siteId)}/keys/${encodeURIComponent(siteKeyId)}`, { body: key, what: `key ${key.Name} on site ${siteId}` }).then(oneOf);
  }

  /** Root log entries of a workflow's recent runs, newest first. */
  recentRuns(siteId: string, siteWorkflowId: string): Promise<LogEntry[]> {
    return this.call<LogEntry[]>('GET', `/sites/${encodeURIComponent(siteId)}/workflows/${encodeURIComponent(siteWorkflowId)}/logs/recentstart/`, { what: `logs of workflow ${siteWorkflowId}` }).then(listOf);
  }

  searchLogs(siteId: string, s: LogSearch): Promise<LogEntry[]> {
    const flag = (b?: boolean) => (b === undefined ? undefined : b ? '1' : '0');
    const query = {
      workflowId: s.workflowId, rootLogId: s.rootLogId, parentLogId: s.parentLogId, startDateTime: s.startDateTime, endDateTime: s.endDateTime,
      errorsOnly: flag(s.errorsOnly), sortAsc: flag(s.sortAsc), maxResults: s.maxResults === undefined ? undefined : Math.min(200, Math.max(1, Math.floor(s.maxResults))),
    };
    return this.call<LogEntry[]>('GET', `/sites/${encodeURIComponent(siteId)}/logs/`, { query, what: `logs of site ${siteId}` }).then(listOf);
  }

  async dispose(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function listOf<T>(v: T[]): T[] {
  if (!Array.isArray(v)) throw new UserError('Flowgear sent something other than a list', 'site-bad-answer');
  return v;
}

/** The document's examples show an edited key both as an object and as a one-item list. */
function oneOf(v: SiteKey | SiteKey[]): SiteKey {
  const k = Array.isArray(v) ? v[0] : v;
  if (!k || typeof k !== 'object') throw new UserError('Flowgear sent no key back', 'site-bad-answer');
  return k;
}
