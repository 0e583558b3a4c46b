import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { appendEntry, setEntryField } from '../core/manifest/edit';
import type { Manifest } from '../core/manifest/types';
import { productionOf } from './authorize';
import { jsonAnswer, type HttpAnswer } from './respond';

/**
 * A writable subset of Flowgear's management API (api-flowgear-net-open-api.yaml), served
 * from the manifest under MANAGEMENT_PREFIX so it never collides with workflow routes:
 * sign-in (password, or a redirect to a local sign-in page), home pod, sites, site
 * environments, workflows (HttpMethod/UrlPattern), keys (list, create, edit) and the run
 * logs of the invokes this emulator served. Key writes edit the emulator's own flowgear.json
 * (comments kept) and reload it, so the key rules follow at once.
 */
export const MANAGEMENT_PREFIX = '/_management';
/** The stand-in identity provider page of redirect sign-in (not part of the API). */
export const SIGN_IN_PAGE = '/_signin';

const UNAUTHORIZED = 'This call requires authorization.';
const NO_AUTH = 'Auth was not provided!';
const NOT_FOUND = "The requested object does not exist or does not exist at this location and its current location isn't known";
const RUNS_KEPT = 500;

/** Stable GUID-shaped id from a name, so ids survive restarts and reloads. */
export function stableId(kind: string, name: string): string {
  const h = createHash('sha1').update(`${kind}\0${name.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const siteIdOf = (m: Manifest) => stableId('site', m.site);
const siteNameOf = (m: Manifest) => {
  try {
    return new URL(m.site).hostname.split('.')[0];
  } catch {
    return m.site;
  }
};

/** Flowgear's date style in this API: ISO without zone, milliseconds kept. */
const flowgearDate = (d: Date) => d.toISOString().replace(/Z$/, '');

export interface ManagementOptions {
  /** The one password that signs in; default: any non-empty one. */
  password?: string;
  /** 'redirect': receiveusername answers Action 1 (Microsoft Id style) and only tokens from the sign-in page work. */
  signIn?: 'password' | 'redirect';
  /** Sessions end this long after sign-in (default: never). */
  sessionLifetimeMs?: number;
}

/** One request and its answer, for contract tests. */
export interface ManagementExchange {
  method: string;
  /** Path below MANAGEMENT_PREFIX. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  response: unknown;
}

export interface RunRecord {
  workflow: string;
  key: string;
  environment: string;
  status: number;
  start: Date;
  end: Date;
}

interface Route {
  method: string;
  re: RegExp;
  /** How this operation answers a missing/invalid session (per the document). */
  authStatus?: 400 | 401;
  run: (m: RegExpExecArray, q: URLSearchParams, body: unknown) => HttpAnswer | Promise<HttpAnswer>;
}

export class Management {
  private readonly sessions = new Map<string, number>();
  private readonly signInTokens = new Set<string>();
  private readonly runs: (RunRecord & { id: string; childId: string })[] = [];
  /** Key name (lower case) → [fields as JSON, when they last changed]. */
  private readonly keyTimes = new Map<string, [string, Date]>();
  private manifest!: Manifest;
  private readonly routes: Route[];

  constructor(
    private readonly o: ManagementOptions & {
      /** Base URL of this API, returned as the home pod. */
      baseUrl: () => string;
      manifestFile: string;
      /** Re-reads the manifest after a write (the key rules follow). */
      reload: () => Promise<boolean>;
      now: () => number;
    },
    readonly initialSessionId = randomUUID(),
  ) {
    this.sessions.set(initialSessionId, this.expiry());
    const site = '/sites/([^/]+)';
    this.routes = [
      { method: 'GET', re: /^\/users\/[^/]+\/home\/$/, run: () => jsonAnswer(200, this.o.baseUrl()) },
      { method: 'POST', re: /^\/users\/[^/]+\/auth2\/receiveusername\/$/, run: (_m, _q, b) => this.receiveUsername(b) },
      { method: 'POST', re: /^\/users\/[^/]+\/auth2\/receivetoken\/$/, run: (_m, _q, b) => this.receiveToken(b) },
      { method: 'DELETE', re: /^\/users\/[^/]+\/auth2\/([^/]+)\/$/, authStatus: 401, run: (m) => (this.sessions.delete(decodeURIComponent(m[1])), { status: 204, headers: {}, body: '' }) },
      { method: 'GET', re: /^\/users\/[^/]+\/sites\/$/, authStatus: 400, run: () => jsonAnswer(200, [{ SiteId: siteIdOf(this.manifest), Name: siteNameOf(this.manifest), MruRank: 1 }]) },
      { method: 'GET', re: new RegExp(`^${site}/siteenvironments/$`), authStatus: 400, run: (m) => this.ofSite(m[1], () => this.environments()) },
      { method: 'GET', re: new RegExp(`^${site}/workflows/$`), authStatus: 400, run: (m) => this.ofSite(m[1], () => this.workflows()) },
      { method: 'GET', re: new RegExp(`^${site}/keys/$`), authStatus: 401, run: (m) => this.ofSite(m[1], () => this.keys()) },
      { method: 'POST', re: new RegExp(`^${site}/keys/$`), authStatus: 401, run: (m, _q, b) => this.ofSiteAsync(m[1], () => this.createKey(b)) },
      { method: 'POST', re: new RegExp(`^${site}/keys/([^/]+)$`), authStatus: 401, run: (m, _q, b) => this.ofSiteAsync(m[1], () => this.editKey(decodeURIComponent(m[2]), b)) },
      { method: 'GET', re: new RegExp(`^${site}/workflows/([^/]+)/logs/recentstart/$`), authStatus: 401, run: (m) => this.ofSite(m[1], () => this.recentStart(decodeURIComponent(m[2]))) },
      { method: 'GET', re: new RegExp(`^${site}/logs/$`), authStatus: 401, run: (m, q) => this.ofSite(m[1], () => this.searchLogs(q)) },
    ];
  }

  private expiry(): number {
    return this.o.sessionLifetimeMs ? this.o.now() + this.o.sessionLifetimeMs : Infinity;
  }

  /** Called after every (re)load: keys whose fields changed get a new DateUpdated. */
  setManifest(m: Manifest): void {
    this.manifest = m;
    const now = new Date(this.o.now());
    for (const k of m.keys) {
      const fields = JSON.stringify([k.enabled, k.environment ?? '', k.permittedWorkflows.map((w) => w.toLowerCase()).sort()]);
      const prev = this.keyTimes.get(k.name.toLowerCase());
      if (!prev || prev[0] !== fields) this.keyTimes.set(k.name.toLowerCase(), [fields, now]);
    }
  }

  recordRun(r: RunRecord): void {
    this.runs.push({ ...r, id: randomUUID(), childId: randomUUID() });
    if (this.runs.length > RUNS_KEPT) this.runs.splice(0, this.runs.length - RUNS_KEPT);
  }

  /** Answers a request under MANAGEMENT_PREFIX (`pathname` has the prefix removed). */
  async answer(method: string, pathname: string, query: URLSearchParams, raw: Buffer): Promise<HttpAnswer> {
    if (method === 'GET' && (pathname === SIGN_IN_PAGE || pathname === `${SIGN_IN_PAGE}/`)) return this.signInPage(query);
    const route = this.routes.find((r) => r.method === method && r.re.test(pathname));
    if (!route) return jsonAnswer(404, { Message: NOT_FOUND });
    if (route.authStatus) {
      const auth = query.get('auth');
      const expires = auth ? this.sessions.get(auth) : undefined;
      if (expires === undefined || expires <= this.o.now()) {
        if (auth && expires !== undefined) this.sessions.delete(auth);
        return jsonAnswer(route.authStatus, { Message: route.authStatus === 400 && !auth ? NO_AUTH : UNAUTHORIZED });
      }
    }
    let body: unknown;
    if (method === 'POST') {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
    }
    return route.run(route.re.exec(pathname)!, query, body);
  }

  private receiveUsername(b: unknown): HttpAnswer {
    if (this.o.signIn !== 'redirect') return jsonAnswer(200, { Action: 0 });
    const returnUrl = typeof (b as { ReturnUrl?: unknown })?.ReturnUrl === 'string' ? (b as { ReturnUrl: string }).ReturnUrl : '';
    return jsonAnswer(200, { Action: 1, RedirectUrl: `${this.o.baseUrl()}${SIGN_IN_PAGE}/?ReturnUrl=${encodeURIComponent(returnUrl)}` });
  }

  /** The stand-in identity provider: sends the browser back to ReturnUrl with a one-time token. */
  private signInPage(q: URLSearchParams): HttpAnswer {
    const target = q.get('ReturnUrl') ?? '';
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ReturnUrl is missing or not a URL' };
    }
    if (/^(javascript|data|file):$/i.test(url.protocol)) return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ReturnUrl scheme not allowed' };
    const token = randomUUID();
    this.signInTokens.add(token);
    url.searchParams.set('token', token);
    return { status: 302, headers: { location: url.toString(), 'content-type': 'text/plain; charset=utf-8' }, body: 'Signed in; returning to the application.' };
  }

  private receiveToken(b: unknown): HttpAnswer {
    const token = (b as { Token?: unknown })?.Token;
    let ok: boolean;
    if (typeof token !== 'string' || token === '') ok = false;
    else if (this.o.signIn === 'redirect') ok = this.signInTokens.delete(token);
    else ok = this.o.password === undefined || token === this.o.password;
    // The document lists 200 and 500 only: a refused sign-in is a 200 without a session.
    if (!ok) return jsonAnswer(200, { AuthMetadata: { UserAuthProvider: this.o.signIn === 'redirect' ? 1 : 0 } });
    const id = randomUUID();
    this.sessions.set(id, this.expiry());
    return jsonAnswer(200, { SessionId: id });
  }

  private ofSite(id: string, f: () => unknown): HttpAnswer {
    if (decodeURIComponent(id).toLowerCase() !== siteIdOf(this.manifest)) return jsonAnswer(404, { Message: NOT_FOUND });
    return jsonAnswer(200, f());
  }

  private async ofSiteAsync(id: string, f: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    if (decodeURIComponent(id).toLowerCase() !== siteIdOf(this.manifest)) return jsonAnswer(404, { Message: NOT_FOUND });
    return f();
  }

  environments() {
    const m = this.manifest;
    const siteId = siteIdOf(m);
    const production = productionOf(m);
    const others = m.environments.filter((e) => e.name !== production.name);
    return [production, ...others].map((e, i) => ({
      ProfileId: stableId('environment', e.name),
      SiteId: siteId,
      ProfileName: e.name,
      Rank: i + 1,
      IsProductionEnvironment: e.name === production.name,
    }));
  }

  workflows() {
    const m = this.manifest;
    const siteId = siteIdOf(m);
    const started = new Date(this.o.now());
    return m.workflows.map((w) => {
      const last = [...this.runs].reverse().find((r) => r.workflow === w.name);
      return {
        SiteWorkflowId: stableId('workflow', w.name),
        SiteId: siteId,
        ActivationContext: 4,
        ConnectionProfileName: productionOf(m).name,
        LaunchMethod: 1,
        LiveRevision: 1,
        TestRevision: 1,
        State: 4,
        ...(last ? { DateLastRun: flowgearDate(last.start) } : {}),
        Workflow: {
          WorkflowId: stableId('workflow-definition', w.name),
          Name: w.name,
          Description: '',
          CanRunAlways: false,
          CanRunOnDemand: true,
          Revision: 1,
          DateCreated: flowgearDate(started),
          DateUpdated: flowgearDate(started),
          HttpMethod: w.method,
          UrlPattern: w.path,
        },
      };
    });
  }

  keys() {
    const m = this.manifest;
    const siteId = siteIdOf(m);
    return m.keys.map((k) => {
      const updated = this.keyTimes.get(k.name.toLowerCase())?.[1] ?? new Date(this.o.now());
      return {
        SiteKeyId: stableId('key', k.name),
        SiteId: siteId,
        Name: k.name,
        KeyType: 1,
        TargetSiteEnvironment: k.environment ?? productionOf(m).name,
        IsEnabled: k.enabled,
        // Ids, like the console's own calls (readers must accept names too).
        PermittedWorkflows: k.permittedWorkflows.map((w) => stableId('workflow', w)),
        MappedWorkflowCount: k.permittedWorkflows.length,
        DateCreated: flowgearDate(updated),
        DateUpdated: flowgearDate(updated),
      };
    });
  }

  private refused(message: string): HttpAnswer {
    // The document lists 200, 401 and 404 for key writes; a refused write is a 404 with why.
    return jsonAnswer(404, { Message: message });
  }

  /** Edits flowgear.json (comments kept), then reloads so the key rules follow. */
  private async write(edit: (text: string) => string): Promise<void> {
    const text = await readFile(this.o.manifestFile, 'utf8');
    const next = edit(text);
    const tmp = `${this.o.manifestFile}.${process.pid}.tmp`;
    await writeFile(tmp, next);
    await rename(tmp, this.o.manifestFile);
    await this.o.reload();
  }

  private environmentName(ref: unknown): string | undefined | null {
    if (ref === undefined || ref === null || ref === '') return undefined;
    if (typeof ref !== 'string') return null;
    const r = ref.toLowerCase();
    const env = this.environments().find((e) => e.ProfileId === r || e.ProfileName.toLowerCase() === r);
    if (!env) return null;
    return env.IsProductionEnvironment ? undefined : env.ProfileName;
  }

  private workflowNames(refs: unknown): string[] | string {
    if (refs === undefined || refs === null) return [];
    if (!Array.isArray(refs)) return 'PermittedWorkflows must be a list';
    const out: string[] = [];
    for (const ref of refs) {
      const r = String(ref).toLowerCase();
      const w = this.manifest.workflows.find((x) => stableId('workflow', x.name) === r || stableId('workflow-definition', x.name) === r || x.name.toLowerCase() === r);
      if (!w) return `no workflow '${ref}' on this site`;
      out.push(w.name);
    }
    return out;
  }

  private async createKey(b: unknown): Promise<HttpAnswer> {
    const k = (b ?? {}) as Record<string, unknown>;
    if (typeof k.Name !== 'string' || !k.Name.trim()) return this.refused('A key needs a Name.');
    if (k.KeyType !== 1) return this.refused('The emulator has certificate keys only (KeyType 1).');
    if (this.manifest.keys.some((x) => x.name.toLowerCase() === (k.Name as string).toLowerCase())) return this.refused(`A key named '${k.Name}' already exists.`);
    const environment = this.environmentName(k.TargetSiteEnvironment);
    if (environment === null) return this.refused(`No environment '${k.TargetSiteEnvironment}' on this site.`);
    const permitted = this.workflowNames(k.PermittedWorkflows);
    if (typeof permitted === 'string') return this.refused(permitted);
    const name = k.Name.trim();
    await this.write((t) => appendEntry(t, 'keys', { name, enabled: k.IsEnabled !== false, environment, permittedWorkflows: permitted }));
    return jsonAnswer(200, this.keys().find((x) => x.Name === name));
  }

  private async editKey(siteKeyId: string, b: unknown): Promise<HttpAnswer> {
    const current = this.manifest.keys.find((x) => stableId('key', x.name) === siteKeyId.toLowerCase());
    if (!current) return jsonAnswer(404, { Message: NOT_FOUND });
    const k = (b ?? {}) as Record<string, unknown>;
    const edits: ((t: string) => string)[] = [];
    let name = current.name;
    if ('IsEnabled' in k && typeof k.IsEnabled === 'boolean' && k.IsEnabled !== current.enabled) edits.push((t) => setEntryField(t, 'keys', current.name, 'enabled', k.IsEnabled));
    if ('TargetSiteEnvironment' in k) {
      const environment = this.environmentName(k.TargetSiteEnvironment);
      if (environment === null) return this.refused(`No environment '${k.TargetSiteEnvironment}' on this site.`);
      if ((environment ?? '') !== (current.environment ?? '')) edits.push((t) => setEntryField(t, 'keys', current.name, 'environment', environment));
    }
    if ('PermittedWorkflows' in k) {
      const permitted = this.workflowNames(k.PermittedWorkflows);
      if (typeof permitted === 'string') return this.refused(permitted);
      edits.push((t) => setEntryField(t, 'keys', current.name, 'permittedWorkflows', permitted));
    }
    if (typeof k.Name === 'string' && k.Name.trim() && k.Name.trim() !== current.name) {
      const next = k.Name.trim();
      if (this.manifest.keys.some((x) => x !== current && x.name.toLowerCase() === next.toLowerCase())) return this.refused(`A key named '${next}' already exists.`);
      // Last: the other edits find the key by its old name.
      edits.push((t) => setEntryField(t, 'keys', current.name, 'name', next));
      name = next;
    }
    if (edits.length) await this.write((t) => edits.reduce((acc, f) => f(acc), t));
    return jsonAnswer(200, this.keys().find((x) => x.Name === name));
  }

  private logEntries(r: RunLogRow): object[] {
    const wid = stableId('workflow', r.workflow);
    const failed = r.status >= 400;
    const base = { WorkflowId: wid, RootWorkflowActivityLogId: r.id, PropertyBucket: r.start.toISOString().slice(0, 10), ParentNodeOutputLabel: '' };
    const mid = new Date(r.start.getTime() + Math.max(0, Math.floor((r.end.getTime() - r.start.getTime()) / 2)));
    return [
      { ...base, WorkflowActivityLogId: r.id, NodeName: r.workflow, NodeDescription: `Invoked with key '${r.key}' in ${r.environment}`, StartDateTime: r.start.toISOString(), EndDateTime: r.end.toISOString(), OutputLabel: failed ? 'Error' : 'Success', StatusMessage: `HTTP ${r.status}`, Sequence: 0, Depth: 0, NodeId: stableId('node', `${r.workflow}/root`) },
      { ...base, WorkflowActivityLogId: r.childId, ParentWorkflowActivityLogId: r.id, NodeName: 'Workflow Response', NodeDescription: 'Emulator canned response', StartDateTime: mid.toISOString(), EndDateTime: r.end.toISOString(), OutputLabel: failed ? 'Error' : 'Success', StatusMessage: `Responded ${r.status} to key '${r.key}'`, Sequence: 1, Depth: 1, NodeId: stableId('node', `${r.workflow}/response`) },
    ];
  }

  private recentStart(siteWorkflowId: string): object[] {
    const name = this.manifest.workflows.find((w) => stableId('workflow', w.name) === siteWorkflowId.toLowerCase())?.name;
    return this.runs.filter((r) => r.workflow === name).reverse().slice(0, 50).map((r) => this.logEntries(r)[0]);
  }

  private searchLogs(q: URLSearchParams): object[] {
    const wid = q.get('workflowId')?.toLowerCase();
    const root = q.get('rootLogId');
    const errorsOnly = q.get('errorsOnly') === '1';
    const from = q.get('startDateTime') ? Date.parse(q.get('startDateTime')!) : undefined;
    const to = q.get('endDateTime') ? Date.parse(q.get('endDateTime')!) : undefined;
    const max = Math.min(200, Math.max(1, Number(q.get('maxResults')) || 200));
    let rows = this.runs.filter((r) => (!wid || stableId('workflow', r.workflow) === wid) && (!root || r.id === root) && (!errorsOnly || r.status >= 400));
    if (from !== undefined && !Number.isNaN(from)) rows = rows.filter((r) => r.start.getTime() >= from);
    if (to !== undefined && !Number.isNaN(to)) rows = rows.filter((r) => r.start.getTime() <= to);
    if (q.get('sortAsc') !== '1') rows = rows.slice().reverse();
    const entries = rows.flatMap((r) => (root ? this.logEntries(r) : [this.logEntries(r)[0]]));
    return entries.slice(0, max);
  }
}

type RunLogRow = RunRecord & { id: string; childId: string };
