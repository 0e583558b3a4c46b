/**
 * Clients nobody here wrote, run as child processes. Always async (execFile): the
 * emulator under test runs in this same process, so a sync spawn would deadlock it.
 */
import { execFile } from 'node:child_process';

export interface ClientResult {
  status: number;
  body: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** curl with the given extra args; status from -w, body from stdout. */
export async function curl(url: string, args: string[] = []): Promise<ClientResult> {
  const r = await run('curl', ['-sS', '--max-time', '15', '-w', '\n%{http_code}', ...args, url]);
  const at = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(at + 1)) || 0, body: r.stdout.slice(0, at), stderr: r.stderr };
}

export function curlCert(url: string, ca: string, cert: { certificatePem: string; privateKey: string } | undefined, extra: string[] = []) {
  return curl(url, ['--cacert', ca, ...(cert ? ['--cert', cert.certificatePem, '--key', cert.privateKey] : []), ...extra]);
}

const PYTHON_CLIENT = `
import http.client, json, ssl, sys
a = json.loads(sys.stdin.read())
ctx = ssl.create_default_context(cafile=a["ca"])
if a.get("cert"):
    ctx.load_cert_chain(a["cert"], a["key"])
if a.get("noTicket"):
    ctx.options |= ssl.OP_NO_TICKET
conn = http.client.HTTPSConnection(a["host"], a["port"], context=ctx, timeout=15)
conn.request(a.get("method", "GET"), a["path"], body=a.get("body"), headers=a.get("headers", {}))
r = conn.getresponse()
print(json.dumps({"status": r.status, "body": r.read().decode("utf-8")}))
`;

/** python3's ssl + http.client, verifying the server against `ca`. */
export async function python(args: { ca: string; host: string; port: number; path: string; cert?: string; key?: string; method?: string; body?: string; headers?: Record<string, string>; noTicket?: boolean }): Promise<ClientResult> {
  const r = await run('python3', ['-c', PYTHON_CLIENT], JSON.stringify(args));
  if (r.code !== 0) return { status: 0, body: '', stderr: r.stderr };
  const out = JSON.parse(r.stdout) as { status: number; body: string };
  return { ...out, stderr: r.stderr };
}
