import { UserError, messageOf } from '../errors';

/** Where an invoke was when it failed: picks the words of timeout and reset messages. */
export type Phase = 'connect' | 'headers' | 'body';

function chain(e: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  for (let cur: unknown = e, i = 0; cur && i < 6; cur = (cur as { cause?: unknown }).cause, i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
    messages.push(messageOf(cur));
  }
  return { codes, messages };
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

export interface NetContext {
  url: string;
  keyName: string;
  phase: Phase;
  timeoutMs?: number;
  tlsMaxVersion?: string;
  /** An ad-hoc invoke (--url): advice names --url/--ca/--cert instead of flowgear.json. */
  adhoc?: boolean;
}

/** Turns a socket/TLS/undici error into one sentence a user can act on. */
export function toUserError(e: unknown, ctx: NetContext): UserError {
  if (e instanceof UserError) return e;
  const { codes, messages } = chain(e);
  const all = messages.join(' | ');
  const u = new URL(ctx.url);
  const where = `${u.hostname}:${u.port || 443}`;
  const has = (...c: string[]) => codes.some((x) => c.includes(x));

  if (has('ECONNREFUSED')) {
    return new UserError(`connection refused by ${where}: nothing is listening there (${ctx.adhoc ? 'check the host and port in --url' : 'check the site/baseUrl in flowgear.json'}, or start the local emulator)`, 'refused');
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL')) {
    return new UserError(`cannot resolve ${u.hostname} (DNS lookup failed): ${ctx.adhoc ? 'check the host in --url' : 'check the site/baseUrl in flowgear.json'} and your network`, 'dns');
  }
  const untrusted = codes.find((c) => UNTRUSTED.has(c));
  if (untrusted) {
    const why = untrusted === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `it is not issued for ${u.hostname}` : untrusted === 'CERT_HAS_EXPIRED' ? 'it has expired' : `${untrusted.toLowerCase().replace(/_/g, ' ')}`;
    return new UserError(
      ctx.adhoc
        ? `the server certificate of ${where} is not trusted (${why}). If it is signed by your own CA (e.g. the local emulator's .flowgear/emulator-ca.crt), pass that CA file with --ca FILE`
        : `the server certificate of ${where} is not trusted (${why}). If it is signed by your own CA (e.g. the local emulator's .flowgear/emulator-ca.crt), set "ca" in flowgear.json (site or environment level) to that CA file`,
      'untrusted-server-cert',
    );
  }
  const alert = codes.find((c) => /ALERT/.test(c)) ?? (/alert/i.test(all) ? all.match(/([a-z ]+ alert[^|:]*)/i)?.[1] : undefined);
  if (alert) {
    const name = alert.replace(/^ERR_SSL_(SSLV3_|TLSV1_|TLSV13_)?ALERT_/, '').toLowerCase().replace(/_/g, ' ');
    const required = /certificate required/.test(name);
    return new UserError(
      required
        ? `${where} requires a client certificate and did not get one (TLS alert: ${name}); check ${ctx.adhoc ? '--cert/--key or --pfx' : `key '${ctx.keyName}' has a certificate`}`
        : `${where} rejected our client certificate during the TLS handshake (TLS alert: ${name}): the server does not accept ${ctx.adhoc ? 'the --cert/--pfx certificate' : `key '${ctx.keyName}'s certificate`} (not uploaded, or signed by a CA it does not trust)`,
      'handshake-alert',
    );
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'TimeoutError') || /TimeoutError|timed? ?out/i.test(all)) {
    const phase = has('UND_ERR_CONNECT_TIMEOUT') ? 'connect' : has('UND_ERR_HEADERS_TIMEOUT') ? 'headers' : has('UND_ERR_BODY_TIMEOUT') ? 'body' : ctx.phase;
    const doing = phase === 'connect' ? 'to connect' : phase === 'headers' ? 'to answer' : 'to send the rest of the response';
    return new UserError(`${where} took too long ${doing}${ctx.timeoutMs ? ` (timeout ${ctx.timeoutMs} ms)` : ''}`, 'timeout');
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ERR_SSL_WRONG_VERSION_NUMBER') || /socket disconnected|other side closed|socket hang up/i.test(all)) {
    const during = ctx.phase === 'connect' ? 'during the TLS handshake' : ctx.phase === 'headers' ? 'before answering' : 'while sending the response';
    const hint =
      ctx.phase === 'connect'
        ? ''
        : ` (it may have refused key '${ctx.keyName}'s certificate${ctx.tlsMaxVersion !== 'TLSv1.2' ? '; if it asks for the certificate after the request, by renegotiation, set "tlsMaxVersion": "TLSv1.2" on the environment' : ''})`;
    return new UserError(`${where} closed the connection ${during}${hint}`, 'reset');
  }
  return new UserError(`invoke of ${ctx.url} failed: ${messages[messages.length - 1] ?? all}`, 'network');
}

export function cancelledError(): UserError {
  return new UserError('invoke cancelled', 'cancelled');
}
