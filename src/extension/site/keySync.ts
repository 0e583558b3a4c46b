import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { Manifest } from '../../core/manifest/types';
import { applyPush, pushPlan } from '../../core/site/push';
import { fetchSiteState } from '../../core/site/state';
import type { FlowgearAuth } from './auth';

let auth: FlowgearAuth | undefined;

/** Set once by the site module: key edits can then reach the Site. */
export function setSiteAuth(a: FlowgearAuth): void {
  auth = a;
}

/**
 * After a key edit in flowgear.json (enable, disable, environment, permitted workflows): when
 * the manifest is pulled from a Site and the user is signed in there, offer to make the same
 * change on the Site (modal confirmation; `push: true` in a command's args skips it, any other
 * programmatic call leaves the Site alone). Returns what was pushed.
 */
export async function pushKeyIfSignedIn(m: Manifest | undefined, keyName: string, push?: boolean): Promise<string | undefined> {
  if (!auth || !m?.siteApi) return undefined;
  const session = await auth.current(m.siteApi.url);
  if (!session || push === false) return undefined;
  const c = auth.client(session);
  try {
    const state = await fetchSiteState(c, m.siteApi.siteId);
    const change = pushPlan({ ...m, keys: m.keys.filter((k) => k.name === keyName) }, state).changes.find((ch) => ch.key === keyName);
    if (!change) return undefined;
    if (push !== true) {
      const detail = change.fields.map((f) => `${f.field}: ${Array.isArray(f.site) ? `[${f.site.join(', ')}]` : String(f.site)} → ${Array.isArray(f.local) ? `[${f.local.join(', ')}]` : String(f.local)}`).join('\n');
      const ok = await vscode.window.showWarningMessage(`Also ${change.action} key '${keyName}' on Flowgear site ${state.site.Name}?`, { modal: true, detail }, 'Change on Site');
      if (ok !== 'Change on Site') return undefined;
    }
    await applyPush(c, state.site.SiteId, m, { changes: [change], notes: [] });
    return `${change.action} ${keyName}`;
  } catch (e) {
    if ((e as UserError).code === 'session-expired') await auth.expire(session);
    throw e;
  } finally {
    await c.dispose();
  }
}
