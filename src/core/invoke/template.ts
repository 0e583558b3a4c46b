import { UserError } from '../errors';

/**
 * Flowgear REST templates as the invoke runner needs them: `/customers/{id}` path
 * variables and `name={var}` query variables. (Route matching for the emulator and the
 * manifest lives in core/manifest; this is only expansion for sending.)
 */

export interface TemplateVariable {
  name: string;
  where: 'path' | 'query';
}

function split(template: string): { path: string; query: string } {
  const q = template.indexOf('?');
  return q < 0 ? { path: template, query: '' } : { path: template.slice(0, q), query: template.slice(q + 1) };
}

/** Variables in template order, path first. */
export function workflowVariables(template: string): TemplateVariable[] {
  const { path, query } = split(template);
  const out: TemplateVariable[] = [];
  for (const m of path.matchAll(/\{([^{}]+)\}/g)) out.push({ name: m[1], where: 'path' });
  for (const m of query.matchAll(/\{([^{}]+)\}/g)) out.push({ name: m[1], where: 'query' });
  return out;
}

/** Expands a template with URL-encoded values; every variable must have a value. */
export function expandWorkflowPath(template: string, vars: Record<string, string>): { path: string; query: [string, string][] } {
  const missing = workflowVariables(template)
    .map((v) => v.name)
    .filter((n) => vars[n] === undefined || (vars[n] === '' && template.split('?')[0].includes(`{${n}}`)));
  if (missing.length) {
    const list = [...new Set(missing)].join(', ');
    throw new UserError(`missing value for ${missing.length > 1 ? 'variables' : 'variable'} ${list} of ${template} (pass --var ${missing[0]}=…)`, 'missing-variable');
  }
  const { path, query } = split(template);
  const expandedPath = path.replace(/\{([^{}]+)\}/g, (_, n: string) => encodeURIComponent(vars[n]));
  const pairs: [string, string][] = [];
  for (const part of query.split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const rawV = eq < 0 ? '' : part.slice(eq + 1);
    const v = rawV.replace(/\{([^{}]+)\}/g, (_, n: string) => vars[n]);
    pairs.push([k, rawV.includes('{') ? v : decodeURIComponent(v)]);
  }
  return { path: expandedPath, query: pairs };
}

/** True when a concrete URL path could have come from the template's path part. */
export function pathMatchesTemplate(template: string, urlPath: string): boolean {
  const { path } = split(template);
  const norm = (p: string) => p.replace(/\/+$/, '').toLowerCase() || '/';
  const rx = norm(path)
    .split(/\{[^{}]+\}/)
    .map((lit) => lit.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${rx}$`, 'i').test(norm(urlPath));
}
