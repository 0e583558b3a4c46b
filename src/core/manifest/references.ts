/**
 * Cross-reference checks that need the whole model: unique names, declared environments,
 * known permitted workflows, keys with nothing to invoke, and routes Flowgear would
 * answer with 409. Files on disk are checked separately (diagnostics.ts).
 */
import { originOf } from './entries';
import type { Range } from './positions';
import type { Reader } from './reader';
import { ambiguousRoutes } from './routes';
import type { Environment, Key, Manifest, Workflow } from './types';

function duplicates<T extends Environment | Workflow | Key>(r: Reader, items: T[], code: string, noun: string): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const lower = item.name.toLowerCase();
    const first = seen.get(lower);
    const origin = originOf(item);
    if (first && origin) {
      r.add(origin.props.name ?? origin.range, 'error', code, `Duplicate ${noun} name '${item.name}': names must be unique (Flowgear compares them case-insensitively).`, { name: item.name });
    } else seen.set(lower, item);
  }
}

export function checkReferences(r: Reader, m: Manifest): void {
  duplicates(r, m.environments, 'duplicate-environment', 'environment');
  duplicates(r, m.workflows, 'duplicate-workflow', 'workflow');
  duplicates(r, m.keys, 'duplicate-key', 'key');

  const envNames = m.environments.map((e) => e.name);
  const workflowNames = new Set(m.workflows.map((w) => w.name));
  for (const key of m.keys) {
    const origin = originOf(key);
    if (!origin) continue;
    if (key.environment !== undefined && !envNames.some((n) => n.toLowerCase() === key.environment!.toLowerCase())) {
      r.add(origin.props.environment ?? origin.range, 'error', 'undeclared-environment',
        `Key '${key.name}' targets environment '${key.environment}', which is not declared in "environments" (declared: ${envNames.join(', ')}).`,
        { keyName: key.name, environment: key.environment });
    }
    key.permittedWorkflows.forEach((wf, i) => {
      if (workflowNames.has(wf)) return;
      const range: Range = origin.items?.[i] ?? origin.range;
      r.add(range, 'error', 'unknown-workflow', `Key '${key.name}' permits workflow '${wf}', which is not declared in "workflows".`, { keyName: key.name, workflow: wf });
    });
    if (key.permittedWorkflows.length === 0) {
      r.add(origin.props.permittedWorkflows ?? origin.props.name ?? origin.range, 'warning', 'no-permitted-workflows',
        `Key '${key.name}' has no permitted workflows: Flowgear answers 404 to every call made with it.`, { keyName: key.name });
    }
  }

  for (const [a, b] of ambiguousRoutes(m.workflows)) {
    for (const [w, other] of [[a, b], [b, a]]) {
      const origin = originOf(w);
      if (!origin) continue;
      r.add(origin.props.path ?? origin.range, 'warning', 'ambiguous-route',
        `${w.method} ${w.path} ('${w.name}') and ${other.method} ${other.path} ('${other.name}') can match the same URI: Flowgear answers 409 "Multiple Workflows share this route".`,
        { workflow: w.name, other: other.name });
    }
  }
}
