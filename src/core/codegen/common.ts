import type { ResolvedRequest } from '../invoke/types';
import { envVarName, shq, shWord } from './escape';
import { UserError } from '../errors';

/** The header Flowgear's own C# sample sends so the front end asks for the client certificate. */
export const PROVIDE_CERT_HEADER = 'X-Provide-Client-Certificate';

/** What every generator needs, derived once from the request and the options. */
export interface CodegenOptions {
  /** Language-specific flavour, e.g. 'store' | 'pfx' | 'pem' (C#), 'https' | 'undici' (Node),
   *  'stdlib' | 'requests' (Python), 'windows' (curl with the Windows certificate store). */
  variant?: string;
  /** Environment variable the code reads the key/PFX passphrase from (overrides the request's). */
  passphraseEnv?: string;
  /** Windows certificate store location for thumbprint lookups (C#). */
  storeLocation?: 'CurrentUser' | 'LocalMachine';
}

/** Headers to send: the request's, plus Flowgear's client-certificate header unless present. */
export function headersOf(req: ResolvedRequest): [string, string][] {
  const entries = Object.entries(req.headers);
  if (!entries.some(([k]) => k.toLowerCase() === PROVIDE_CERT_HEADER.toLowerCase())) {
    entries.push([PROVIDE_CERT_HEADER, 'Yes']);
  }
  return entries;
}

/**
 * Name of the passphrase variable, or undefined when the key material is not protected. It lands
 * in identifier positions (`process.env.X`, `$env:X`, `"$X"`): anything but a variable name is refused.
 */
export function passphraseEnvOf(req: ResolvedRequest, opts: CodegenOptions): string | undefined {
  const name = opts.passphraseEnv ?? req.client.passphraseEnv;
  return name === undefined ? undefined : envVarName(name);
}

/** The content type the request declares, if any (case-insensitive lookup). */
export function headerValue(req: ResolvedRequest, name: string): string | undefined {
  const hit = Object.entries(req.headers).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return hit?.[1];
}

/** One line describing which key and environment the code uses; goes in the header comment. */
export function describe(req: ResolvedRequest): string[] {
  const lines = [`Flowgear key: ${req.client.keyName}` + (req.client.thumbprint ? ` (thumbprint ${req.client.thumbprint})` : '')];
  const what = req.workflow ? `workflow ${req.workflow}, ` : '';
  lines.push(`Invoke: ${what}${req.method} ${req.url} (environment ${req.environment}${req.profile ? `, _profile=${req.profile}` : ''})`);
  lines.push('Prints the status line and the body; exits 0 on 2xx, 3 on another status, another non-zero code when the call fails.');
  if (req.runFrom) lines.push(`Run it from ${req.runFrom.folder}: file paths below are relative to it.`, ...req.runFrom.notes);
  return lines;
}

/** Extra lines for the header comment when server verification is off: it must be loud. */
export function insecureWarning(req: ResolvedRequest): string[] {
  return req.insecure
    ? [
        `WARNING: server certificate verification is DISABLED for environment ${req.environment}`,
        'because the manifest marks it insecure. Anyone on the network path can impersonate the server.',
      ]
    : [];
}

/** Certificate files a PEM-based client needs, or the commands to derive them from a PFX (paths shell-quoted: users paste them). */
export function pemFiles(req: ResolvedRequest, passEnv?: string): { cert: string; key: string; fromPfx?: string[] } {
  const c = req.client;
  if (c.certificate && c.privateKey) return { cert: c.certificate, key: c.privateKey };
  if (c.pfx) {
    const base = c.pfx.replace(/\.(pfx|p12)$/i, '');
    const cert = `${base}.crt`;
    const key = `${base}.key`;
    const pass = passEnv ? ` -passin env:${passEnv}` : ' -passin pass:';
    return {
      cert,
      key,
      fromPfx: [
        'This runtime cannot read a PFX directly; extract PEM files once (keep the key private):',
        `  openssl pkcs12 -in ${shWord(c.pfx)}${pass} -clcerts -nokeys -out ${shWord(cert)}`,
        `  openssl pkcs12 -in ${shWord(c.pfx)}${pass} -nocerts -noenc -out ${shWord(key)} && chmod 600 ${shWord(key)}`,
      ],
    };
  }
  return { cert: c.certificate ?? 'client.crt', key: c.privateKey ?? 'client.key' };
}

/** Commands that bundle PEM files into a PKCS#12 file for runtimes/stores that want one (shell-quoted). */
export function p12Recipe(req: ResolvedRequest, out: string, passEnv: string | undefined): string[] {
  const pass = passEnv ? ` -passin env:${passEnv} -passout env:${passEnv}` : ' -passout pass:';
  const c = req.client;
  const openssl = `  openssl pkcs12 -export -name ${shq(c.keyName)} -in ${shWord(c.certificate ?? 'client.crt')} -inkey ${shWord(c.privateKey ?? 'client.key')} -out ${shWord(out)}${pass}`;
  // This tool's own command first; it always protects the PFX, so only with a passphrase variable.
  if (!passEnv) return [openssl];
  const tool = `  flowgear-mtls cert pfx --cert ${shWord(c.certificate ?? 'client.crt')} --key ${shWord(c.privateKey ?? 'client.key')} --out ${shWord(out)} --name ${shq(c.keyName)} --passphrase-env ${passEnv} --key-passphrase-env ${passEnv}`;
  return [tool, 'or with openssl:', openssl];
}

/** The .p12 path used when a PEM key must be bundled first. */
export function derivedP12(req: ResolvedRequest): string {
  return (req.client.privateKey ?? req.client.certificate ?? 'client').replace(/\.(pem|key|crt|cer)$/i, '') + '.p12';
}

/** A request whose body is text: what the generators embed in code. */
export type TextRequest = Omit<ResolvedRequest, 'body'> & { body?: string };

/** A body read from a file is bytes; code can carry it as text only when it is valid UTF-8. */
export function textRequest(req: ResolvedRequest): TextRequest {
  if (!Buffer.isBuffer(req.body)) return req as TextRequest;
  const text = req.body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(req.body)) throw new UserError('this request sends a binary body file; generated code can carry text bodies only', 'codegen-binary-body');
  return { ...req, body: text };
}
