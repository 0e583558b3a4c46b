import { readBounded } from '../../core/boundedRead';
import { basename, dirname, relative, resolve } from 'node:path';
import {
  exportPfx,
  generateCertificate,
  inspectCertificates,
  readCertificates,
  writeKeyFiles,
  writeNewFiles,
  derToPem,
  dateText,
  type CertificateInfo,
} from '../../core/certificates';
import { UserError } from '../../core/errors';
import { parse, secretFromEnv, UsageError, type Command, type Io } from '../args';
import { promptSecret } from '../prompt';

const usage = `Usage:
  flowgear-mtls cert new --name NAME [--out DIR] [--bits N] [--ec] [--cn CN] [--days N]
                         [--pfx] [--legacy-pfx] [--passphrase-env VAR] [--json] [--workspace DIR]
  flowgear-mtls cert show FILE [--passphrase-env VAR] [--json]
  flowgear-mtls cert thumbprint FILE [--passphrase-env VAR]
  flowgear-mtls cert pfx --cert FILE --key FILE --out FILE [--legacy] [--name N]
                         --passphrase-env VAR [--key-passphrase-env VAR] [--workspace DIR]

new         Creates the self-signed client certificate of Flowgear's recipe (RSA 4096,
            SHA-256, empty subject, 600 days): NAME.key (private, mode 0600, git-ignored),
            NAME.crt (PEM) and NAME.cer (DER, upload it in the Flowgear console), and with
            --pfx NAME.pfx. Never overwrites a file.
show        Details of every certificate in a PEM bundle, DER file or PFX/P12.
thumbprint  The SHA-1 thumbprint as Flowgear shows it, one line per certificate.
pfx         Packs a certificate and its private key into a PFX (AES-256; --legacy: 3DES
            for Windows Server 2016 and older).

Options:
  --out DIR             folder for new files (default: <workspace>/certs)
  --bits N              RSA key size: 2048, 3072 or 4096 (default 4096)
  --ec                  ECDSA P-256 key instead of RSA
  --cn CN               subject common name (default: empty subject)
  --days N              validity in days (default 600)
  --pfx, --legacy-pfx   also write NAME.pfx (modern, or 3DES for old Windows)
  --passphrase-env VAR  environment variable holding the passphrase (key/PFX); passphrases
                        are never taken from the command line. Without it, a terminal prompts.
  --key-passphrase-env VAR  passphrase of an encrypted --key
  --workspace DIR       workspace root whose .gitignore protects private files (default: cwd)
  --json                print JSON
`;

const interactive = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/** Env var if named; else a hidden terminal prompt if there is a terminal; else undefined. */
async function passphrase(varName: string | undefined, io: Io, question: string, confirm = false): Promise<string | undefined> {
  const fromEnv = secretFromEnv(varName, io.env);
  if (fromEnv !== undefined || !interactive()) return fromEnv;
  const first = await promptSecret(question);
  if (confirm && first && (await promptSecret('Repeat it: ')) !== first) throw new UserError('The passphrases differ.', 'passphrase-mismatch');
  return first;
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} expects a whole number (got '${v}')`);
  return Number(v);
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 2) throw new UsageError(`expected 'cert ${positionals[0]} ${what}'`);
  return positionals[1];
}

async function readInput(file: string, io: Io): Promise<Buffer> {
  return readBounded(resolve(io.cwd, file), { field: 'certificate file' });
}

/** A PFX is first tried without a passphrase (NULL and empty: Windows and pyca "no password"
 *  exports); only one that needs it makes the terminal prompt. */
async function inspectFile(file: string, env: string | undefined, io: Io): Promise<CertificateInfo[]> {
  const bytes = await readInput(file, io);
  try {
    return inspectCertificates(bytes, { fileName: file, passphrase: secretFromEnv(env, io.env) });
  } catch (e) {
    if (!(e instanceof UserError) || e.code !== 'pfx-passphrase-required') throw e;
    if (interactive()) return inspectCertificates(bytes, { fileName: file, passphrase: await promptSecret(`Passphrase for ${basename(file)}: `) });
    throw new UserError(`${e.message} Name the environment variable that holds it: --passphrase-env VAR.`, e.code);
  }
}

// toJSON: ISO text, or null for a malformed time (its raw text is in notBeforeRaw/notAfterRaw).
const iso = (i: CertificateInfo) => ({ ...i, notBefore: i.notBefore.toJSON(), notAfter: i.notAfter.toJSON(), daysLeft: Number.isNaN(i.daysLeft) ? null : i.daysLeft });

export function formatInfo(i: CertificateInfo): string {
  const validity = Number.isNaN(i.daysLeft) ? 'expiry date unreadable' : i.expired ? `EXPIRED ${-i.daysLeft} day(s) ago` : `expires in ${i.daysLeft} day(s)`;
  const key = i.keyType + (i.keySize ? ` ${i.keySize}` : '') + (i.curve ? ` (${i.curve})` : '');
  return [
    `Subject:     ${i.subject || '(empty)'}`,
    `Issuer:      ${i.issuer || '(empty)'}${i.selfSigned ? ' (self-signed)' : ''}`,
    `Serial:      ${i.serialNumber}`,
    `Valid:       ${dateText(i.notBefore, i.notBeforeRaw, true)} → ${dateText(i.notAfter, i.notAfterRaw, true)} (${validity})`,
    `Key:         ${key}, ${i.signatureAlgorithm}`,
    `Thumbprint:  ${i.thumbprint}`,
    `SHA-256:     ${i.sha256}`,
  ].join('\n');
}

async function certNew(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    name: { type: 'string' },
    out: { type: 'string' },
    bits: { type: 'string' },
    ec: { type: 'boolean' },
    cn: { type: 'string' },
    days: { type: 'string' },
    pfx: { type: 'boolean' },
    'legacy-pfx': { type: 'boolean' },
    'passphrase-env': { type: 'string' },
    json: { type: 'boolean' },
    workspace: { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  if (!values.name) throw new UsageError('cert new needs --name NAME (the key name, e.g. acme-dev)');
  if (values.ec && values.bits) throw new UsageError('--bits applies to RSA keys; drop it with --ec');
  const root = resolve(io.cwd, values.workspace ?? '.');
  const wantPfx = Boolean(values.pfx || values['legacy-pfx']);
  const bits = int('bits', values.bits);
  if (bits !== undefined && ![2048, 3072, 4096].includes(bits)) throw new UserError(`Unsupported RSA key size ${bits}: use 2048, 3072 or 4096.`, 'bad-key-size');
  const days = int('days', values.days);
  // Ask before the slow part; a key passphrase is optional, a PFX one is not.
  let pass = await passphrase(values['passphrase-env'], io, wantPfx ? 'PFX passphrase: ' : 'Key passphrase (empty: unencrypted key): ', true);
  if (pass === '') pass = undefined;
  if (wantPfx && pass === undefined)
    throw new UsageError('--pfx needs a passphrase: --passphrase-env VAR (passphrases are never taken from the command line)');

  const generated = await generateCertificate({ keyType: values.ec ? 'ec' : 'rsa', bits: bits as 2048 | undefined, cn: values.cn, days });
  const files = await writeKeyFiles({
    workspaceRoot: root,
    folder: values.out ? resolve(io.cwd, values.out) : undefined,
    name: values.name,
    generated,
    passphrase: pass,
    pfx: wantPfx,
    legacyPfx: values['legacy-pfx'],
    pfxPassphrase: pass,
  });
  if (values.json) {
    const doc = { name: values.name, files, thumbprint: generated.thumbprint, sha256: generated.sha256, notBefore: generated.notBefore.toISOString(), notAfter: generated.notAfter.toISOString() };
    io.out(JSON.stringify(doc, null, 2) + '\n');
    return 0;
  }
  const show = (p: string) => (relative(io.cwd, p).startsWith('..') ? p : relative(io.cwd, p));
  const keyKind = values.ec ? 'ECDSA P-256' : `RSA ${bits ?? 4096}`;
  io.out(
    [
      `Created a self-signed certificate for key '${values.name}' (${keyKind}, valid until ${generated.notAfter.toISOString().slice(0, 10)}):`,
      `  ${show(files.key)}  private key (mode 0600, git-ignored${pass ? ', encrypted' : ''})`,
      `  ${show(files.crt)}  certificate (PEM)`,
      `  ${show(files.cer)}  certificate (DER): upload it in Flowgear, Site → API Keys → New Certificate-based Key`,
      ...(files.pfx ? [`  ${show(files.pfx)}  PFX${values['legacy-pfx'] ? ' (legacy 3DES)' : ''} for the Windows certificate store`] : []),
      `Thumbprint: ${generated.thumbprint}`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function certShow(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { 'passphrase-env': { type: 'string' }, json: { type: 'boolean' } });
  const file = one(positionals, 'FILE');
  const infos = await inspectFile(file, values['passphrase-env'], io);
  if (values.json) io.out(JSON.stringify(infos.map(iso), null, 2) + '\n');
  else io.out(infos.map((i, n) => (infos.length > 1 ? `Certificate ${n + 1} of ${infos.length}\n` : '') + formatInfo(i)).join('\n\n') + '\n');
  return 0;
}

async function certThumbprint(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { 'passphrase-env': { type: 'string' } });
  const infos = await inspectFile(one(positionals, 'FILE'), values['passphrase-env'], io);
  io.out(infos.map((i) => i.thumbprint).join('\n') + '\n');
  return 0;
}

async function certPfx(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    cert: { type: 'string' },
    key: { type: 'string' },
    out: { type: 'string' },
    legacy: { type: 'boolean' },
    name: { type: 'string' },
    'passphrase-env': { type: 'string' },
    'key-passphrase-env': { type: 'string' },
    workspace: { type: 'string' },
  });
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  if (!values.cert || !values.key || !values.out) throw new UsageError('cert pfx needs --cert FILE --key FILE --out FILE');
  const certs = readCertificates(await readInput(values.cert, io), { fileName: values.cert });
  const keyText = (await readInput(values.key, io)).toString('latin1');
  const keyPass = /ENCRYPTED/.test(keyText) ? await passphrase(values['key-passphrase-env'], io, `Passphrase of ${basename(values.key)}: `) : undefined;
  const pass = await passphrase(values['passphrase-env'], io, 'PFX passphrase: ', true);
  if (!pass) throw new UsageError('cert pfx needs a passphrase: --passphrase-env VAR (passphrases are never taken from the command line)');
  const pfx = exportPfx({
    certPem: derToPem(certs[0]),
    chainPem: certs.slice(1).map((d) => derToPem(d)),
    keyPem: keyText,
    keyPassphrase: keyPass,
    passphrase: pass,
    legacy: values.legacy,
    friendlyName: values.name,
  });
  const out = resolve(io.cwd, values.out);
  await writeNewFiles(resolve(io.cwd, values.workspace ?? '.'), dirname(out), [[out, pfx, 0o600]], [out]);
  io.out(`Wrote ${values.out}${values.legacy ? ' (legacy 3DES)' : ''} (mode 0600).\n`);
  return 0;
}

const subcommands: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  new: certNew,
  show: certShow,
  thumbprint: certThumbprint,
  pfx: certPfx,
};

export const cert: Command = {
  summary: 'create, inspect and convert client certificates (new, show, thumbprint, pfx)',
  usage,
  async run(argv, io) {
    const sub = argv.find((a) => !a.startsWith('-'));
    const fn = sub && Object.prototype.hasOwnProperty.call(subcommands, sub) ? subcommands[sub] : undefined;
    if (!fn) throw new UsageError(`expected 'cert new|show|thumbprint|pfx'${sub ? ` (got 'cert ${sub}')` : ''}`);
    return fn(argv, io);
  },
};
