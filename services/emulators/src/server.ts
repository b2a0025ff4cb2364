import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ADMIN_PREFIX, type AdminTarget, handleAdmin } from './admin/admin-routes';
import type { EmulatorContext } from './context';
import { addListenResponseHeaders, handleListenUpgrade } from './deepgram-stt/listen-upgrade';
import { handleSpeak } from './deepgram-tts/speak-route';
import { handleElevenLabsTts } from './elevenlabs/text-to-speech-route';
import { sendJson } from './http/read-json-body';
import { handleChatCompletions } from './openai/chat-completions-route';

const ELEVENLABS_TTS_PATH = /^\/v1\/text-to-speech\/[^/]+(?:\/stream)?$/;

/** One HTTP server for all four providers: their paths do not collide. */
export function createEmulatorServer(ctx: EmulatorContext, admin: AdminTarget): { server: Server; wss: WebSocketServer } {
  const wss = new WebSocketServer({
    noServer: true,
    // Deepgram's browser auth sends the subprotocols `token, <key>`; the server must pick one.
    handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false),
  });
  addListenResponseHeaders(wss);

  const server = createServer((req, res) => {
    route(ctx, admin, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: error instanceof Error ? error.message : 'internal error' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/v1/listen') {
      handleListenUpgrade(ctx, wss, req, socket, head, url);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return { server, wss };
}

async function route(ctx: EmulatorContext, admin: AdminTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (path.startsWith(ADMIN_PREFIX) && (await handleAdmin(admin, req, res, path))) return;
  if (req.method === 'POST') {
    if (path === '/v1/chat/completions') return handleChatCompletions(ctx, req, res);
    if (path === '/v1/speak') return handleSpeak(ctx, req, res, url);
    if (ELEVENLABS_TTS_PATH.test(path)) return handleElevenLabsTts(ctx, req, res, url);
  }
  sendJson(res, 404, { error: `emulator: no route for ${req.method ?? ''} ${path}` });
}
