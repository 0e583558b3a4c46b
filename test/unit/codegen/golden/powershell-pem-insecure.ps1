# Flowgear key: ci-test
# Invoke: workflow Update Customer, POST https://acme.flowgear.net/customers/42?_profile=Test (environment Test, _profile=Test)
# Prints the status line and the body; exits 0 on 2xx, 3 on another status, another non-zero code when the call fails.
# WARNING: server certificate verification is DISABLED for environment Test
# because the manifest marks it insecure. Anyone on the network path can impersonate the server.
# Runs on Windows PowerShell 5.1 and PowerShell 7: powershell -File invoke.ps1 (or pwsh -File invoke.ps1).
# Bundle the PEM files into a PFX once:
#   openssl pkcs12 -export -name 'ci-test' -in /work/acme/certs/ci-test.crt -inkey /work/acme/certs/ci-test.key -out /work/acme/certs/ci-test.p12 -passout pass:
# Proxy: HttpClient uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS).

$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Net.Http
# Windows PowerShell 5.1 may not offer TLS 1.2 by default.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
# Relative to the current location (Get-Location), not to the process folder .NET would use.
$pfxPath = [IO.Path]::Combine((Get-Location).Path, '/work/acme/certs/ci-test.p12')
$certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2($pfxPath, [string]$null)
$handler = New-Object System.Net.Http.HttpClientHandler
$handler.ClientCertificateOptions = 'Manual'
[void]$handler.ClientCertificates.Add($certificate)
$handler.SslProtocols = 'Tls12'
# WARNING: server certificate NOT verified (environment marked insecure in the manifest).
$trustAll = @{ TypeDefinition = 'public static class FlowgearTrustAll { public static bool Any(System.Net.Http.HttpRequestMessage m, System.Security.Cryptography.X509Certificates.X509Certificate2 c, System.Security.Cryptography.X509Certificates.X509Chain ch, System.Net.Security.SslPolicyErrors e) { return true; } }' }
# 5.1 compiles against .NET Framework, where HttpClient is not referenced by default (7 has it).
if ($PSVersionTable.PSVersion.Major -lt 6) { $trustAll.ReferencedAssemblies = 'System.Net.Http' }
Add-Type @trustAll
$handler.ServerCertificateCustomValidationCallback = [FlowgearTrustAll]::Any
$client = New-Object System.Net.Http.HttpClient($handler)
$client.Timeout = [TimeSpan]::FromSeconds(30)
$request = New-Object System.Net.Http.HttpRequestMessage((New-Object System.Net.Http.HttpMethod('POST')), 'https://acme.flowgear.net/customers/42?_profile=Test')
[void]$request.Headers.TryAddWithoutValidation('X-Provide-Client-Certificate', 'Yes')
[void]$request.Headers.TryAddWithoutValidation('X-Trace', 'it''s "quoted" $x')
$request.Content = New-Object System.Net.Http.StringContent('{
  "name": "O''Brien",
  "path": "C:\\temp"
}', [Text.Encoding]::UTF8)
$request.Content.Headers.ContentType = [System.Net.Http.Headers.MediaTypeHeaderValue]::Parse('application/json')
try {
    $response = $client.SendAsync($request).GetAwaiter().GetResult()
    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
} catch {
    [Console]::Error.WriteLine("Request failed: $($_.Exception.GetBaseException().Message)")
    exit 1
}
"HTTP $([int]$response.StatusCode)"
# Flowgear errors are JSON { "Message": "..." }; a 404 often means the certificate or permission is wrong.
if (-not $response.IsSuccessStatusCode -and $text -match '"Message"\s*:\s*"((?:[^"\\]|\\.)*)"') { [Console]::Error.WriteLine("Flowgear: $($Matches[1])") }
$text
if (-not $response.IsSuccessStatusCode) { exit 3 }
