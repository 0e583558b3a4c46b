import { parse } from 'jsonc-parser';
import { UserError } from '../errors';
import { appendEntry, setEntryField, setTopLevel } from '../manifest/edit';
import { parseManifest } from '../manifest/load';
import type { SiteApi } from '../manifest/types';
import type { SiteModel } from './mapping';

const lower = (s: string) => s.toLowerCase();
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * flowgear.json after `site pull`: the Site's environments (name, production), bound
 * workflows (name, method, path) and certificate keys (name, enabled, environment,
 * permitted workflow names) written over the matching entries, one value at a time, so
 * comments, formatting, local fields (certificate, privateKey, pfx, thumbprint, body,
 * headers, response…) and entries the Site does not know all stay. Nothing secret is read
 * from the Site, so nothing secret can be written.
 */
export function pullText(text: string, file: string, site: SiteModel, siteApi: SiteApi): string {
  const loaded = parseManifest(text, file);
  if (!loaded.ok) throw new UserError('flowgear.json has errors (see Problems); fix them before pulling from the site.', 'manifest-invalid');
  const m = loaded.manifest;
  let t = setTopLevel(text, 'siteApi', { url: siteApi.url, siteId: siteApi.siteId });

  // Environments, matched case-insensitively (like _profile). Only entries the FILE has count:
  // the loader's implicit Production is not one, so it is written when the Site has it.
  const rawEnvs = (parse(t, [], { allowTrailingComma: true }) as { environments?: { name?: unknown }[] }).environments;
  const fileEnvNames = Array.isArray(rawEnvs) ? rawEnvs.map((e) => e?.name).filter((n): n is string => typeof n === 'string') : [];
  for (const e of site.environments) {
    const local = fileEnvNames.find((n) => lower(n) === lower(e.name));
    if (!local) t = appendEntry(t, 'environments', { name: e.name, production: e.production || undefined });
    else if ((m.environments.find((x) => x.name === local)?.production ?? false) !== e.production) t = setEntryField(t, 'environments', local, 'production', e.production || undefined);
  }
  const prodName = site.environments.find((e) => e.production)?.name;

  for (const w of site.workflows) {
    const local = m.workflows.find((x) => lower(x.name) === lower(w.name));
    if (!local) {
      t = appendEntry(t, 'workflows', { name: w.name, method: w.method, path: w.path });
      continue;
    }
    if (local.method !== w.method) t = setEntryField(t, 'workflows', local.name, 'method', w.method);
    if (local.path !== w.path) t = setEntryField(t, 'workflows', local.name, 'path', w.path);
  }

  for (const k of site.keys) {
    const local = m.keys.find((x) => lower(x.name) === lower(k.name));
    const environment = k.environment && (!prodName || lower(k.environment) !== lower(prodName)) ? k.environment : undefined;
    if (!local) {
      t = appendEntry(t, 'keys', { name: k.name, enabled: k.enabled, environment, permittedWorkflows: k.permittedWorkflows });
      continue;
    }
    if (local.enabled !== k.enabled) t = setEntryField(t, 'keys', local.name, 'enabled', k.enabled);
    if (lower(local.environment ?? '') !== lower(environment ?? '')) t = setEntryField(t, 'keys', local.name, 'environment', environment);
    if (!sameList(local.permittedWorkflows, k.permittedWorkflows)) t = setEntryField(t, 'keys', local.name, 'permittedWorkflows', k.permittedWorkflows);
  }
  return t;
}

