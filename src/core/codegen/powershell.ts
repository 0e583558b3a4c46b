import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, derivedP12, describe, headersOf, insecureWarning, p12Recipe, passphraseEnvOf } from './common';
import { comment, psHereStringOk, psStr as psq, psWord } from './escape';

/**
 * PowerShell 7 client code: Invoke-RestMethod with -CertificateThumbprint (Windows store,
 * default) or -Certificate (Get-PfxCertificate …) when the key is a PFX (variant 'pfx').
 */
export function generatePowershell(req: ResolvedRequest, opts: CodegenOptions): string {
  const c = req.client;
  const variant = opts.variant === 'pfx' || opts.variant === 'thumbprint' ? opts.variant : c.pfx || !c.thumbprint ? 'pfx' : 'thumbprint';
  const passEnv = passphraseEnvOf(req, opts);
  const pfx = c.pfx ?? derivedP12(req);
  const notes = [...describe(req), ...insecureWarning(req)];
  if (variant === 'thumbprint') {
    notes.push('-CertificateThumbprint looks in Cert:\\CurrentUser\\My (Windows). Import the key once:');
    if (!c.pfx) notes.push(...p12Recipe(req, pfx, passEnv));
    notes.push(`  Import-PfxCertificate -FilePath ${psWord(pfx)} -CertStoreLocation Cert:\\CurrentUser\\My`);
  } else if (!c.pfx) {
    notes.push('Bundle the PEM files into a PFX once:', ...p12Recipe(req, pfx, passEnv));
  }
  if (req.ca) notes.push('Invoke-RestMethod uses the system trust store; trust the manifest\'s CA once with:', `  Import-Certificate -FilePath ${psWord(req.ca)} -CertStoreLocation Cert:\\CurrentUser\\Root`);

  notes.push('Proxy: Invoke-RestMethod uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS), or pass -Proxy URL.');
  const L: string[] = ['#Requires -Version 7', comment('hash', notes), ''];
  const needPass = variant === 'pfx' && passEnv;
  if (needPass) {
    L.push(`$passphrase = $env:${passEnv} # never put the passphrase in code`);
    L.push(`if ($null -eq $passphrase) { throw ${psq(`Set the environment variable ${passEnv} to the passphrase of key ${c.keyName}.`)} }`);
  }
  const headers = headersOf(req);
  const contentType = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  L.push('$headers = @{');
  for (const [k, v] of headers) if (k.toLowerCase() !== 'content-type') L.push(`    ${psq(k)} = ${psq(v)}`);
  L.push('}');
  if (req.body !== undefined) {
    // A here-string keeps JSON readable; it cannot hold a line that starts with '@ (or ’@, …).
    L.push(psHereStringOk(req.body) ? `$body = @'\n${req.body}\n'@` : `$body = ${psq(req.body)}`);
  }
  L.push('$params = @{');
  L.push(`    Uri                = ${psq(req.url)}`);
  L.push(`    Method             = ${psq(req.method[0] + req.method.slice(1).toLowerCase())}`);
  L.push('    Headers            = $headers');
  if (req.body !== undefined) L.push('    Body               = $body');
  if (contentType) L.push(`    ContentType        = ${psq(contentType)}`);
  if (variant === 'thumbprint') L.push(`    CertificateThumbprint = ${psq(c.thumbprint ?? 'THUMBPRINT')}`);
  else {
    const password = needPass ? ' -Password (ConvertTo-SecureString $passphrase -AsPlainText -Force)' : '';
    L.push(`    Certificate        = Get-PfxCertificate -FilePath ${psq(pfx)}${password}`);
  }
  if (req.tlsMaxVersion === 'TLSv1.2') L.push(`    SslProtocol        = 'Tls12'`);
  if (req.insecure) L.push('    SkipCertificateCheck = $true # WARNING: server certificate NOT verified');
  L.push('    StatusCodeVariable = \'status\'');
  L.push('    SkipHttpErrorCheck = $true');
  L.push('    TimeoutSec         = 30');
  L.push('}');
  L.push('$response = Invoke-RestMethod @params');
  L.push('"HTTP $status"');
  L.push('# Flowgear errors are JSON { "Message": "…" }; a 404 often means the certificate or permission is wrong.');
  L.push('if ($status -ge 400 -and $response.Message) { Write-Warning "Flowgear: $($response.Message)" }');
  L.push('if ($response -is [string]) { $response } else { $response | ConvertTo-Json -Depth 10 }');
  return L.join('\n') + '\n';
}
