import { addWorkflow } from '../../core/manifest/edit';
import { ambiguousRoutes, HTTP_METHODS, parseTemplate, templateVariables } from '../../core/manifest/routes';
import type { HttpMethod } from '../../core/manifest/types';
import { parse, UsageError, type Command, type Io } from '../args';
import { editManifestFile, loadForCli, manifestPath, table } from '../manifest';

const usage = `Usage:
  flowgear-mtls workflows list [--workspace DIR] [--json]
  flowgear-mtls workflows add NAME --method M --path /template [--workspace DIR]

list  Lists the REST-bound workflows of flowgear.json (method, path template), the keys
      that permit each one, and routes Flowgear would find ambiguous (409).
add   Adds a workflow as bound in Flowgear (Workflow Settings → API Binding), e.g.
      --method GET --path '/customers/{id}'; comments and formatting of the file are kept.

Options:
  --workspace DIR  folder holding flowgear.json (default: current directory)
  --json           print a JSON array instead of a table
`;

async function workflowsAdd(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(argv, { method: { type: 'string' }, path: { type: 'string' }, workspace: { type: 'string' } });
  if (positionals.length !== 2) throw new UsageError(`expected 'workflows add NAME --method M --path /template'`);
  const name = positionals[1];
  if (!v.method || !v.path) throw new UsageError('workflows add needs --method M and --path /template');
  const method = v.method.toUpperCase() as HttpMethod;
  if (!HTTP_METHODS.includes(method)) throw new UsageError(`--method: one of ${HTTP_METHODS.join(', ')} (got '${v.method}')`);
  try {
    parseTemplate(method, v.path);
  } catch (e) {
    throw new UsageError(`--path: ${(e as Error).message}`);
  }
  const m = await loadForCli(v.workspace, io);
  await editManifestFile(manifestPath(v.workspace, io), (text) => addWorkflow(text, { name, method, path: v.path! }));
  io.out(`Added workflow '${name}' (${method} ${v.path}) to flowgear.json.\n`);
  for (const [a, b] of ambiguousRoutes([...m.workflows, { name, method, path: v.path }])) {
    if (a.name === name || b.name === name) io.out(`warning: '${a.name}' and '${b.name}' share a route: Flowgear answers 409.\n`);
  }
  return 0;
}

export const workflows: Command = {
  summary: 'list the REST-bound workflows in flowgear.json, or add one',
  usage,
  async run(argv, io) {
    if (argv.find((a) => !a.startsWith('-')) === 'add') return workflowsAdd(argv, io);
    const { values, positionals } = parse(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`expected 'workflows list' or 'workflows add NAME …' (got 'workflows ${positionals.join(' ')}')`);
    const m = await loadForCli(values.workspace, io);
    const ambiguous = ambiguousRoutes(m.workflows);
    const list = m.workflows.map((w) => {
      let variables: string[] = [];
      try {
        variables = templateVariables(parseTemplate(w.method, w.path));
      } catch {
        // reported by `flowgear-mtls check`
      }
      return {
        name: w.name,
        method: w.method,
        path: w.path,
        variables,
        keys: m.keys.filter((k) => k.permittedWorkflows.includes(w.name)).map((k) => k.name),
        ambiguousWith: ambiguous.flatMap(([a, b]) => (a === w ? [b.name] : b === w ? [a.name] : [])),
      };
    });
    if (values.json) {
      io.out(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (list.length === 0) {
      io.out('No workflows in flowgear.json.\n');
      return 0;
    }
    const rows = [['NAME', 'METHOD', 'PATH', 'KEYS']];
    for (const w of list) rows.push([w.name, w.method, w.path, w.keys.join(', ') || '(none)']);
    io.out(table(rows));
    for (const w of list) {
      for (const other of w.ambiguousWith) if (w.name < other) io.out(`warning: '${w.name}' and '${other}' share a route: Flowgear answers 409.\n`);
    }
    return 0;
  },
};
