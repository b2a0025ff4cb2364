import WebSocket from 'ws';

/**
 * Opens the stream WebSocket the way Exotel does: credentials in a static URL
 * (`wss://user:pass@host/...`) become an `Authorization: Basic` header, and a failed handshake is
 * retried once (/work/shared/protocols/exotel.md, "How a call reaches us").
 */
export interface ConnectOptions {
  headers?: Record<string, string>;
  handshakeTimeoutMs?: number;
  /** Exotel retries a failed handshake once; default true. */
  retryHandshake?: boolean;
  retryDelayMs?: number;
}

export class ConnectError extends Error {
  /** Low-cardinality reason for reports, e.g. 'handshake-401', 'connect-ECONNREFUSED'. */
  constructor(readonly reason: string, message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

export function splitBasicAuth(rawUrl: string): { url: string; authorization?: string } {
  const url = new URL(rawUrl);
  if (url.username === '' && url.password === '') return { url: url.toString() };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function openOnce(url: string, headers: Record<string, string>, handshakeTimeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: handshakeTimeoutMs, perMessageDeflate: false });
    let settled = false;
    const fail = (reason: string, message: string) => {
      if (settled) return;
      settled = true;
      reject(new ConnectError(reason, message));
    };
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners('error');
      resolve(ws);
    });
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      fail(`handshake-${res.statusCode ?? 'unknown'}`, `stream handshake rejected with HTTP ${res.statusCode ?? '?'}`);
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      const reason = /timed out/i.test(err.message) ? 'handshake-timeout' : `connect-${err.code ?? 'error'}`;
      fail(reason, err.message);
    });
  });
}

export async function openStream(rawUrl: string, options: ConnectOptions = {}): Promise<WebSocket> {
  const { url, authorization } = splitBasicAuth(rawUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
  try {
    return await openOnce(url, headers, timeoutMs);
  } catch (err) {
    if (options.retryHandshake === false) throw err;
    await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 500));
    return openOnce(url, headers, timeoutMs);
  }
}
