import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, derivedP12, describe, headersOf, insecureWarning, p12Recipe, passphraseEnvOf } from './common';
import { comment, psStr as psq, psWord } from './escape';

/**
 * PowerShell client code that runs unchanged on Windows PowerShell 5.1 (what Windows ships) and
 * on PowerShell 7: System.Net.Http.HttpClient, no 7-only syntax or cmdlet parameters (a test
 * checks the output for them). The certificate comes from CurrentUser\My by thumbprint (default)
 * or from a PFX file (variant 'pfx'). The status decides the exit code, whatever the version.
 */
export function generatePowershell(req: ResolvedRequest, opts: CodegenOptions): string {
  const c = req.client;
  const variant = opts.variant === 'pfx' || opts.variant === 'thumbprint' ? opts.variant : c.pfx || !c.thumbprint ? 'pfx' : 'thumbprint';
  const passEnv = passphraseEnvOf(req, opts);
  const pfx = c.pfx ?? derivedP12(req);
  const notes = [...describe(req), ...insecureWarning(req), 'Runs on Windows PowerShell 5.1 and PowerShell 7: powershell -File invoke.ps1 (or pwsh -File invoke.ps1).'];
  if (variant === 'thumbprint') {
    notes.push('The certificate is read from CurrentUser\\My (Windows). Import the key once:');
    if (!c.pfx) notes.push(...p12Recipe(req, pfx, passEnv));
    notes.push(`  Import-PfxCertificate -FilePath ${psWord(pfx)} -CertStoreLocation Cert:\\CurrentUser\\My`);
  } else if (!c.pfx) {
    notes.push('Bundle the PEM files into a PFX once:', ...p12Recipe(req, pfx, passEnv));
  }
  if (req.ca) notes.push("HttpClient uses the system trust store; trust the manifest's CA once with:", `  Import-Certificate -FilePath ${psWord(req.ca)} -CertStoreLocation Cert:\\CurrentUser\\Root`);

  notes.push('Proxy: HttpClient uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS).');
  const L: string[] = [comment('hash', notes), '', "$ErrorActionPreference = 'Stop'", 'Add-Type -AssemblyName System.Net.Http'];
  L.push('# Windows PowerShell 5.1 may not offer TLS 1.2 by default.');
  L.push('[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12');
  const needPass = variant === 'pfx' && passEnv;
  if (needPass) {
    L.push(`$passphrase = $env:${passEnv} # never put the passphrase in code`);
    L.push(`if ($null -eq $passphrase) { [Console]::Error.WriteLine(${psq(`Set the environment variable ${passEnv} to the passphrase of key ${c.keyName}.`)}); exit 1 }`);
  }
  if (variant === 'thumbprint') {
    L.push("$store = New-Object System.Security.Cryptography.X509Certificates.X509Store('My', 'CurrentUser')");
    L.push("$store.Open('ReadOnly')");
    L.push(`$found = $store.Certificates.Find('FindByThumbprint', ${psq(c.thumbprint ?? 'THUMBPRINT')}, $false)`);
    L.push('$store.Close()');
    L.push(`if ($found.Count -eq 0) { [Console]::Error.WriteLine(${psq(`Certificate ${c.thumbprint ?? 'THUMBPRINT'} (key ${c.keyName}) is not in CurrentUser\\My; import it first (see above).`)}); exit 1 }`);
    L.push('$certificate = $found[0]');
  } else {
    L.push('# Relative to the current location (Get-Location), not to the process folder .NET would use.');
    L.push(`$pfxPath = [IO.Path]::Combine((Get-Location).Path, ${psq(pfx)})`);
    L.push(`$certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2($pfxPath, ${needPass ? '$passphrase' : '[string]$null'})`);
  }
  L.push('$handler = New-Object System.Net.Http.HttpClientHandler');
  L.push("$handler.ClientCertificateOptions = 'Manual'");
  L.push('[void]$handler.ClientCertificates.Add($certificate)');
  if (req.tlsMaxVersion === 'TLSv1.2') L.push("$handler.SslProtocols = 'Tls12'");
  if (req.insecure) {
    // A compiled callback: a script block would run on a thread without a runspace.
    L.push('# WARNING: server certificate NOT verified (environment marked insecure in the manifest).');
    L.push("$trustAll = @{ TypeDefinition = 'public static class FlowgearTrustAll { public static bool Any(System.Net.Http.HttpRequestMessage m, System.Security.Cryptography.X509Certificates.X509Certificate2 c, System.Security.Cryptography.X509Certificates.X509Chain ch, System.Net.Security.SslPolicyErrors e) { return true; } }' }");
    L.push("# 5.1 compiles against .NET Framework, where HttpClient is not referenced by default (7 has it).");
    L.push("if ($PSVersionTable.PSVersion.Major -lt 6) { $trustAll.ReferencedAssemblies = 'System.Net.Http' }");
    L.push('Add-Type @trustAll');
    L.push('$handler.ServerCertificateCustomValidationCallback = [FlowgearTrustAll]::Any');
  }
  L.push('$client = New-Object System.Net.Http.HttpClient($handler)');
  L.push('$client.Timeout = [TimeSpan]::FromSeconds(30)');
  L.push(`$request = New-Object System.Net.Http.HttpRequestMessage((New-Object System.Net.Http.HttpMethod(${psq(req.method)})), ${psq(req.url)})`);
  const headers = headersOf(req);
  const contentType = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  for (const [k, v] of headers) if (!k.toLowerCase().startsWith('content-')) L.push(`[void]$request.Headers.TryAddWithoutValidation(${psq(k)}, ${psq(v)})`);
  if (req.body !== undefined) {
    L.push(`$request.Content = New-Object System.Net.Http.StringContent(${psq(req.body)}, [Text.Encoding]::UTF8)`);
    if (contentType) L.push(`$request.Content.Headers.ContentType = [System.Net.Http.Headers.MediaTypeHeaderValue]::Parse(${psq(contentType)})`);
    for (const [k, v] of headers) if (k.toLowerCase().startsWith('content-') && k.toLowerCase() !== 'content-type') L.push(`[void]$request.Content.Headers.TryAddWithoutValidation(${psq(k)}, ${psq(v)})`);
  }
  L.push('try {');
  L.push('    $response = $client.SendAsync($request).GetAwaiter().GetResult()');
  L.push('    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()');
  L.push('} catch {');
  L.push('    [Console]::Error.WriteLine("Request failed: $($_.Exception.GetBaseException().Message)")');
  L.push('    exit 1');
  L.push('}');
  L.push('"HTTP $([int]$response.StatusCode)"');
  L.push('# Flowgear errors are JSON { "Message": "..." }; a 404 often means the certificate or permission is wrong.');
  L.push(`if (-not $response.IsSuccessStatusCode -and $text -match '"Message"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"') { [Console]::Error.WriteLine("Flowgear: $($Matches[1])") }`);
  L.push('$text');
  L.push('if (-not $response.IsSuccessStatusCode) { exit 3 }');
  return L.join('\n') + '\n';
}
