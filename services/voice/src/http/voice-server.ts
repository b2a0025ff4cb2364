import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { AgentStore } from '../agents/agent-config';
import { CallConnection, type CallLifecycle } from '../calls/call-connection';
import type { CallDeps } from '../pipeline/call-session';
import { redactUrl } from '../logging/logger';

export type AuthResult =
  | { ok: true; callSid: string; agentId?: string }
  | { ok: false; status: 401 | 403; reason: string };

export type StreamAuthenticator = (req: IncomingMessage, callSid: string) => Promise<AuthResult>;

export interface AdmissionState {
  draining(): boolean;
  activeCalls(): number;
  maxCalls: number;
}

export interface VoiceServerOptions {
  logger: Logger;
  agents: AgentStore;
  defaultAgentId: string;
  deps: Omit<CallDeps, 'logger' | 'observer'>;
  lifecycle: CallLifecycle;
  admission: AdmissionState;
  authenticate: StreamAuthenticator;
  onRejected(reason: string): void;
  /** JSON for /health: status 'ok' | 'degraded' → 200, anything else → 503. */
  health(): Promise<{ status: string } & Record<string, unknown>>;
  stats(): Promise<Record<string, unknown>>;
  metrics?(): Promise<{ contentType: string; body: string }>;
  /** Extra HTTP routes (local mode mounts the webhook at /exotel/*). Return true when handled. */
  extraRoutes?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Exotel frames are ~2–4 kB; anything near this is not audio. */
  maxPayloadBytes?: number;
}

const STREAM_PATH = /^\/ws\/exotel\/voice\/([A-Za-z0-9_-]{1,64})$/;

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${status === 503 ? 'Retry-After: 5\r\n' : ''}\r\n${body}`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * The voice service's HTTP face: health, stats, metrics, and the Exotel stream upgrade. Every
 * refusal (draining, full, unauthenticated, unknown agent) happens before the upgrade, so a
 * refused call costs one HTTP response and Exotel can retry elsewhere.
 */
export function createVoiceServer(opts: VoiceServerOptions): Server {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? 64 * 1024 });

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      opts.logger.error({ err: (err as Error).message }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      const h = await opts.health();
      json(res, h.status === 'ok' || h.status === 'degraded' ? 200 : 503, h);
      return;
    }
    if (req.method === 'GET' && path === '/api/stats') {
      json(res, 200, await opts.stats());
      return;
    }
    if (req.method === 'GET' && path === '/metrics' && opts.metrics) {
      const m = await opts.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (opts.extraRoutes?.(req, res)) return;
    json(res, 404, { error: 'not found' });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(req, socket, head).catch((err: unknown) => {
      opts.logger.error({ err: (err as Error).message }, 'upgrade failed');
      refuseUpgrade(socket, 503, 'internal error');
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://local');
    const m = STREAM_PATH.exec(url.pathname);
    const reject = (status: number, reason: string): void => {
      opts.onRejected(reason);
      opts.logger.info({ status, reason, url: redactUrl(url.pathname + url.search) }, 'stream refused');
      refuseUpgrade(socket, status, reason);
    };
    if (!m) return reject(404, 'unknown path');
    const callSid = m[1]!;
    if (opts.admission.draining()) return reject(503, 'draining');
    if (opts.admission.activeCalls() >= opts.admission.maxCalls) return reject(503, 'task at call capacity');
    const auth = await opts.authenticate(req, callSid);
    if (!auth.ok) return reject(auth.status, auth.reason);
    const agentId = auth.agentId ?? url.searchParams.get('agent') ?? opts.defaultAgentId;
    const agent = await opts.agents.get(agentId);
    if (!agent) return reject(404, 'unknown agent');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const logger = opts.logger.child({ callSid, agentId });
      new CallConnection(ws, { callSid, agent, logger, deps: opts.deps, lifecycle: opts.lifecycle });
    });
  }

  server.on('close', () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
  return server;
}
