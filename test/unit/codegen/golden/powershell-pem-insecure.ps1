#Requires -Version 7
# Flowgear key: ci-test
# Invoke: workflow Update Customer, POST https://acme.flowgear.net/customers/42?_profile=Test (environment Test, _profile=Test)
# WARNING: server certificate verification is DISABLED for environment Test
# because the manifest marks it insecure. Anyone on the network path can impersonate the server.
# Bundle the PEM files into a PFX once:
#   openssl pkcs12 -export -name 'ci-test' -in /work/acme/certs/ci-test.crt -inkey /work/acme/certs/ci-test.key -out /work/acme/certs/ci-test.p12 -passout pass:
# Proxy: Invoke-RestMethod uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS), or pass -Proxy URL.

$headers = @{
    'X-Provide-Client-Certificate' = 'Yes'
    'X-Trace' = 'it''s "quoted" $x'
}
$body = @'
{
  "name": "O'Brien",
  "path": "C:\\temp"
}
'@
$params = @{
    Uri                = 'https://acme.flowgear.net/customers/42?_profile=Test'
    Method             = 'Post'
    Headers            = $headers
    Body               = $body
    ContentType        = 'application/json'
    Certificate        = Get-PfxCertificate -FilePath '/work/acme/certs/ci-test.p12'
    SslProtocol        = 'Tls12'
    SkipCertificateCheck = $true # WARNING: server certificate NOT verified
    StatusCodeVariable = 'status'
    SkipHttpErrorCheck = $true
    TimeoutSec         = 30
}
$response = Invoke-RestMethod @params
"HTTP $status"
# Flowgear errors are JSON { "Message": "…" }; a 404 often means the certificate or permission is wrong.
if ($status -ge 400 -and $response.Message) { Write-Warning "Flowgear: $($response.Message)" }
if ($response -is [string]) { $response } else { $response | ConvertTo-Json -Depth 10 }
