import { createHash } from 'node:crypto';
import type { Manifest } from '../core/manifest/types';
import { productionOf } from './authorize';
import { jsonAnswer, type HttpAnswer } from './respond';

/**
 * A read-only subset of Flowgear's management API (api-flowgear-net-open-api.yaml), served
 * from the manifest under MANAGEMENT_PREFIX so it never collides with workflow routes:
 * sign-in, home pod, sites, site environments, workflows (HttpMethod/UrlPattern) and keys.
 * Any non-empty password signs in; every other call needs `?auth=<SessionId>`.
 */
export const MANAGEMENT_PREFIX = '/_management';

const UNAUTHORIZED = 'This call requires authorization.';
const NOT_FOUND = "The requested object does not exist or does not exist at this location and its current location isn't known";

/** Stable GUID-shaped id from a name, so ids survive restarts and reloads. */
export function stableId(kind: string, name: string): string {
  const h = createHash('sha1').update(`${kind}\0${name}`).digest('hex');
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

export function siteKeys(m: Manifest, updated: Date) {
  const siteId = siteIdOf(m);
  return m.keys.map((k) => ({
    SiteKeyId: stableId('key', k.name),
    SiteId: siteId,
    Name: k.name,
    KeyType: 1,
    TargetSiteEnvironment: k.environment ?? productionOf(m).name,
    IsEnabled: k.enabled,
    PermittedWorkflows: k.permittedWorkflows.map((w) => stableId('workflow', w)),
    MappedWorkflowCount: k.permittedWorkflows.length,
    DateCreated: flowgearDate(updated),
    DateUpdated: flowgearDate(updated),
  }));
}

export function siteEnvironments(m: Manifest) {
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

export function siteWorkflows(m: Manifest, updated: Date) {
  const siteId = siteIdOf(m);
  return m.workflows.map((w) => ({
    SiteWorkflowId: stableId('workflow', w.name),
    SiteId: siteId,
    ActivationContext: 4,
    ConnectionProfileName: productionOf(m).name,
    LaunchMethod: 1,
    LiveRevision: 1,
    TestRevision: 1,
    State: 4,
    Workflow: {
      WorkflowId: stableId('workflow-definition', w.name),
      Name: w.name,
      Description: '',
      CanRunAlways: false,
      CanRunOnDemand: true,
      Revision: 1,
      DateCreated: flowgearDate(updated),
      DateUpdated: flowgearDate(updated),
      HttpMethod: w.method,
      UrlPattern: w.path,
    },
  }));
}

export interface ManagementContext {
  manifest: Manifest;
  sessionId: string;
  /** Base URL of this API, returned as the home pod. */
  baseUrl: string;
  /** When the manifest was last loaded (DateUpdated). */
  loadedAt: Date;
}

/** Answers a request under MANAGEMENT_PREFIX (`pathname` has the prefix removed). */
export function managementAnswer(method: string, pathname: string, query: URLSearchParams, body: Buffer, c: ManagementContext): HttpAnswer {
  const p = pathname.endsWith('/') ? pathname : `${pathname}/`;
  const m = c.manifest;
  let match: RegExpExecArray | null;

  if (method === 'POST' && /^\/users\/[^/]+\/auth2\/receivetoken\/$/.test(p)) {
    let token: unknown;
    try {
      token = (JSON.parse(body.toString('utf8')) as { Token?: unknown }).Token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') return jsonAnswer(401, { Message: UNAUTHORIZED });
    return jsonAnswer(200, { SessionId: c.sessionId });
  }
  if (method === 'GET' && /^\/users\/[^/]+\/home\/$/.test(p)) return jsonAnswer(200, c.baseUrl);
  if (method !== 'GET') return jsonAnswer(404, { Message: NOT_FOUND });
  if (query.get('auth') !== c.sessionId) return jsonAnswer(401, { Message: UNAUTHORIZED });

  if (/^\/users\/[^/]+\/sites\/$/.test(p)) return jsonAnswer(200, [{ SiteId: siteIdOf(m), Name: siteNameOf(m), MruRank: 1 }]);
  if ((match = /^\/sites\/([^/]+)\/(keys|siteenvironments|workflows)\/$/.exec(p))) {
    if (match[1].toLowerCase() !== siteIdOf(m)) return jsonAnswer(404, { Message: NOT_FOUND });
    if (match[2] === 'keys') return jsonAnswer(200, siteKeys(m, c.loadedAt));
    if (match[2] === 'siteenvironments') return jsonAnswer(200, siteEnvironments(m));
    return jsonAnswer(200, siteWorkflows(m, c.loadedAt));
  }
  return jsonAnswer(404, { Message: NOT_FOUND });
}
