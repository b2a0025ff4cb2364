import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { signStreamUrl } from '../../services/shared/src/stream-signature';
import { authenticateStreamRequest, MemoryReplayGuard, type StreamAuthDeps } from '../../services/shared/src/stream-auth';
import { freePort } from '../support/free-port';

const key = { id: 'k1', secret: 'w'.repeat(40) };

/** How the voice service is expected to use it: authenticate, then upgrade or answer 401. */
function voiceServer(deps: StreamAuthDeps): Server {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', (req, socket: Duplex, head) => {
    void authenticateStreamRequest({ url: req.url ?? '', headers: req.headers, remoteAddress: req.socket.remoteAddress }, deps).then((auth) => {
      if (!auth.ok) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(1000, auth.callSid));
    });
  });
  return server;
}

function connect(url: string): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false }));
  });
}

describe('stream auth in front of a real WebSocket upgrade', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = voiceServer({ mode: 'required', keys: [key], replayGuard: new MemoryReplayGuard() });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('upgrades a signed URL once, and answers 401 without upgrading to the replay and to an unsigned URL', async () => {
    const url = signStreamUrl(base, { callSid: 'CA9', agentId: 'sales', expiresAt: Math.floor(Date.now() / 1000) + 60 }, key);
    await expect(connect(url)).resolves.toEqual({ opened: true });
    await expect(connect(url)).resolves.toEqual({ opened: false, status: 401 });
    await expect(connect(`${base}/ws/exotel/voice/CA9?agent=sales`)).resolves.toEqual({ opened: false, status: 401 });
  });
});
