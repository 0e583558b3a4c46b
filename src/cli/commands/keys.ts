import { keyStatus } from '../../core/manifest/status';
import type { Manifest } from '../../core/manifest/types';
import { parse, UsageError, type Command, type Io } from '../args';
import { loadForCli, passphraseFromEnv, table } from '../manifest';

const usage = `Usage: flowgear-mtls keys list [--workspace DIR] [--json]

Lists the certificate-based API keys of flowgear.json with their state
(enabled, disabled, expired, missing), target environment, thumbprint and expiry.

Options:
  --workspace DIR  folder holding flowgear.json (default: current directory)
  --json           print a JSON array instead of a table
`;

export function keysJson(m: Manifest, io: Io) {
  const passphrase = passphraseFromEnv(io);
  return m.keys.map((k) => {
    const s = keyStatus(k, { passphrase });
    return {
      name: k.name,
      enabled: k.enabled,
      state: s.state,
      environment: k.environment ?? m.environments.find((e) => e.production)?.name ?? 'Production',
      // The file's thumbprint when readable (what Flowgear will see), else the manifest's.
      thumbprint: s.certificate?.thumbprint ?? k.thumbprint ?? null,
      manifestThumbprint: k.thumbprint ?? null,
      notAfter: s.certificate?.notAfter.toISOString() ?? null,
      daysLeft: s.certificate?.daysLeft ?? null,
      subject: s.certificate?.subject ?? null,
      certificate: k.certificate ?? null,
      privateKey: k.privateKey ?? null,
      pfx: k.pfx ?? null,
      permittedWorkflows: k.permittedWorkflows,
      missingFiles: s.missingFiles,
      ...(s.certificateError ? { certificateError: s.certificateError.message } : {}),
      ...(s.fileErrors.length ? { fileErrors: s.fileErrors.map((f) => f.message) } : {}),
    };
  });
}

export const keys: Command = {
  summary: 'list the API keys in flowgear.json (state, environment, thumbprint)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`expected 'keys list' (got 'keys ${positionals.join(' ')}')`);
    const m = await loadForCli(values.workspace, io);
    const list = keysJson(m, io);
    if (values.json) {
      io.out(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (list.length === 0) {
      io.out('No keys in flowgear.json.\n');
      return 0;
    }
    const rows = [['NAME', 'STATE', 'ENVIRONMENT', 'THUMBPRINT', 'EXPIRES', 'PERMITTED WORKFLOWS']];
    for (const k of list) {
      rows.push([k.name, k.state, k.environment, k.thumbprint ?? '-', k.notAfter?.slice(0, 10) ?? '-', k.permittedWorkflows.join(', ') || '(none)']);
    }
    io.out(table(rows));
    // Files that will never be read (a FIFO, a device, too large): say so, do not hide them.
    for (const k of list) for (const msg of k.fileErrors ?? []) io.err(`warning: ${msg}\n`);
    return 0;
  },
};
