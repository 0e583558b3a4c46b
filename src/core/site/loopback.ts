import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors';

export interface LoopbackCallback {
  /** Give this as ReturnUrl: http://127.0.0.1:PORT/callback */
  returnUrl: string;
  /** The `token` the identity provider sent back. */
  token: Promise<string>;
  close(): void;
}

/**
 * A one-shot listener on 127.0.0.1 for redirect sign-in from the CLI: the browser comes back
 * to ReturnUrl with `?token=…`; the first such request resolves `token` and closes it.
 */
export async function listenForToken(timeoutMs = 5 * 60_000): Promise<LoopbackCallback> {
  let resolve!: (t: string) => void;
  let reject!: (e: Error) => void;
  const token = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  token.catch(() => undefined);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const t = url.pathname === '/callback' ? url.searchParams.get('token') : null;
    res.writeHead(t ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(t ? 'Signed in to Flowgear. You can close this tab and return to the terminal.' : 'Not found');
    if (t) {
      resolve(t);
      close();
    }
  });
  const timer = setTimeout(() => {
    reject(new UserError(`no sign-in came back within ${Math.round(timeoutMs / 1000)} s`, 'site-sign-in-timeout'));
    close();
  }, timeoutMs);
  timer.unref();
  function close() {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  }
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  return { returnUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, token, close };
}
