import { matchTemplate, parseTemplate, type Template } from '../core/manifest/routes';
import type { Manifest, Workflow } from '../core/manifest/types';
import type { Router } from './authorize';

/**
 * Routes with the manifest module's matcher (the same rules the Workflows view and the
 * request runner use). Workflows with invalid templates are skipped and reported.
 */
export function buildRouter(manifest: Manifest): { router: Router; warnings: string[] } {
  const warnings: string[] = [];
  const routes: { workflow: Workflow; template: Template }[] = [];
  for (const workflow of manifest.workflows) {
    try {
      routes.push({ workflow, template: parseTemplate(workflow.method, workflow.path) });
    } catch (e) {
      warnings.push(`workflow '${workflow.name}': ${(e as Error).message}; not routed`);
    }
  }
  const router: Router = (method, pathname, query) =>
    routes.flatMap(({ workflow, template }) => {
      const variables = matchTemplate(template, method, pathname, query);
      return variables ? [{ workflow, variables }] : [];
    });
  return { router, warnings };
}
