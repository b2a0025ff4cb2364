import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { deepgramKey, isKeyAccepted } from '../auth';
import type { EmulatorContext } from '../context';
import { deepgramErrors, refuseUpgrade } from './deepgram-errors';
import { parseListenQuery } from './listen-query';
import { ListenSession } from './listen-session';

/** Admits (or refuses, as Deepgram does) an upgrade to GET /v1/listen. */
export function handleListenUpgrade(
  ctx: EmulatorContext,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
): void {
  const counters = ctx.counters.deepgramStt;
  counters.countRequest();
  if (!isKeyAccepted(deepgramKey(req.headers), ctx.config.apiKey)) {
    counters.countAuthFailure();
    refuseUpgrade(socket, deepgramErrors.auth());
    return;
  }
  const statusFault = ctx.faults.takeStatusFault('deepgramStt');
  if (statusFault !== undefined) {
    counters.countFault();
    if (statusFault.kind === '429') counters.count429();
    refuseUpgrade(socket, statusFault.kind === '429' ? deepgramErrors.tooManyRequests() : deepgramErrors.server(statusFault.status ?? 503));
    return;
  }
  const query = parseListenQuery(url.searchParams, ctx.config.deepgramStt.defaultEndpointingMs);
  if (!query.ok) {
    refuseUpgrade(socket, deepgramErrors.badRequest(query.message));
    return;
  }
  const release = counters.tryAcquire(ctx.config.deepgramStt.limit);
  if (release === undefined) {
    counters.count429();
    refuseUpgrade(socket, deepgramErrors.tooManyRequests());
    return;
  }
  const requestId = randomUUID();
  requestIds.set(req, requestId);
  // The slot is held from admission: a socket that dies during the handshake must give it back.
  socket.once('close', release);
  wss.handleUpgrade(req, socket, head, (ws) => {
    new ListenSession({
      ws,
      options: query.options,
      requestId,
      config: () => ctx.config.deepgramStt,
      scripts: ctx.scripts,
      counters,
      fault: ctx.faults.takeStreamFault('deepgramStt'),
      onEnd: release,
    }).start();
  });
}

const requestIds = new WeakMap<IncomingMessage, string>();

/** Adds Deepgram's dg-request-id (the one the session reports in its messages) to the 101 response. */
export function addListenResponseHeaders(wss: WebSocketServer): void {
  wss.on('headers', (headers, req) => {
    const requestId = requestIds.get(req);
    if (requestId !== undefined) headers.push(`dg-request-id: ${requestId}`);
  });
}
