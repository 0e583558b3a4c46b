import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, derivedP12, describe, headersOf, insecureWarning, p12Recipe, passphraseEnvOf } from './common';
import { comment, csPath as csVerbatim, csStr as dqAscii, psWord } from './escape';

export type CsharpVariant = 'store' | 'pfx' | 'pem';

/** Default C# flavour: PFX keys load the file, otherwise the Windows store by thumbprint. */
export function csharpVariant(req: ResolvedRequest, opts: CodegenOptions): CsharpVariant {
  const v = opts.variant;
  if (v === 'store' || v === 'pfx' || v === 'pem') return v;
  if (req.client.pfx) return 'pfx';
  return req.client.thumbprint ? 'store' : 'pem';
}

/**
 * C# client code in the shape of Flowgear's own sample: HttpClientHandler with the certificate
 * from X509Store by thumbprint (or a PFX file, or PEM files on .NET 5+), header
 * `X-Provide-Client-Certificate: Yes`, and the `Message` of an error body. Uses only APIs that
 * .NET Framework, .NET 5+ and Mono share (except the 'pem' variant), so `mcs` compiles it too.
 */
export function generateCsharp(req: ResolvedRequest, opts: CodegenOptions): string {
  const variant = csharpVariant(req, opts);
  const passEnv = passphraseEnvOf(req, opts);
  const c = req.client;
  // An identifier in the code (StoreLocation.X): only the two names there are.
  const location = opts.storeLocation === 'LocalMachine' ? 'LocalMachine' : 'CurrentUser';
  const notes: string[] = [];
  if (variant === 'store') {
    notes.push(
      `Import the key into Cert:\\${location}\\My once (Windows); Flowgear's own sample reads LocalMachine.`,
      ...(c.pfx ? [] : ['Make a PFX from the PEM files first:', ...p12Recipe(req, derivedP12(req), passEnv)]),
      `  Import-PfxCertificate -FilePath ${psWord(c.pfx ?? derivedP12(req))} -CertStoreLocation Cert:\\${location}\\My`,
    );
  }
  // The PFX this code loads is made by a command printed here, never assumed to exist.
  if (variant === 'pfx' && !c.pfx) notes.push(`Make ${derivedP12(req)} from the PEM files once:`, ...p12Recipe(req, derivedP12(req), passEnv));
  if (variant === 'pem') notes.push('X509Certificate2.CreateFromPemFile needs .NET 5 or later.');
  notes.push('Proxy: HttpClient uses the system proxy (Windows settings; HTTPS_PROXY / NO_PROXY on Linux and macOS); the tunnel keeps TLS end to end.');
  const usings = ['System', 'System.Net.Http', 'System.Net.Http.Headers', 'System.Security.Cryptography.X509Certificates', 'System.Text', 'System.Text.RegularExpressions', 'System.Threading.Tasks'];
  if (req.ca || req.insecure) usings.push('System.Net.Security');
  if (req.tlsMaxVersion === 'TLSv1.2') usings.push('System.Security.Authentication');

  const L: string[] = [];
  const build = [
    'Build and run (.NET 6+ SDK): dotnet new console -o FlowgearInvoke, replace FlowgearInvoke/Program.cs',
    'with this file, then: dotnet run --project FlowgearInvoke',
  ];
  L.push(comment('slash', [...describe(req), ...insecureWarning(req), ...notes, ...build]));
  L.push(...usings.sort().map((u) => `using ${u};`), '');
  L.push('public static class FlowgearInvoke', '{');
  // mcs (Mono) has no async Main; this form works everywhere.
  L.push('    public static int Main() => RunAsync().GetAwaiter().GetResult();', '');
  L.push('    static async Task<int> RunAsync()', '    {');
  const I = '        ';
  const needPass = passEnv && variant !== 'store';
  if (needPass) {
    L.push(`${I}var passphrase = Environment.GetEnvironmentVariable(${dqAscii(passEnv!)}); // never put the passphrase in code`);
    L.push(`${I}if (passphrase == null)`, `${I}{`);
    L.push(`${I}    Console.Error.WriteLine(${dqAscii(`Set the environment variable ${passEnv} to the passphrase of key ${c.keyName}.`)});`);
    L.push(`${I}    return 1;`, `${I}}`);
  }
  if (variant === 'store') {
    L.push(`${I}X509Certificate2 certificate;`);
    L.push(`${I}using (var store = new X509Store(StoreName.My, StoreLocation.${location}))`, `${I}{`);
    L.push(`${I}    store.Open(OpenFlags.ReadOnly);`);
    L.push(`${I}    var found = store.Certificates.Find(X509FindType.FindByThumbprint, ${dqAscii(c.thumbprint ?? 'THUMBPRINT')}, false);`);
    L.push(`${I}    if (found.Count == 0)`, `${I}    {`);
    L.push(`${I}        Console.Error.WriteLine(${dqAscii(`Certificate ${c.thumbprint} (key ${c.keyName}) is not in ${location}\\My.`)});`);
    L.push(`${I}        return 1;`, `${I}    }`);
    L.push(`${I}    certificate = found[0];`, `${I}}`);
  } else if (variant === 'pfx') {
    const file = c.pfx ?? derivedP12(req);
    L.push(`${I}var certificate = new X509Certificate2(${csVerbatim(file)}, ${needPass ? 'passphrase' : '""'});`);
  } else {
    const cert = csVerbatim(c.certificate ?? 'client.crt');
    const key = csVerbatim(c.privateKey ?? 'client.key');
    L.push(needPass
      ? `${I}var pem = X509Certificate2.CreateFromEncryptedPemFile(${cert}, passphrase, ${key});`
      : `${I}var pem = X509Certificate2.CreateFromPemFile(${cert}, ${key});`);
    L.push(`${I}// Windows' TLS stack wants a key it can persist: round-trip through PKCS#12.`);
    L.push(`${I}var certificate = new X509Certificate2(pem.Export(X509ContentType.Pkcs12));`);
  }
  L.push('');
  L.push(`${I}var handler = new HttpClientHandler();`);
  L.push(`${I}handler.ClientCertificateOptions = ClientCertificateOption.Manual;`);
  L.push(`${I}handler.ClientCertificates.Add(certificate);`);
  if (req.tlsMaxVersion === 'TLSv1.2') L.push(`${I}handler.SslProtocols = SslProtocols.Tls12;`);
  if (req.insecure) {
    L.push(`${I}// WARNING: server certificate NOT verified (environment marked insecure in the manifest).`);
    L.push(`${I}handler.ServerCertificateCustomValidationCallback = (message, server, chain, errors) => true;`);
  } else if (req.ca) {
    L.push(`${I}// Trust the manifest's CA in addition to the system's: accept a chain that ends in it.`);
    L.push(`${I}var ca = new X509Certificate2(${csVerbatim(req.ca)});`);
    L.push(`${I}handler.ServerCertificateCustomValidationCallback = (message, server, chain, errors) =>`, `${I}{`);
    L.push(`${I}    if (errors == SslPolicyErrors.None) return true;`);
    L.push(`${I}    if (errors != SslPolicyErrors.RemoteCertificateChainErrors) return false; // e.g. wrong host name`);
    L.push(`${I}    chain.ChainPolicy.ExtraStore.Add(ca);`);
    L.push(`${I}    chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;`);
    L.push(`${I}    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;`);
    L.push(`${I}    if (!chain.Build(new X509Certificate2(server))) return false;`);
    L.push(`${I}    return chain.ChainElements[chain.ChainElements.Count - 1].Certificate.Thumbprint == ca.Thumbprint;`);
    L.push(`${I}};`);
  }
  L.push('');
  L.push(`${I}using (var client = new HttpClient(handler))`, `${I}{`);
  const J = I + '    ';
  L.push(`${J}client.Timeout = TimeSpan.FromSeconds(30);`);
  L.push(`${J}var request = new HttpRequestMessage(new HttpMethod(${dqAscii(req.method)}), ${dqAscii(req.url)});`);
  if (req.body !== undefined) L.push(`${J}request.Content = new StringContent(${dqAscii(req.body)}, Encoding.UTF8);`);
  for (const [k, v] of headersOf(req)) {
    if (k.toLowerCase() === 'content-type' && req.body !== undefined) {
      L.push(`${J}request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(${dqAscii(v)});`);
    } else if (k.toLowerCase().startsWith('content-') && req.body !== undefined) {
      L.push(`${J}request.Content.Headers.TryAddWithoutValidation(${dqAscii(k)}, ${dqAscii(v)});`);
    } else if (!k.toLowerCase().startsWith('content-')) {
      L.push(`${J}request.Headers.TryAddWithoutValidation(${dqAscii(k)}, ${dqAscii(v)});`);
    }
  }
  L.push(`${J}try`, `${J}{`);
  L.push(`${J}    var response = await client.SendAsync(request);`);
  L.push(`${J}    var body = await response.Content.ReadAsStringAsync();`);
  L.push(`${J}    Console.WriteLine("HTTP " + (int)response.StatusCode);`);
  L.push(`${J}    if (!response.IsSuccessStatusCode)`, `${J}    {`);
  L.push(`${J}        // Flowgear errors are JSON { "Message": "…" }; a 404 often means the certificate or permission is wrong.`);
  L.push(`${J}        var message = Regex.Match(body, @"""Message""\\s*:\\s*""((?:[^""\\\\]|\\\\.)*)""");`);
  L.push(`${J}        if (message.Success) Console.Error.WriteLine("Flowgear: " + Regex.Unescape(message.Groups[1].Value));`);
  L.push(`${J}    }`);
  L.push(`${J}    Console.WriteLine(body);`);
  L.push(`${J}    return response.IsSuccessStatusCode ? 0 : 3;`);
  L.push(`${J}}`);
  L.push(`${J}catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException)`, `${J}{`);
  L.push(`${J}    Console.Error.WriteLine("Request failed: " + (e.InnerException?.Message ?? e.Message));`);
  L.push(`${J}    return 1;`, `${J}}`);
  L.push(`${I}}`);
  L.push('    }', '}');
  return L.join('\n') + '\n';
}
