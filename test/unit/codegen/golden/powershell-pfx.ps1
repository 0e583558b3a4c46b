#Requires -Version 7
# Flowgear key: ci-test (thumbprint 3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F)
# Invoke: workflow Update Customer, POST https://acme.flowgear.net/customers/42?_profile=Test (environment Test, _profile=Test)
# Proxy: Invoke-RestMethod uses the system proxy (Windows settings; HTTPS_PROXY on Linux and macOS), or pass -Proxy URL.

$passphrase = $env:FLOWGEAR_PASSPHRASE_CI_TEST # never put the passphrase in code
if ($null -eq $passphrase) { throw 'Set the environment variable FLOWGEAR_PASSPHRASE_CI_TEST to the passphrase of key ci-test.' }
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
    Certificate        = Get-PfxCertificate -FilePath '/work/acme/certs/ci-test.pfx' -Password (ConvertTo-SecureString $passphrase -AsPlainText -Force)
    StatusCodeVariable = 'status'
    SkipHttpErrorCheck = $true
    TimeoutSec         = 30
}
$response = Invoke-RestMethod @params
"HTTP $status"
# Flowgear errors are JSON { "Message": "…" }; a 404 often means the certificate or permission is wrong.
if ($status -ge 400 -and $response.Message) { Write-Warning "Flowgear: $($response.Message)" }
if ($response -is [string]) { $response } else { $response | ConvertTo-Json -Depth 10 }
