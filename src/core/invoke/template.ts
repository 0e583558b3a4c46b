import { UserError } from '../errors';
import { expandTemplate, matchTemplate, parseTemplate, templateVariables } from '../manifest/routes';
import type { HttpMethod } from '../manifest/types';

/** The invoke runner's view of REST templates (parsing and matching live in core/manifest/routes). */

export interface TemplateVariable {
  name: string;
  where: 'path' | 'query';
}

/** Variables in template order, path first; what the editor prompts for. */
export function workflowVariables(template: string, method: HttpMethod = 'GET'): TemplateVariable[] {
  const t = parseTemplate(method, template);
  const inPath = new Set(t.segments.flatMap((s) => ('variable' in s ? [s.variable] : [])));
  return templateVariables(t).map((name) => ({ name, where: inPath.has(name) ? 'path' : 'query' }));
}

/** Expands a template with URL-encoded values; a missing variable is a UserError telling how to pass it. */
export function expandWorkflowPath(template: string, vars: Record<string, string>, method: HttpMethod = 'GET') {
  const t = parseTemplate(method, template);
  try {
    return expandTemplate(t, vars);
  } catch (e) {
    if (e instanceof UserError && e.code === 'route-missing-variable') {
      const first = templateVariables(t).find((v) => vars[v] === undefined || vars[v] === '');
      throw new UserError(`${e.message} in ${template} (pass --var ${first}=…)`, 'missing-variable');
    }
    throw e;
  }
}

/** True when a concrete URL could have come from the workflow's template (method included). */
export function urlMatchesTemplate(method: HttpMethod, template: string, url: URL): boolean {
  return matchTemplate(parseTemplate(method, template), method, url.pathname, url.searchParams) !== undefined;
}
