import { ambiguousRoutes, parseTemplate, templateVariables } from '../../core/manifest/routes';
import { parse, UsageError, type Command } from '../args';
import { loadForCli, table } from '../manifest';

const usage = `Usage: flowgear-mtls workflows list [--workspace DIR] [--json]

Lists the REST-bound workflows of flowgear.json (method, path template), the keys
that permit each one, and routes Flowgear would find ambiguous (409).

Options:
  --workspace DIR  folder holding flowgear.json (default: current directory)
  --json           print a JSON array instead of a table
`;

export const workflows: Command = {
  summary: 'list the REST-bound workflows in flowgear.json and the keys permitting them',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`expected 'workflows list' (got 'workflows ${positionals.join(' ')}')`);
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
