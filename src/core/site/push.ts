import { readBoundedSync } from '../boundedRead';
import { relative } from 'node:path';
import { thumbprintOf } from '../certificates/inspect';
import { UserError } from '../errors';
import type { Key, Manifest } from '../manifest/types';
import type { SiteClient } from './client';
import { compare, environmentByRef, isBound, siteModel, type FieldDifference, type SiteState } from './mapping';
import { KEY_TYPE_CERTIFICATE, type SiteKey } from './types';

export interface PushChange {
  action: 'create' | 'update';
  key: string;
  /** What changes (for update), or what the new key gets (create). */
  fields: FieldDifference[];
  body: SiteKey;
  siteKeyId?: string;
}

export interface PushPlan {
  changes: PushChange[];
  /** Differences push does not change (keys only on the site, workflows, environments). */
  notes: string[];
}

const lower = (s: string) => s.toLowerCase();

/**
 * What `push` would send: creates certificate keys missing on the Site and applies
 * enabled / target environment / permitted workflows to keys that differ. References are
 * written the way the Site writes them (ids or names; the document leaves it open).
 */
export function pushPlan(m: Manifest, state: SiteState): PushPlan {
  const model = siteModel(state);
  const items = compare(m, model);
  const refByIds = refStyle(state);
  const envById = state.keys.some((k) => k.TargetSiteEnvironment && state.environments.some((e) => lower(e.ProfileId) === lower(k.TargetSiteEnvironment!)));
  const problems: string[] = [];
  const changes: PushChange[] = [];
  const notes: string[] = [];

  const bodyFields = (k: Key) => {
    const env = environmentByRef(k.environment, state.environments);
    if (!env) problems.push(`key '${k.name}': the site has no environment '${k.environment ?? 'Production'}'`);
    const permitted = k.permittedWorkflows.map((name) => {
      const w = state.workflows.find((x) => lower(x.Workflow?.Name ?? '') === lower(name));
      if (!w || !isBound(w)) {
        problems.push(`key '${k.name}': '${name}' is not a REST-bound workflow on the site (only bound workflows can be permitted)`);
        return name;
      }
      return refByIds ? w.SiteWorkflowId : w.Workflow.Name;
    });
    return { IsEnabled: k.enabled, TargetSiteEnvironment: env ? (envById ? env.ProfileId : env.ProfileName) : k.environment, PermittedWorkflows: permitted };
  };

  for (const item of items) {
    if (item.kind !== 'key') {
      if (item.state !== 'same') notes.push(`${item.kind} '${item.name}': ${item.state.replace('-', ' ')} — push changes keys only; change ${item.kind}s in the Flowgear console`);
      continue;
    }
    if (item.state === 'same') continue;
    if (item.state === 'only-site') {
      notes.push(`key '${item.name}' is only on the site; the API cannot delete keys (pull to add it to flowgear.json)`);
      continue;
    }
    const local = m.keys.find((k) => k.name === item.name)!;
    if (item.state === 'only-local') {
      const body: SiteKey = { Name: local.name, KeyType: KEY_TYPE_CERTIFICATE, ...bodyFields(local) };
      changes.push({
        action: 'create',
        key: local.name,
        body,
        fields: [
          { field: 'enabled', local: local.enabled, site: undefined },
          { field: 'environment', local: local.environment ?? 'Production', site: undefined },
          { field: 'permittedWorkflows', local: local.permittedWorkflows, site: undefined },
        ],
      });
      continue;
    }
    const site = state.keys.find((k) => k.KeyType === KEY_TYPE_CERTIFICATE && lower(k.Name) === lower(local.name))!;
    const body: SiteKey = { SiteKeyId: site.SiteKeyId, SiteId: site.SiteId, Name: site.Name, KeyType: site.KeyType, ...bodyFields(local) };
    changes.push({ action: 'update', key: local.name, siteKeyId: site.SiteKeyId, body, fields: item.differences });
  }
  if (problems.length) throw new UserError(`cannot push:\n  ${problems.join('\n  ')}`, 'push-invalid');
  return { changes, notes };
}

/** Whether the Site lists permitted workflows by id (true) or by name. */
function refStyle(state: SiteState): boolean {
  for (const k of state.keys) {
    for (const ref of k.PermittedWorkflows ?? []) {
      const r = lower(ref);
      if (state.workflows.some((w) => lower(w.SiteWorkflowId) === r || lower(w.Workflow?.WorkflowId ?? '') === r)) return true;
      if (state.workflows.some((w) => lower(w.Workflow?.Name ?? '') === r)) return false;
    }
  }
  return true;
}

export interface PushOutcome {
  change: PushChange;
  result: SiteKey;
  /** For a created key: what the user must still do in the console. */
  uploadNote?: string;
}

export async function applyPush(client: SiteClient, siteId: string, m: Manifest, plan: PushPlan): Promise<PushOutcome[]> {
  const out: PushOutcome[] = [];
  for (const change of plan.changes) {
    if (change.action === 'update') {
      out.push({ change, result: await client.editKey(siteId, change.siteKeyId!, change.body) });
      continue;
    }
    const result = await client.createKey(siteId, change.body);
    out.push({ change, result, uploadNote: uploadNote(m, m.keys.find((k) => k.name === change.key)!) });
  }
  return out;
}

/** The API has no field for a key's certificate: the user uploads it in the console. */
export function uploadNote(m: Manifest, k: Key): string {
  let thumbprint = k.thumbprint;
  if (k.certificate) {
    try {
      thumbprint = thumbprintOf(readBoundedSync(k.certificate, { field: `key '${k.name}' "certificate"` }));
    } catch {
      // Unreadable: the manifest's thumbprint (if any) is the best we have.
    }
  }
  const file = k.certificate ? relative(m.root, k.certificate).replace(/\\/g, '/') : k.pfx ? `the certificate in ${relative(m.root, k.pfx).replace(/\\/g, '/')}` : `the certificate of key ${k.name}`;
  return `upload ${file} for key ${k.name} in the Flowgear console${thumbprint ? ` (it must show thumbprint ${thumbprint})` : ''}`;
}
