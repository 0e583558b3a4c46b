import type { TextRequest as ResolvedRequest } from './common';
import { UserError } from '../errors';
import { CodegenOptions, describe, headersOf, insecureWarning, passphraseEnvOf } from './common';
import { comment, shq, shWord } from './escape';

/**
 * curl command line (POSIX shell). PEM files via --cert/--key, a PFX via --cert-type P12;
 * variant 'windows' uses Windows curl's certificate-store form `CurrentUser\MY\<thumbprint>`.
 */
export function generateCurl(req: ResolvedRequest, opts: CodegenOptions): string {
  const passEnv = passphraseEnvOf(req, opts);
  const c = req.client;
  const windows = opts.variant === 'windows';
  const args: string[] = [];
  args.push(`--request ${shWord(req.method)}`);
  // HTTP/1.1: a server can only ask for the certificate mid-request (renegotiation) over HTTP/1.1.
  args.push('--http1.1');
  if (windows) {
    if (!c.thumbprint) throw new UserError(`key '${c.keyName}' has no thumbprint for the Windows certificate-store form`, 'codegen-no-thumbprint');
    args.push(`--cert ${shq(`CurrentUser\\MY\\${c.thumbprint}`)}`);
  } else if (c.pfx) {
    args.push('--cert-type P12', `--cert ${shq(c.pfx)}`);
  } else {
    args.push(`--cert ${shq(c.certificate ?? 'client.crt')}`, `--key ${shq(c.privateKey ?? 'client.key')}`);
  }
  if (req.ca) args.push(`--cacert ${shq(req.ca)}`);
  if (req.insecure) args.push('--insecure');
  if (req.tlsMaxVersion === 'TLSv1.2') args.push('--tls-max 1.2');
  for (const [k, v] of headersOf(req)) args.push(`--header ${shq(`${k}: ${v}`)}`);
  if (req.body !== undefined) args.push(`--data-binary ${shq(req.body)}`);
  // --fail-with-body: exit 22 on a status >= 400 after printing the body (curl 7.76+).
  args.push('--max-time 30', '--silent --show-error', '--fail-with-body', `--write-out ${shq('\\nHTTP %{http_code}\\n')}`);
  args.push(shq(req.url));

  const notes = [...describe(req), ...insecureWarning(req)];
  if (windows) notes.push('Windows curl (Schannel) reads the certificate and key from the CurrentUser\\MY store.');
  if (passEnv && !windows) notes.push(`The passphrase comes from the environment variable ${passEnv}, handed to curl as a config on stdin (never on its command line, which other users can see).`);
  if (req.ca) notes.push("Note: --cacert replaces curl's default CA bundle for this call.");
  notes.push('Proxy: curl uses HTTPS_PROXY / NO_PROXY from the environment (or --proxy URL); the CONNECT tunnel keeps TLS and the client certificate end to end.');
  const lines = [comment('hash', notes)];
  // The message is one single-quoted word: nothing in the key name expands.
  const unset = shq(`Set ${passEnv} to the passphrase of key ${c.keyName}.`);
  if (passEnv && !windows) lines.push(`[ -n "\${${passEnv}:-}" ] || { printf '%s\\n' ${unset} >&2; exit 1; }`);
  // printf is a shell builtin and awk reads the secret from a pipe (escaping \ and " for curl's
  // config syntax): no process carries it in argv.
  const feed = passEnv && !windows ? `printf '%s' "$${passEnv}" | awk '{ gsub(/[\\\\"]/, "\\\\\\\\&"); printf "pass = \\"%s\\"\\n", $0 }' | ` : '';
  lines.push(`${feed}curl ${feed ? '--config - ' : ''}` + args.join(' \\\n  '));
  // 1xx/3xx: curl exits 0 without --fail; the status decides.
  lines.push('status=$?');
  lines.push('[ "$status" -eq 22 ] && exit 3');
  lines.push('exit "$status"');
  return lines.join('\n') + '\n';
}
