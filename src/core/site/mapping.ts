/**
 * Between the Site (management API answers) and flowgear.json: the Site seen as manifest
 * entries, the comparison of both (per entry: same / only local / only on site / differs),
 * `pull` as JSONC edits that keep the file's comments and local fields, and the `push` plan.
 */
import { HTTP_METHODS } from '../manifest/routes';
import type { HttpMethod, Manifest } from '../manifest/types';
import { KEY_TYPE_CERTIFICATE, type SiteEnvironment, type SiteKey, type SiteSummary, type SiteWorkflow } from './types';

export interface SiteState {
  apiUrl: string;
  site: SiteSummary;
  environments: SiteEnvironment[];
  workflows: SiteWorkflow[];
  keys: SiteKey[];
  /** When it was read (for "the site says … since"). */
  readAt: Date;
}

export interface SiteModel {
  environments: { name: string; production: boolean }[];
  /** Only REST-bound workflows: the others cannot be invoked or permitted. */
  workflows: { name: string; method: HttpMethod; path: string; id: string }[];
  /** Only certificate keys (KeyType 1). */
  keys: { name: string; enabled: boolean; environment?: string; permittedWorkflows: string[]; id?: string; updated?: string }[];
  /** References the Site made that match nothing it listed (kept as read). */
  unresolved: string[];
}

const lower = (s: string) => s.toLowerCase();

/** A PermittedWorkflows entry: a SiteWorkflowId, a WorkflowId or a name (the document leaves it open). */
export function workflowByRef(ref: string, workflows: SiteWorkflow[]): SiteWorkflow | undefined {
  const r = lower(ref);
  return workflows.find((w) => lower(w.SiteWorkflowId ?? '') === r || lower(w.Workflow?.WorkflowId ?? '') === r) ?? workflows.find((w) => lower(w.Workflow?.Name ?? '') === r);
}

/** TargetSiteEnvironment: a ProfileId or a name; empty means Production. */
export function environmentByRef(ref: string | undefined, envs: SiteEnvironment[]): SiteEnvironment | undefined {
  if (!ref) return envs.find((e) => e.IsProductionEnvironment);
  const r = lower(ref);
  return envs.find((e) => lower(e.ProfileId ?? '') === r) ?? envs.find((e) => lower(e.ProfileName ?? '') === r);
}

export function isBound(w: SiteWorkflow): boolean {
  return !!w.Workflow?.UrlPattern && HTTP_METHODS.includes((w.Workflow.HttpMethod ?? '').toUpperCase() as HttpMethod);
}

export function siteModel(s: SiteState): SiteModel {
  const unresolved: string[] = [];
  const production = s.environments.find((e) => e.IsProductionEnvironment);
  const environments = s.environments.map((e) => ({ name: e.ProfileName, production: !!e.IsProductionEnvironment }));
  const workflows = s.workflows.filter(isBound).map((w) => ({
    name: w.Workflow.Name,
    method: w.Workflow.HttpMethod!.toUpperCase() as HttpMethod,
    path: w.Workflow.UrlPattern!.startsWith('/') ? w.Workflow.UrlPattern! : `/${w.Workflow.UrlPattern}`,
    id: w.SiteWorkflowId,
  }));
  const keys = s.keys.filter((k) => k.KeyType === KEY_TYPE_CERTIFICATE).map((k) => {
    const env = environmentByRef(k.TargetSiteEnvironment, s.environments);
    if (k.TargetSiteEnvironment && !env) unresolved.push(`key '${k.Name}': environment '${k.TargetSiteEnvironment}'`);
    const permittedWorkflows = (k.PermittedWorkflows ?? []).map((ref) => {
      const w = workflowByRef(ref, s.workflows);
      if (!w) unresolved.push(`key '${k.Name}': workflow '${ref}'`);
      return w?.Workflow.Name ?? ref;
    });
    const envName = env ? env.ProfileName : k.TargetSiteEnvironment;
    return {
      name: k.Name,
      enabled: k.IsEnabled !== false,
      ...(envName && !(env && production && env.ProfileId === production.ProfileId) ? { environment: envName } : {}),
      permittedWorkflows,
      id: k.SiteKeyId,
      updated: k.DateUpdated,
    };
  });
  return { environments, workflows, keys, unresolved };
}

export type SyncState = 'same' | 'only-local' | 'only-site' | 'differs';
export interface FieldDifference {
  field: string;
  local: unknown;
  site: unknown;
}
export interface SyncItem {
  kind: 'environment' | 'workflow' | 'key';
  name: string;
  state: SyncState;
  differences: FieldDifference[];
}

function productionName(m: Pick<Manifest, 'environments'>): string {
  return m.environments.find((e) => e.production)?.name ?? 'Production';
}

const sameSet = (a: string[], b: string[]) => {
  const x = new Set(a.map(lower));
  const y = new Set(b.map(lower));
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** Every environment, workflow and key of either side with its sync state (thumbprints: the API has none). */
export function compare(m: Manifest, site: SiteModel): SyncItem[] {
  const out: SyncItem[] = [];
  const pair = <L extends { name: string }, S extends { name: string }>(kind: SyncItem['kind'], locals: L[], sites: S[], diff: (l: L, s: S) => FieldDifference[]) => {
    const seen = new Set<string>();
    for (const l of locals) {
      const s = sites.find((x) => lower(x.name) === lower(l.name));
      if (!s) out.push({ kind, name: l.name, state: 'only-local', differences: [] });
      else {
        seen.add(lower(s.name));
        const differences = diff(l, s);
        out.push({ kind, name: l.name, state: differences.length ? 'differs' : 'same', differences });
      }
    }
    for (const s of sites) if (!seen.has(lower(s.name))) out.push({ kind, name: s.name, state: 'only-site', differences: [] });
  };
  pair('environment', m.environments, site.environments, (l, s) => (l.production !== s.production ? [{ field: 'production', local: l.production, site: s.production }] : []));
  pair('workflow', m.workflows, site.workflows, (l, s) => [
    ...(l.method !== s.method ? [{ field: 'method', local: l.method, site: s.method }] : []),
    ...(l.path !== s.path ? [{ field: 'path', local: l.path, site: s.path }] : []),
  ]);
  const prod = productionName(m);
  const siteProd = site.environments.find((e) => e.production)?.name ?? prod;
  pair('key', m.keys, site.keys, (l, s) => {
    const d: FieldDifference[] = [];
    if (l.enabled !== s.enabled) d.push({ field: 'enabled', local: l.enabled, site: s.enabled });
    const le = l.environment ?? prod;
    const se = s.environment ?? siteProd;
    if (lower(le) !== lower(se)) d.push({ field: 'environment', local: le, site: se });
    if (!sameSet(l.permittedWorkflows, s.permittedWorkflows)) d.push({ field: 'permittedWorkflows', local: l.permittedWorkflows, site: s.permittedWorkflows });
    return d;
  });
  return out;
}

export function describeItem(i: SyncItem): string {
  const what = `${i.kind} '${i.name}'`;
  if (i.state === 'only-local') return `${what} is only in flowgear.json`;
  if (i.state === 'only-site') return `${what} is only on the site`;
  if (i.state === 'same') return `${what} is the same`;
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return `${what} differs: ${i.differences.map((d) => `${d.field} is ${show(d.local)} here, ${show(d.site)} on the site`).join('; ')}`;
}
