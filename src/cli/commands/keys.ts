import { readFile, unlink } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { gitignorePrivateFiles, validateKeyName, writeKeyFiles } from '../../core/certificates/files';
import { generateCertificate } from '../../core/certificates/generate';
import { addKey, type KeyEntry } from '../../core/manifest/edit';
import { existingPemKey, existingPfx, keyEnvironment, permittedWorkflows, storedPath } from '../../core/manifest/newKey';
import { keyStatus } from '../../core/manifest/status';
import type { Manifest } from '../../core/manifest/types';
import { parse, secretFromEnv, UsageError, type Command, type Io } from '../args';
import { editManifestFile, loadForCli, manifestPath, passphraseFromEnv, table } from '../manifest';

const usage = `Usage:
  flowgear-mtls keys list [--workspace DIR] [--json]
  flowgear-mtls keys add NAME (--new | --certificate FILE --private-key FILE | --pfx FILE)
                [--environment ENV] [--permit WORKFLOW]... [--disabled]
                [--passphrase-env VAR] [--workspace DIR] [--json]

list  Lists the certificate-based API keys of flowgear.json with their state
      (enabled, disabled, expired, missing), target environment, thumbprint and expiry.
add   Adds a key to flowgear.json (comments and formatting kept), thumbprint filled in:
      --new makes its certificate with Flowgear's recipe (RSA 4096, SHA-256, empty
      subject, 600 days) as certs/NAME.key (0600, git-ignored first), .crt and .cer (upload
      the .cer in the console: Site → API Keys); --certificate/--private-key or --pfx use
      files you have (a PFX's passphrase is read from --passphrase-env VAR, which is
      recorded as the key's passphraseEnv — the passphrase itself never is).

Options:
  --environment ENV  the key's Target Site Environment (default Production)
  --permit WORKFLOW  a Permitted Workflow (repeatable; must be declared in flowgear.json)
  --disabled         add the key disabled
  --workspace DIR    folder holding flowgear.json (default: current directory)
  --json             print JSON
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

async function keysAdd(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(argv, {
    new: { type: 'boolean' },
    certificate: { type: 'string' },
    'private-key': { type: 'string' },
    pfx: { type: 'string' },
    environment: { type: 'string' },
    permit: { type: 'string', multiple: true },
    disabled: { type: 'boolean' },
    'passphrase-env': { type: 'string' },
    workspace: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 2) throw new UsageError(`expected 'keys add NAME' (got 'keys ${positionals.join(' ')}')`);
  const name = positionals[1];
  const bad = validateKeyName(name);
  if (bad) throw new UsageError(`invalid key name '${name}': ${bad}`);
  const sources = [v.new, v.certificate !== undefined || v['private-key'] !== undefined, v.pfx !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('keys add needs exactly one of --new, --certificate FILE --private-key FILE, or --pfx FILE');
  if ((v.certificate === undefined) !== (v['private-key'] === undefined)) throw new UsageError('--certificate and --private-key go together');
  if (v['passphrase-env'] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v['passphrase-env'])) throw new UsageError(`--passphrase-env expects a variable NAME (got '${v['passphrase-env']}')`);
  const passphrase = secretFromEnv(v['passphrase-env'], io.env);

  const m = await loadForCli(v.workspace, io);
  const file = manifestPath(v.workspace, io);
  const base: KeyEntry = {
    name,
    enabled: !v.disabled,
    environment: keyEnvironment(m, v.environment),
    permittedWorkflows: permittedWorkflows(m, v.permit ?? []),
  };
  // Fail before anything is written if the manifest cannot take the key (duplicate name, syntax).
  addKey(await readFile(file, 'utf8'), { ...base, certificate: 'x', privateKey: 'x' });

  let entry: KeyEntry;
  let created: string[] = [];
  let upload: string;
  let thumbprint: string;
  if (v.new) {
    const generated = await generateCertificate();
    const files = await writeKeyFiles({ workspaceRoot: m.root, name, generated });
    created = [files.key, files.crt, files.cer];
    thumbprint = generated.thumbprint;
    upload = files.cer;
    entry = { ...base, certificate: storedPath(m.root, files.crt), privateKey: storedPath(m.root, files.key), thumbprint };
  } else if (v.pfx !== undefined) {
    const pfx = resolve(io.cwd, v.pfx);
    thumbprint = existingPfx(pfx, passphrase).thumbprint;
    await gitignorePrivateFiles(m.root, [pfx]);
    upload = pfx;
    entry = { ...base, pfx: storedPath(m.root, pfx), thumbprint, passphraseEnv: v['passphrase-env'] };
  } else {
    const certificate = resolve(io.cwd, v.certificate!);
    const privateKey = resolve(io.cwd, v['private-key']!);
    thumbprint = existingPemKey(certificate, privateKey, passphrase).thumbprint;
    await gitignorePrivateFiles(m.root, [privateKey]);
    upload = certificate;
    entry = { ...base, certificate: storedPath(m.root, certificate), privateKey: storedPath(m.root, privateKey), thumbprint, passphraseEnv: v['passphrase-env'] };
  }
  if (entry.enabled) delete entry.enabled;
  try {
    await editManifestFile(file, (text) => addKey(text, entry));
  } catch (e) {
    await Promise.all(created.map((f) => unlink(f).catch(() => undefined)));
    throw e;
  }
  if (v.json) {
    io.out(JSON.stringify({ name, thumbprint, upload, entry }, null, 2) + '\n');
    return 0;
  }
  const shown = relative(io.cwd, upload).startsWith('..') ? upload : relative(io.cwd, upload);
  io.out(
    `Added key '${name}' to flowgear.json${entry.environment ? ` (targets ${entry.environment})` : ''}${v.disabled ? ', disabled' : ''}.\n` +
      (created.length ? `Created ${created.map((f) => relative(io.cwd, f)).join(', ')} (private key mode 0600, git-ignored).\n` : '') +
      `Upload ${shown} in the Flowgear console (Site → API Keys → New Certificate-based Key); it must show\n` +
      `Thumbprint: ${thumbprint}\n`,
  );
  return 0;
}

export const keys: Command = {
  summary: 'list the API keys in flowgear.json, or add one (with a new certificate or existing files)',
  usage,
  async run(argv, io) {
    if (argv.find((a) => !a.startsWith('-')) === 'add') return keysAdd(argv, io);
    const { values, positionals } = parse(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`expected 'keys list' or 'keys add NAME' (got 'keys ${positionals.join(' ')}')`);
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
