import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, derivedP12, describe, headersOf, insecureWarning, p12Recipe, passphraseEnvOf } from './common';
import { comment, javaStr as dqAscii } from './escape';

/** Headers java.net.http.HttpClient sets itself and refuses from callers. */
const RESTRICTED = new Set(['connection', 'content-length', 'expect', 'host', 'upgrade']);

/**
 * Java 17 client code: PKCS#12 KeyStore + SSLContext + java.net.http.HttpClient, runnable as a
 * single-file program (`java FlowgearInvoke.java`). An unencrypted PEM key is loaded directly;
 * an encrypted one needs a .p12 first (the JDK cannot decrypt OpenSSL-encrypted PEM keys).
 */
export function generateJava(req: ResolvedRequest, opts: CodegenOptions): string {
  const passEnv = passphraseEnvOf(req, opts);
  const c = req.client;
  const pemDirect = !c.pfx && !passEnv;
  const p12 = c.pfx ?? derivedP12(req);
  const notes: string[] = [];
  if (!c.pfx && passEnv) notes.push('The JDK cannot decrypt an encrypted PEM key; bundle certificate and key into a .p12 once:', ...p12Recipe(req, p12, passEnv));

  const L: string[] = [];
  L.push(comment('java', [...describe(req), ...insecureWarning(req), ...notes, 'Run: java FlowgearInvoke.java (Java 11+; single-file source launch)', 'Proxy: HttpClient uses the default ProxySelector: run with -Dhttps.proxyHost=HOST -Dhttps.proxyPort=PORT, or -Djava.net.useSystemProxies=true for the OS settings.']));
  const imports = [
    'java.io.InputStream', 'java.net.URI', 'java.net.http.HttpClient', 'java.net.http.HttpRequest',
    'java.net.http.HttpResponse', 'java.nio.file.Files', 'java.nio.file.Path', 'java.security.KeyStore',
    'java.time.Duration', 'javax.net.ssl.KeyManagerFactory', 'javax.net.ssl.SSLContext',
  ];
  if (pemDirect) imports.push('java.io.ByteArrayOutputStream', 'java.security.KeyFactory', 'java.security.PrivateKey', 'java.security.cert.Certificate', 'java.security.cert.CertificateFactory', 'java.security.spec.PKCS8EncodedKeySpec', 'java.util.Base64', 'java.util.regex.Matcher', 'java.util.regex.Pattern');
  if (req.ca && !pemDirect) imports.push('java.security.cert.CertificateFactory');
  if (req.ca || req.insecure) imports.push('javax.net.ssl.TrustManager');
  if (req.ca) imports.push('javax.net.ssl.TrustManagerFactory', 'java.io.File');
  if (req.insecure) imports.push('java.security.cert.X509Certificate', 'javax.net.ssl.X509TrustManager');
  if (req.tlsMaxVersion === 'TLSv1.2') imports.push('javax.net.ssl.SSLParameters');
  L.push(...[...new Set(imports)].sort().map((i) => `import ${i};`), '');

  L.push('public class FlowgearInvoke {');
  L.push('    public static void main(String[] args) throws Exception {');
  if (pemDirect) {
    L.push('        char[] passphrase = new char[0];');
    L.push(`        KeyStore keys = pemKeyStore(Path.of(${dqAscii(c.certificate ?? 'client.crt')}), Path.of(${dqAscii(c.privateKey ?? 'client.key')}));`);
  } else {
    if (passEnv) {
      L.push(`        String secret = System.getenv(${dqAscii(passEnv)}); // never put the passphrase in code`);
      L.push('        if (secret == null) {');
      L.push(`            System.err.println(${dqAscii(`Set the environment variable ${passEnv} to the passphrase of key ${c.keyName}.`)});`);
      L.push('            System.exit(1);');
      L.push('        }');
      L.push('        char[] passphrase = secret.toCharArray();');
    } else L.push('        char[] passphrase = new char[0];');
    L.push('        KeyStore keys = KeyStore.getInstance("PKCS12");');
    L.push(`        try (InputStream in = Files.newInputStream(Path.of(${dqAscii(p12)}))) {`);
    L.push('            keys.load(in, passphrase);');
    L.push('        }');
  }
  L.push('        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());');
  L.push('        kmf.init(keys, passphrase);');
  let trust = 'null';
  if (req.insecure) {
    trust = 'trustAll';
    L.push('        // WARNING: server certificate NOT verified (environment marked insecure in the manifest).');
    L.push('        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");');
    L.push('        TrustManager[] trustAll = { new X509TrustManager() {');
    L.push('            public void checkClientTrusted(X509Certificate[] chain, String authType) {}');
    L.push('            public void checkServerTrusted(X509Certificate[] chain, String authType) {}');
    L.push('            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }');
    L.push('        } };');
  } else if (req.ca) {
    trust = 'tmf.getTrustManagers()';
    L.push("        // Trust the JDK's CAs plus the manifest's CA.");
    L.push('        KeyStore trusted = KeyStore.getInstance(new File(System.getProperty("java.home"), "lib/security/cacerts"), (char[]) null);');
    L.push(`        try (InputStream in = Files.newInputStream(Path.of(${dqAscii(req.ca)}))) {`);
    L.push('            trusted.setCertificateEntry("flowgear-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));');
    L.push('        }');
    L.push('        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());');
    L.push('        tmf.init(trusted);');
  }
  L.push('        // No session tickets: if the server renegotiates to ask for the certificate, a resumed');
  L.push('        // session would skip it and the call would look anonymous (Flowgear answers 404).');
  L.push('        System.setProperty("jdk.tls.client.enableSessionTicketExtension", "false");');
  L.push('        SSLContext tls = SSLContext.getInstance("TLS");');
  L.push(`        tls.init(kmf.getKeyManagers(), ${trust}, null);`, '');
  L.push('        HttpClient client = HttpClient.newBuilder()');
  L.push('                .sslContext(tls)');
  if (req.tlsMaxVersion === 'TLSv1.2') L.push('                .sslParameters(new SSLParameters(null, new String[] { "TLSv1.2" }))');
  L.push('                // HTTP/1.1: a server can only ask for the certificate mid-request (renegotiation) over HTTP/1.1.');
  L.push('                .version(HttpClient.Version.HTTP_1_1)');
  L.push('                .connectTimeout(Duration.ofSeconds(30))');
  L.push('                .build();');
  L.push(`        HttpRequest request = HttpRequest.newBuilder(URI.create(${dqAscii(req.url)}))`);
  L.push('                .timeout(Duration.ofSeconds(30))');
  for (const [k, v] of headersOf(req)) {
    if (RESTRICTED.has(k.toLowerCase())) continue;
    L.push(`                .header(${dqAscii(k)}, ${dqAscii(v)})`);
  }
  const publisher = req.body !== undefined ? `HttpRequest.BodyPublishers.ofString(${dqAscii(req.body)})` : 'HttpRequest.BodyPublishers.noBody()';
  L.push(`                .method(${dqAscii(req.method)}, ${publisher})`);
  L.push('                .build();');
  L.push('        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());');
  L.push('        System.out.println("HTTP " + response.statusCode());');
  L.push('        System.out.println(response.body());');
  L.push('        if (response.statusCode() / 100 != 2) System.exit(3);');
  L.push('    }');
  if (pemDirect) L.push('', ...PEM_LOADER);
  L.push('}');
  return L.join('\n') + '\n';
}

/** Loads a PEM certificate chain + unencrypted PKCS#8 or PKCS#1 (RSA) key into a KeyStore. */
const PEM_LOADER = `    /** A KeyStore from PEM files: the certificate chain and an unencrypted PKCS#8 or PKCS#1 RSA key. */
    static KeyStore pemKeyStore(Path certFile, Path keyFile) throws Exception {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
        Matcher m = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----([^-]+)-----END").matcher(Files.readString(keyFile));
        if (!m.find() || m.group(1).contains("ENCRYPTED") || m.group(1).equals("EC ")) {
            throw new IllegalArgumentException(keyFile + ": need an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        if (m.group(1).equals("RSA ")) { // PKCS#1: wrap it as PKCS#8 (version 0, rsaEncryption, key)
            byte[] rsaAlgorithm = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
            der = derTag(0x30, concat(new byte[] { 0x02, 0x01, 0x00 }, rsaAlgorithm, derTag(0x04, der)));
        }
        String algorithm = chain[0].getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, new char[0], chain);
        return store;
    }

    static byte[] derTag(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }`.split('\n');
