# Flowgear key: ci-test (thumbprint 3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F)
# Invoke: workflow Update Customer, POST https://acme.flowgear.net/customers/42?_profile=Test (environment Test, _profile=Test)
# Prints the status line and the body; exits 0 on 2xx, 3 on another status, another non-zero code when the call fails.
# Runs on Windows PowerShell 5.1 and PowerShell 7: powershell -File invoke.ps1 (or pwsh -File invoke.ps1).
# The certificate is read from CurrentUser\My (Windows). Import the key once:
#   openssl pkcs12 -export -name 'ci-test' -in /work/acme/certs/ci-test.crt -inkey /work/acme/certs/ci-test.key -out /work/acme/certs/ci-test.p12 -passout pass:
#   Import-PfxCertificate -FilePath /work/acme/certs/ci-test.p12 -CertStoreLocation Cert:\CurrentUser\My
# HttpClient uses the system trust store; trust the manifest's CA once with:
#   Import-Certificate -FilePath /work/acme/ca/corp-root.crt -CertStoreLocation Cert:\CurrentUser\Root
# Proxy: HttpClient uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS).

$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Net.Http
# Windows PowerShell 5.1 may not offer TLS 1.2 by default.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
$store = New-Object System.Security.Cryptography.X509Certificates.X509Store('My', 'CurrentUser')
$store.Open('ReadOnly')
$found = $store.Certificates.Find('FindByThumbprint', '3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F', $false)
$store.Close()
if ($found.Count -eq 0) { [Console]::Error.WriteLine('Certificate 3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F (key ci-test) is not in CurrentUser\My; import it first (see above).'); exit 1 }
$certificate = $found[0]
$handler = New-Object System.Net.Http.HttpClientHandler
$handler.ClientCertificateOptions = 'Manual'
[void]$handler.ClientCertificates.Add($certificate)
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
