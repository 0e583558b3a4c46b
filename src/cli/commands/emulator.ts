import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ensureGitignored } from '../../core/certificates/gitignore';
import { LOCAL_MANIFEST_FILE, withEmulatorSite } from '../../core/manifest/local';
import { startEmulator, type CertRequestMode } from '../../emulator';
import { watchFiles } from '../../emulator/watch';
import { type Command, UsageError, parse } from '../args';

const usage = `Usage:
  flowgear-mtls emulator [--workspace DIR] [--port N] [--host ADDR]
                [--cert-request handshake|renegotiate] [--disable-delay S] [--body-limit BYTES]
                [--write-local-override] [--accept-expired] [--max-connections N]

Runs a local stand-in for a Flowgear site, driven by DIR/flowgear.json: HTTPS with client
certificates, routing by the workflows' method + path template, and the key rules (certificate
thumbprint, enabled, permitted workflows, target environment). Refusals answer 404 like Flowgear,
and a log line says why. On first start it creates a local CA in DIR/.flowgear/ (git-ignored);
point the manifest's "ca" at it. The manifest and the keys' certificate files are reloaded
when they change. Runs until Ctrl+C.

  --port N              listen port (default 0 = any free port)
  --host ADDR           listen address (default 127.0.0.1)
  --cert-request MODE   handshake (default): ask for the certificate in the TLS handshake;
                        renegotiate: TLS 1.2, ask only when a request carries
                        'X-Provide-Client-Certificate: Yes' (as IIS-style front ends do)
  --disable-delay S     a disabled key keeps working S seconds (Flowgear: up to 300)
  --body-limit BYTES    larger request bodies get 413 (default 1048576)
  --accept-expired      accept expired client certificates (default: refuse them with 404, as
                        this tool assumes Flowgear does — see README, Expired certificates)
  --write-local-override  point your flowgear.local.json (git-ignored, merged over flowgear.json
                        by every command and the editor) at this emulator: "site" and "ca" —
                        the shared flowgear.json, and code generated from it, stay untouched
  --max-connections N   open connections at most; more are refused (default 256)

A management-API subset (sites, keys, environments, workflows) answers under /_management.`;

const options = {
  workspace: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'cert-request': { type: 'string' },
  'disable-delay': { type: 'string' },
  'body-limit': { type: 'string' },
  'write-local-override': { type: 'boolean' },
  'accept-expired': { type: 'boolean' },
  'max-connections': { type: 'string' },
} as const;

function wholeNumber(v: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > max) throw new UsageError(`${flag} expects a whole number from 0 to ${max} (got '${v}')`);
  return n;
}

const time = () => new Date().toISOString().slice(11, 23);

export const emulator: Command = {
  summary: 'run a local Flowgear emulator (mTLS, key rules from flowgear.json)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, options, false);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const mode = values['cert-request'] ?? 'handshake';
    if (mode !== 'handshake' && mode !== 'renegotiate') {
      throw new UsageError(`--cert-request must be handshake or renegotiate (got '${mode}')`);
    }
    const workspace = resolve(io.cwd, values.workspace ?? '.');
    const emu = await startEmulator({
      workspace,
      port: wholeNumber(values.port, '--port', 65535),
      host: values.host,
      certRequest: mode as CertRequestMode,
      disableDelaySeconds: wholeNumber(values['disable-delay'], '--disable-delay'),
      bodyLimit: wholeNumber(values['body-limit'], '--body-limit'),
      acceptExpiredCertificates: values['accept-expired'],
      maxConnections: wholeNumber(values['max-connections'], '--max-connections') || undefined,
      log: (line) => io.out(`[${time()}] ${line}\n`),
    });
    const caRel = relative(workspace, emu.caPath).split('\\').join('/');
    let override: string;
    if (values['write-local-override']) {
      const file = join(workspace, LOCAL_MANIFEST_FILE);
      await ensureGitignored(workspace, [`/${LOCAL_MANIFEST_FILE}`]);
      const old = await readFile(file, 'utf8').catch(() => undefined);
      await writeFile(`${file}.tmp`, withEmulatorSite(old, emu.url, caRel));
      await rename(`${file}.tmp`, file);
      override = `  wrote ${LOCAL_MANIFEST_FILE} (git-ignored): "site": "${emu.url}", "ca": "${caRel}" — every command and the editor now invoke this emulator; delete the file to go back\n`;
    } else {
      override = `  to invoke it without editing the shared flowgear.json: flowgear-mtls emulator --write-local-override (writes your git-ignored ${LOCAL_MANIFEST_FILE})\n`;
    }
    io.out(
      `listening on ${emu.url}\n` +
        `CA certificate: ${emu.caPath}\n` +
        override +
        `management API: ${emu.managementUrl} (auth=${emu.managementSessionId})\n` +
        'press Ctrl+C to stop\n',
    );

    const watcher = watchFiles(
      emu.files(),
      () => void emu.reload().then(() => watcher.update(emu.files())),
      (m) => io.err(`flowgear-mtls: ${m}\n`),
    );

    await new Promise<void>((done) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.out(`[${time()}] ${signal}: stopping\n`);
        watcher.close();
        void emu.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
