import { readBounded } from '../../core/boundedRead';
import { checkManifest } from '../../core/manifest/diagnostics';
import { MANIFEST_FILE, MANIFEST_FILE_LIMIT } from '../../core/manifest/load';
import { parse, UsageError, type Command } from '../args';
import { formatProblem, manifestPath, passphraseFromEnv } from '../manifest';

const usage = `Usage: flowgear-mtls check [--workspace DIR] [--json] [--expiry-days N]

Checks flowgear.json and the key files it names, as the editor's Problems panel does.
Exit 1 when there are errors (usable in CI), 0 when only warnings or nothing.

Errors: invalid JSON or schema, duplicate key names, missing certificate/key/PFX file,
private key not matching its certificate, manifest thumbprint differing from the file,
undeclared environment, unknown permitted workflow, a private key or PFX not ignored by git.
Warnings: expired or expiring certificate, key with no permitted workflows, ambiguous routes.

Options:
  --workspace DIR   folder holding flowgear.json (default: current directory)
  --json            print the problems as JSON
  --expiry-days N   warn N days before a certificate expires (default 30)
`;

export const check: Command = {
  summary: 'check flowgear.json and its key files (exit 1 on errors; for CI)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { workspace: { type: 'string' }, json: { type: 'boolean' }, 'expiry-days': { type: 'string' } }, false);
    void positionals;
    const days = values['expiry-days'] === undefined ? 30 : Number(values['expiry-days']);
    if (!Number.isInteger(days) || days < 0) throw new UsageError(`--expiry-days must be a whole number of days (got '${values['expiry-days']}')`);
    const file = manifestPath(values.workspace, io);
    const problems = await checkManifest((await readBounded(file, { field: MANIFEST_FILE, limit: MANIFEST_FILE_LIMIT })).toString('utf8'), file, { expiryWarningDays: days, passphrase: passphraseFromEnv(io) });
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    if (values.json) {
      io.out(JSON.stringify({ file, errors, warnings, problems }, null, 2) + '\n');
    } else {
      for (const p of problems) io.out(formatProblem(file, p, io) + '\n');
      io.out(problems.length === 0 ? 'flowgear.json: no problems.\n' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
    }
    return errors > 0 ? 1 : 0;
  },
};
