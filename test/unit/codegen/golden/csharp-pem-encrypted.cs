// Flowgear key: ci-test (thumbprint 3E1F0C5A9B8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F)
// Invoke: workflow Update Customer, POST https://acme.flowgear.net/customers/42?_profile=Test (environment Test, _profile=Test)
// Prints the status line and the body; exits 0 on 2xx, 3 on another status, another non-zero code when the call fails.
// X509Certificate2.CreateFromPemFile needs .NET 5 or later.
// Proxy: HttpClient uses the system proxy (Windows settings; HTTPS_PROXY / NO_PROXY on Linux and macOS); the tunnel keeps TLS end to end.
// Build and run (.NET 6+ SDK): dotnet new console -o FlowgearInvoke, replace FlowgearInvoke/Program.cs
// with this file, then: dotnet run --project FlowgearInvoke
using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

public static class FlowgearInvoke
{
    public static int Main() => RunAsync().GetAwaiter().GetResult();

    static async Task<int> RunAsync()
    {
        var passphrase = Environment.GetEnvironmentVariable("FLOWGEAR_PASSPHRASE_CI_TEST"); // never put the passphrase in code
        if (passphrase == null)
        {
            Console.Error.WriteLine("Set the environment variable FLOWGEAR_PASSPHRASE_CI_TEST to the passphrase of key ci-test.");
            return 1;
        }
        var pem = X509Certificate2.CreateFromEncryptedPemFile(@"/work/acme/certs/ci-test.crt", passphrase, @"/work/acme/certs/ci-test.key");
        // Windows' TLS stack wants a key it can persist: round-trip through PKCS#12.
        var certificate = new X509Certificate2(pem.Export(X509ContentType.Pkcs12));

        var handler = new HttpClientHandler();
        handler.ClientCertificateOptions = ClientCertificateOption.Manual;
        handler.ClientCertificates.Add(certificate);

        using (var client = new HttpClient(handler))
        {
            client.Timeout = TimeSpan.FromSeconds(30);
            var request = new HttpRequestMessage(new HttpMethod("POST"), "https://acme.flowgear.net/customers/42?_profile=Test");
            request.Content = new StringContent("{\n  \"name\": \"O'Brien\",\n  \"path\": \"C:\\\\temp\"\n}", Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
            request.Headers.TryAddWithoutValidation("X-Provide-Client-Certificate", "Yes");
            request.Headers.TryAddWithoutValidation("X-Trace", "it's \"quoted\" $x");
            try
            {
                var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Console.WriteLine("HTTP " + (int)response.StatusCode);
                if (!response.IsSuccessStatusCode)
                {
                    // Flowgear errors are JSON { "Message": "…" }; a 404 often means the certificate or permission is wrong.
                    var message = Regex.Match(body, @"""Message""\s*:\s*""((?:[^""\\]|\\.)*)""");
                    if (message.Success) Console.Error.WriteLine("Flowgear: " + Regex.Unescape(message.Groups[1].Value));
                }
                Console.WriteLine(body);
                return response.IsSuccessStatusCode ? 0 : 3;
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException)
            {
                Console.Error.WriteLine("Request failed: " + (e.InnerException?.Message ?? e.Message));
                return 1;
            }
        }
    }
}
