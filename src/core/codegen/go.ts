import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, describe, headersOf, insecureWarning, passphraseEnvOf, pemFiles } from './common';
import { comment, goStr as dq, shWord } from './escape';

/** Where the decrypted copy of an encrypted key goes: `key.pem` → `key.plain.pem`. */
const plainKey = (key: string) => key.replace(/(\.\w+)?$/, '.plain$1');

/**
 * Go client code: tls.LoadX509KeyPair + http.Client, standard library only. Go reads neither
 * PFX nor encrypted PKCS#8 keys without extra modules, so those keys get openssl recipes.
 */
export function generateGo(req: ResolvedRequest, opts: CodegenOptions): string {
  const passEnv = passphraseEnvOf(req, opts);
  const files = pemFiles(req, passEnv);
  const notes = [...(files.fromPfx ?? [])];
  if (passEnv && !files.fromPfx) {
    notes.push(
      'Go cannot read an encrypted private key; write a decrypted copy once (keep it private):',
      `  openssl pkey -in ${shWord(files.key)} -passin env:${passEnv} -out ${shWord(plainKey(files.key))} && chmod 600 ${shWord(plainKey(files.key))}`,
    );
  }
  const keyFile = passEnv && !files.fromPfx ? plainKey(files.key) : files.key;
  const L: string[] = [];
  L.push(comment('slash', [...describe(req), ...insecureWarning(req), ...notes, 'Run: go run main.go']));
  // A blank line keeps the header a plain comment: gofmt would reflow it as package doc.
  L.push('', 'package main', '');
  L.push('import (');
  L.push('\t"crypto/tls"');
  if (req.ca) L.push('\t"crypto/x509"');
  L.push('\t"fmt"', '\t"io"', '\t"net/http"', '\t"os"');
  if (req.ca) L.push('\t"path/filepath"');
  if (req.body !== undefined) L.push('\t"strings"');
  L.push('\t"time"', ')', '');
  L.push('func main() {');
  L.push(`\tcert, err := tls.LoadX509KeyPair(${dq(files.cert)}, ${dq(keyFile)})`);
  L.push('\tif err != nil {');
  L.push('\t\tfail("loading the client certificate", err)');
  L.push('\t}');
  L.push('\tconfig := &tls.Config{');
  L.push('\t\tCertificates: []tls.Certificate{cert},');
  L.push('\t\t// Flowgear may ask for the certificate by renegotiating; Go refuses that by default.');
  const fields: [string, string][] = [['Renegotiation', 'tls.RenegotiateOnceAsClient,']];
  if (req.tlsMaxVersion === 'TLSv1.2') fields.push(['MaxVersion', 'tls.VersionTLS12,']);
  if (req.insecure) fields.push(['InsecureSkipVerify', 'true, // WARNING: server certificate NOT verified (environment marked insecure)']);
  // Aligned as gofmt aligns consecutive keys.
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  for (const [k, v] of fields) L.push(`\t\t${(k + ':').padEnd(width)} ${v}`);
  L.push('\t}');
  if (req.ca) {
    L.push('\t// Trust the manifest\'s CA in addition to the system CAs.');
    L.push('\tpool, err := x509.SystemCertPool()');
    L.push('\tif err != nil {');
    L.push('\t\tpool = x509.NewCertPool()');
    L.push('\t}');
    L.push(`\tcaPEM, err := os.ReadFile(filepath.Clean(${dq(req.ca)}))`);
    L.push('\tif err != nil || !pool.AppendCertsFromPEM(caPEM) {');
    L.push('\t\tfail("loading the CA file", err)');
    L.push('\t}');
    L.push('\tconfig.RootCAs = pool');
  }
  L.push('\tclient := &http.Client{');
  L.push('\t\t// Proxy: HTTPS_PROXY / NO_PROXY from the environment (Go never proxies localhost or loopback addresses).');
  L.push('\t\tTransport: &http.Transport{TLSClientConfig: config, Proxy: http.ProxyFromEnvironment},');
  L.push('\t\tTimeout:   30 * time.Second,');
  L.push('\t}', '');
  const bodyExpr = req.body !== undefined ? `strings.NewReader(${dq(req.body)})` : 'nil';
  L.push(`\treq, err := http.NewRequest(${dq(req.method)}, ${dq(req.url)}, ${bodyExpr})`);
  L.push('\tif err != nil {');
  L.push('\t\tfail("building the request", err)');
  L.push('\t}');
  for (const [k, v] of headersOf(req)) L.push(`\treq.Header.Set(${dq(k)}, ${dq(v)})`);
  L.push('\tres, err := client.Do(req)');
  L.push('\tif err != nil {');
  L.push('\t\tfail("request failed", err)');
  L.push('\t}');
  L.push('\tdefer res.Body.Close()');
  L.push('\tbody, err := io.ReadAll(res.Body)');
  L.push('\tif err != nil {');
  L.push('\t\tfail("reading the response", err)');
  L.push('\t}');
  L.push('\tfmt.Printf("HTTP %d\\n%s\\n", res.StatusCode, body)');
  L.push('\tif res.StatusCode < 200 || res.StatusCode > 299 {');
  L.push('\t\tos.Exit(3)');
  L.push('\t}');
  L.push('}', '');
  L.push('func fail(what string, err error) {');
  L.push('\tfmt.Fprintf(os.Stderr, "%s: %v\\n", what, err)');
  L.push('\tos.Exit(1)');
  L.push('}');
  return L.join('\n') + '\n';
}
