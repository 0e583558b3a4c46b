import type { TextRequest as ResolvedRequest } from './common';
import { CodegenOptions, describe, headersOf, insecureWarning, passphraseEnvOf } from './common';
import { comment, jsStr as sq } from './escape';

/**
 * Node.js client code (JavaScript as CommonJS, TypeScript as ES modules syntax).
 * Variants: 'https' (node:https, no dependencies; default) and 'undici' (fetch with an Agent).
 * Both turn TLS session tickets off: Flowgear may request the certificate by renegotiating,
 * and a resumed session never sends it (docs/tls-renegotiation.md).
 */
export function generateNode(req: ResolvedRequest, opts: CodegenOptions, ts: boolean): string {
  const variant = opts.variant === 'undici' ? 'undici' : 'https';
  const passEnv = passphraseEnvOf(req, opts);
  const c = req.client;
  const L: string[] = [];
  const imp = (what: string, from: string) =>
    L.push(ts ? `import ${what} from '${from}';` : `const ${what.replace(/^\* as /, '')} = require('${from}');`);

  L.push(comment('slash', [...describe(req), ...insecureWarning(req)]));
  if (variant === 'undici') L.push(comment('slash', ['Needs undici: npm install undici']));
  L.push(
    comment('slash', [
      variant === 'https'
        ? 'Proxy: node:https ignores HTTPS_PROXY, so when it is set this program opens a CONNECT tunnel itself (TLS and the client certificate stay end to end; NO_PROXY is not read).'
        : 'Proxy: when HTTPS_PROXY is set, undici\'s ProxyAgent tunnels through it (TLS and the client certificate stay end to end; NO_PROXY is not read).',
    ]),
  );
  if (ts) L.push(comment('slash', ['Run: npx tsx this-file.ts (or compile with tsc)']));
  else L.push(comment('slash', ['Run: node this-file.js']));
  imp('* as fs', 'node:fs');
  if (req.ca || variant === 'https' || ts) imp('* as tls', 'node:tls');
  imp('{ constants }', 'node:crypto');
  if (variant === 'https') {
    imp('* as http', 'node:http');
    imp('* as https', 'node:https');
    imp('* as net', 'node:net');
  } else imp('{ Agent, ProxyAgent, fetch }', 'undici');
  L.push('');

  L.push(`const url = ${sq(req.url)};`);
  if (passEnv) {
    L.push(`const passphrase = process.env.${passEnv}; // passphrase of the key, never in the code`);
    L.push(`if (passphrase === undefined) {`);
    L.push(`  console.error(${sq(`Set the environment variable ${passEnv} to the passphrase of key ${c.keyName}.`)});`);
    L.push(`  process.exit(1);`);
    L.push(`}`);
  }

  const tlsLines: string[] = [];
  if (c.pfx) tlsLines.push(`pfx: fs.readFileSync(${sq(c.pfx)}),`);
  else {
    tlsLines.push(`cert: fs.readFileSync(${sq(c.certificate ?? 'client.crt')}),`);
    tlsLines.push(`key: fs.readFileSync(${sq(c.privateKey ?? 'client.key')}),`);
  }
  if (passEnv) tlsLines.push('passphrase,');
  if (req.ca) tlsLines.push(`ca: [...tls.rootCertificates, fs.readFileSync(${sq(req.ca)})], // the public CAs plus the manifest's CA`);
  if (req.insecure) tlsLines.push('rejectUnauthorized: false, // WARNING: server certificate NOT verified (environment marked insecure)');
  if (req.tlsMaxVersion) tlsLines.push(`maxVersion: ${sq(req.tlsMaxVersion)},`);
  tlsLines.push('// No session tickets: if the server renegotiates to ask for the certificate, a resumed');
  tlsLines.push('// session would skip it and the call would look anonymous (Flowgear answers 404).');
  tlsLines.push('secureOptions: constants.SSL_OP_NO_TICKET,');

  const headers = headersOf(req).map(([k, v]) => `  ${sq(k)}: ${sq(v)},`);
  if (req.body !== undefined) L.push(`const body = ${sq(req.body)};`);
  L.push('');

  if (variant === 'https') {
    if (req.body !== undefined) headers.push(`  'Content-Length': Buffer.byteLength(body),`);
    L.push(`const options${ts ? ': https.RequestOptions' : ''} = {`);
    L.push(`  method: ${sq(req.method)},`);
    L.push(`  headers: {`, ...headers.map((h) => '  ' + h), `  },`);
    L.push(...tlsLines.map((l) => '  ' + l));
    L.push(`};`, '');
    L.push(`const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;`);
    L.push(`if (proxy) {`);
    L.push(`  // CONNECT tunnel through the proxy, then our own TLS over it.`);
    L.push(`  options.createConnection = (opts${ts ? ': any' : ''}, done${ts ? ': (err: Error | null, socket?: any) => void' : ''}) => {`);
    L.push(`    const p = new URL(proxy);`);
    L.push(`    const target = new URL(url);`);
    L.push(`    const host = target.hostname.replace(/^\\[|\\]$/g, '');`);
    L.push(`    const auth = p.username ? { 'Proxy-Authorization': 'Basic ' + Buffer.from(decodeURIComponent(p.username) + ':' + decodeURIComponent(p.password)).toString('base64') } : undefined;`);
    L.push(`    http`);
    L.push(`      .request({ host: p.hostname, port: p.port || 80, method: 'CONNECT', path: (net.isIPv6(host) ? '[' + host + ']' : host) + ':' + (target.port || 443), headers: auth })`);
    L.push(`      .on('connect', (res, socket) => {`);
    L.push(`        if (res.statusCode !== 200) return done(new Error('proxy answered ' + res.statusCode + ' to CONNECT'));`);
    L.push(`        done(null, tls.connect({ ...opts, socket, servername: net.isIP(host) ? undefined : host }));`);
    L.push(`      })`);
    L.push(`      .on('error', done)`);
    L.push(`      .end();`);
    L.push(`    return undefined;`);
    L.push(`  };`);
    L.push(`}`, '');
    L.push(`const request = https.request(url, options, (res) => {`);
    L.push(`  const chunks${ts ? ': Buffer[]' : ''} = [];`);
    L.push(`  res.on('data', (chunk) => chunks.push(chunk));`);
    L.push(`  res.on('end', () => {`);
    L.push('    console.log(`HTTP ${res.statusCode}`);');
    L.push(`    console.log(Buffer.concat(chunks).toString('utf8'));`);
    L.push('    if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) process.exitCode = 3;');
    L.push(`  });`);
    L.push(`});`);
    L.push(`request.setTimeout(30_000, () => request.destroy(new Error('timed out after 30 s')));`);
    L.push(`request.on('error', (err) => {`);
    L.push(`  console.error(\`Request failed: \${err.message}\`);`);
    L.push(`  process.exitCode = 1;`);
    L.push(`});`);
    L.push(req.body !== undefined ? `request.end(body);` : `request.end();`);
  } else {
    L.push(`const tlsOptions${ts ? ': tls.ConnectionOptions' : ''} = {`, ...tlsLines.map((l) => '  ' + l), `};`);
    L.push(`const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;`);
    L.push(`const dispatcher = proxy ? new ProxyAgent({ uri: proxy, requestTls: tlsOptions }) : new Agent({ connect: tlsOptions });`, '');
    L.push(`async function main()${ts ? ': Promise<void>' : ''} {`);
    L.push(`  const res = await fetch(url, {`);
    L.push(`    method: ${sq(req.method)},`);
    L.push(`    headers: {`, ...headers.map((h) => '    ' + h), `    },`);
    if (req.body !== undefined) L.push(`    body,`);
    L.push(`    dispatcher,`);
    L.push(`    signal: AbortSignal.timeout(30_000),`);
    L.push(`  });`);
    L.push('  console.log(`HTTP ${res.status}`);');
    L.push(`  console.log(await res.text());`);
    L.push('  if (!res.ok) process.exitCode = 3;');
    L.push(`  await dispatcher.close();`);
    L.push(`}`, '');
    L.push(`main().catch((err) => {`);
    L.push(`  console.error(\`Request failed: \${err.cause?.message ?? err.message}\`);`);
    L.push(`  process.exitCode = 1;`);
    L.push(`});`);
  }
  return L.join('\n') + '\n';
}
