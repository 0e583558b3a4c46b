import { UserError } from '../errors';
import type { SiteClient } from './client';
import type { SiteState } from './mapping';
import type { SiteSummary } from './types';

/** The Site named by id or name (case-insensitive); alone when the user has one. */
export function pickSite(sites: SiteSummary[], wanted?: string): SiteSummary {
  if (wanted) {
    const w = wanted.toLowerCase();
    const hit = sites.find((s) => s.SiteId.toLowerCase() === w) ?? sites.filter((s) => s.Name.toLowerCase() === w);
    if (!Array.isArray(hit)) return hit;
    if (hit.length === 1) return hit[0];
    if (hit.length > 1) throw new UserError(`more than one site is named '${wanted}': use its id (${hit.map((s) => s.SiteId).join(', ')})`, 'site-ambiguous');
    throw new UserError(`no site '${wanted}' for this user (sites: ${sites.map((s) => s.Name).join(', ') || 'none'})`, 'site-not-found');
  }
  if (sites.length === 1) return sites[0];
  if (sites.length === 0) throw new UserError('this user has no sites', 'site-not-found');
  throw new UserError(`this user has ${sites.length} sites: choose one with --site NAME|ID (${sites.map((s) => s.Name).join(', ')})`, 'site-ambiguous');
}

/** Reads what sync needs from one Site, in parallel. */
export async function fetchSiteState(client: SiteClient, siteIdOrName?: string): Promise<SiteState> {
  const site = pickSite(await client.sites(), siteIdOrName);
  const [environments, workflows, keys] = await Promise.all([client.environments(site.SiteId), client.workflows(site.SiteId), client.keys(site.SiteId)]);
  return { apiUrl: client.apiUrl, site, environments, workflows, keys, readAt: new Date() };
}
