import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, describe, headersOf, insecureWarning, passphraseEnvOf, pemFiles } from './common';
import { comment, pyStr as dq } from './escape';

/**
 * Python client code. Variants: 'stdlib' (http.client + ssl, no dependencies; default) and
 * 'requests'. Python cannot load a PFX without extra packages, so PFX keys get openssl
 * commands that extract PEM files once.
 */
export function generatePython(req: ResolvedRequest, opts: CodegenOptions): string {
  const variant = opts.variant === 'requests' ? 'requests' : 'stdlib';
  const passEnv = passphraseEnvOf(req, opts);
  const files = pemFiles(req, passEnv);
  const L: string[] = [];
  L.push(comment('python', [...describe(req), ...insecureWarning(req), ...(files.fromPfx ?? [])]));
  if (variant === 'requests') L.push(comment('python', ['Needs requests: pip install requests']));
  L.push(
    comment('python', [
      variant === 'requests'
        ? 'Proxy: requests reads HTTPS_PROXY / NO_PROXY from the environment; the tunnel keeps TLS and the client certificate end to end.'
        : 'Proxy: when HTTPS_PROXY is set, http.client tunnels through it with CONNECT (TLS and the client certificate stay end to end; NO_PROXY is not read).',
    ]),
  );
  L.push('import os', 'import ssl', 'import sys');
  if (variant === 'stdlib') L.push('import base64', 'import http.client', 'import urllib.parse');
  else L.push('', 'import requests', 'from requests.adapters import HTTPAdapter');
  L.push('');
  L.push(`URL = ${dq(req.url)}`);
  L.push(`CERT_FILE = ${dq(files.cert)}`);
  L.push(`KEY_FILE = ${dq(files.key)}`);
  if (req.ca) L.push(`CA_FILE = ${dq(req.ca)}  # trusted in addition to the system CAs`);
  // A key extracted from a PFX is written unencrypted: only an encrypted PEM key needs the passphrase here.
  const keyPass = passEnv && !files.fromPfx;
  if (keyPass) {
    L.push(`PASSPHRASE = os.environ.get(${dq(passEnv)})  # never put the passphrase in code`);
    L.push('if PASSPHRASE is None:');
    L.push(`    sys.exit(${dq(`Set the environment variable ${passEnv} to the passphrase of key ${req.client.keyName}.`)})`);
  }
  L.push(`HEADERS = {`, ...headersOf(req).map(([k, v]) => `    ${dq(k)}: ${dq(v)},`), `}`);
  if (req.body !== undefined) L.push(`BODY = ${dq(req.body)}.encode("utf-8")`);
  L.push('');

  // One SSLContext for both variants: it is the only way `requests` takes an encrypted key.
  L.push('');
  L.push('def client_context() -> ssl.SSLContext:');
  L.push('    ctx = ssl.create_default_context()');
  if (req.ca) L.push('    ctx.load_verify_locations(cafile=CA_FILE)');
  if (req.insecure) {
    L.push('    # WARNING: server certificate NOT verified (environment marked insecure in the manifest).');
    L.push('    ctx.check_hostname = False');
    L.push('    ctx.verify_mode = ssl.CERT_NONE');
  }
  if (req.tlsMaxVersion === 'TLSv1.2') L.push('    ctx.maximum_version = ssl.TLSVersion.TLSv1_2');
  L.push(`    ctx.load_cert_chain(CERT_FILE, KEY_FILE${keyPass ? ', password=PASSPHRASE' : ''})`);
  L.push('    # No session tickets: a server that renegotiates to ask for the certificate must get it.');
  L.push('    ctx.options |= ssl.OP_NO_TICKET');
  L.push('    return ctx');
  L.push('');

  if (variant === 'stdlib') {
    L.push('');
    L.push('def main() -> None:');
    L.push('    url = urllib.parse.urlsplit(URL)');
    L.push('    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")');
    L.push('    if proxy:');
    L.push('        p = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)');
    L.push('        conn = http.client.HTTPSConnection(p.hostname, p.port or 80, context=client_context(), timeout=30)');
    L.push('        auth = {}');
    L.push('        if p.username:');
    L.push('            token = base64.b64encode(f"{urllib.parse.unquote(p.username)}:{urllib.parse.unquote(p.password or \'\')}".encode()).decode()');
    L.push('            auth["Proxy-Authorization"] = "Basic " + token');
    L.push('        conn.set_tunnel(url.hostname, url.port or 443, headers=auth)');
    L.push('    else:');
    L.push('        conn = http.client.HTTPSConnection(url.hostname, url.port or 443, context=client_context(), timeout=30)');
    L.push('    target = url.path + ("?" + url.query if url.query else "")');
    L.push(`    conn.request(${dq(req.method)}, target, body=${req.body !== undefined ? 'BODY' : 'None'}, headers=HEADERS)`);
    L.push('    res = conn.getresponse()');
    L.push('    print(f"HTTP {res.status}")');
    L.push('    print(res.read().decode("utf-8", errors="replace"))');
    L.push('    conn.close()');
    L.push('    if not 200 <= res.status < 300:');
    L.push('        sys.exit(3)');
  } else {
    L.push('');
    L.push('class ClientCertAdapter(HTTPAdapter):');
    L.push('    """Sends the client certificate through our SSLContext (handles key passphrases and the CA)."""');
    L.push('');
    L.push('    def init_poolmanager(self, *args, **kwargs):');
    L.push('        ctx = client_context()');
    L.push('        # urllib3 matches the hostname itself (urllib3 1.26 sends no SNI to an IP address,');
    L.push('        # which ssl refuses while check_hostname is on); verification stays on.');
    L.push('        ctx.check_hostname = False');
    L.push('        kwargs["ssl_context"] = ctx');
    L.push('        return super().init_poolmanager(*args, **kwargs)');
    L.push('');
    L.push('    def proxy_manager_for(self, proxy, **proxy_kwargs):');
    L.push('        # Through a proxy the tunnelled TLS connection needs the same context.');
    L.push('        ctx = client_context()');
    L.push('        ctx.check_hostname = False');
    L.push('        proxy_kwargs["ssl_context"] = ctx');
    L.push('        return super().proxy_manager_for(proxy, **proxy_kwargs)');
    L.push('');
    L.push('');
    L.push('def main() -> None:');
    L.push('    with requests.Session() as session:');
    L.push('        session.mount("https://", ClientCertAdapter())');
    if (req.insecure) L.push('        session.verify = False  # WARNING: see above');
    else if (req.ca) L.push('        session.verify = CA_FILE');
    L.push(`        res = session.request(${dq(req.method)}, URL, headers=HEADERS${req.body !== undefined ? ', data=BODY' : ''}, timeout=30)`);
    L.push('        print(f"HTTP {res.status_code}")');
    L.push('        print(res.text)');
    L.push('        if not 200 <= res.status_code < 300:');
    L.push('            sys.exit(3)');
  }
  L.push('');
  L.push('');
  L.push('if __name__ == "__main__":');
  L.push('    try:');
  L.push('        main()');
  L.push('    except (OSError, ssl.SSLError' + (variant === 'requests' ? ', requests.RequestException' : '') + ') as err:');
  L.push('        sys.exit(f"Request failed: {err}")');
  return L.join('\n') + '\n';
}
