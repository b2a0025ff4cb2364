import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A tiny stand-in for the voice service, just enough to exercise the simulator: it greets,
 * detects the caller's speech by energy, answers after the caller stops, sends marks after its
 * audio, clears when the caller talks over it, and can be told to misbehave on the wire.
 */
export interface FakeVoiceOptions {
  /** Respond to the upgrade with this HTTP status instead of accepting. */
  rejectStatus?: number;
  /** Greet, answer and clear by itself (default true); false leaves everything to the test. */
  auto?: boolean;
  greetingMs?: number;
  replyMs?: number;
  /** Extra wait between detecting the end of caller speech and sending the reply. */
  replyDelayMs?: number;
  /** Bytes per outbound media message (default 3200: the smallest valid Exotel chunk). */
  chunkBytes?: number;
  /** Use `streamSid` instead of `stream_sid` (a real bug in a public implementation). */
  camelCase?: boolean;
  /** `/api/stats` body; when absent the endpoint answers 404. */
  stats?: unknown;
}

export interface ReceivedEvent {
  atMs: number;
  event: string;
  body: Record<string, unknown>;
}

export interface FakeConnection {
  callSid: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  events: ReceivedEvent[];
  streamSid: string | undefined;
  closed: Promise<{ code: number; reason: string }>;
  sendAudio(ms: number, chunkBytes?: number): void;
  sendMark(name: string): void;
  sendClear(): void;
  sendRaw(text: string): void;
  close(code?: number): void;
  /** Resolves with the first received event matching, waiting if needed. */
  waitFor(predicate: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
}

export interface FakeVoiceServer {
  url: string;
  connections: FakeConnection[];
  /** Every WebSocket upgrade request seen, accepted or not. */
  upgradeAttempts: number;
  nextConnection(): Promise<FakeConnection>;
  stop(): Promise<void>;
}

const SPEECH_RMS_THRESHOLD = 500; // ≈ -36 dBFS: the simulator's speech is ~-20, its silence ~-80.
const END_OF_SPEECH_FRAMES = 2;

function rms(pcm: Buffer): number {
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) {
    const s = pcm.readInt16LE(i * 2);
    sum += s * s;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

export async function startFakeVoiceServer(options: FakeVoiceOptions = {}): Promise<FakeVoiceServer> {
  const connections: FakeConnection[] = [];
  // Connections not yet handed to a test by nextConnection(), and tests waiting for one.
  const unclaimed: FakeConnection[] = [];
  const waiting: Array<(c: FakeConnection) => void> = [];
  const wss = new WebSocketServer({ noServer: true });
  const http: Server = createServer((req, res) => {
    if (req.url === '/api/stats' && options.stats !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.stats));
      return;
    }
    res.writeHead(404).end();
  });

  let upgradeAttempts = 0;
  http.on('upgrade', (req, socket, head) => {
    upgradeAttempts += 1;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/ws\/exotel\/voice\/([^/]+)$/.exec(url.pathname);
    if (options.rejectStatus !== undefined || match === null) {
      socket.end(`HTTP/1.1 ${options.rejectStatus ?? 404} Rejected\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = attach(ws, decodeURIComponent(match[1] ?? ''), url.searchParams, req.headers, options);
      connections.push(conn);
      const waiter = waiting.shift();
      if (waiter) waiter(conn);
      else unclaimed.push(conn);
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    get upgradeAttempts() {
      return upgradeAttempts;
    },
    nextConnection: () =>
      new Promise((resolve) => {
        const ready = unclaimed.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      }),
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function attach(
  ws: WebSocket,
  callSid: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  options: FakeVoiceOptions,
): FakeConnection {
  const startedAt = performance.now();
  const events: ReceivedEvent[] = [];
  const listeners: Array<(e: ReceivedEvent) => void> = [];
  const chunkBytes = options.chunkBytes ?? 3200;
  let streamSid: string | undefined;
  let markCounter = 0;
  let callerSpeaking = false;
  let silentFrames = 0;
  let agentPlayingUntil = 0;
  let replyTimer: NodeJS.Timeout | undefined;

  const sidField = () => (options.camelCase ? { streamSid } : { stream_sid: streamSid });
  const send = (body: Record<string, unknown>) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...body, ...sidField() }));
  };

  const conn: FakeConnection = {
    callSid,
    query,
    headers,
    events,
    get streamSid() {
      return streamSid;
    },
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    sendAudio(ms, bytes = chunkBytes) {
      const total = Math.round(ms * 16);
      for (let sent = 0; sent < total; sent += bytes) {
        const pcm = Buffer.alloc(Math.min(bytes, total - sent));
        for (let i = 0; i + 1 < pcm.length; i += 2) pcm.writeInt16LE(Math.round(3000 * Math.sin(i / 5)), i);
        send({ event: 'media', media: { payload: pcm.toString('base64') } });
      }
      agentPlayingUntil = Math.max(performance.now(), agentPlayingUntil) + ms;
    },
    sendMark(name) {
      send({ event: 'mark', mark: { name } });
    },
    sendClear() {
      agentPlayingUntil = 0;
      send({ event: 'clear' });
    },
    sendRaw(text) {
      ws.send(text);
    },
    close(code = 1000) {
      ws.close(code, 'agent ended call');
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fake server: event not received in time')), timeoutMs);
        listeners.push((e) => {
          if (predicate(e)) {
            clearTimeout(timer);
            resolve(e);
          }
        });
      });
    },
  };

  const speak = (ms: number) => {
    conn.sendAudio(ms);
    markCounter += 1;
    conn.sendMark(`utterance-${markCounter}`);
  };

  ws.on('close', () => clearTimeout(replyTimer));
  ws.on('message', (data: Buffer) => {
    const body = JSON.parse(data.toString()) as Record<string, unknown>;
    const event: ReceivedEvent = { atMs: performance.now() - startedAt, event: String(body.event), body };
    events.push(event);
    for (const l of [...listeners]) l(event);
    if (event.event === 'start') {
      streamSid = String((body.start as Record<string, unknown>).stream_sid);
      if (options.auto !== false) speak(options.greetingMs ?? 600);
      return;
    }
    if (event.event !== 'media' || options.auto === false) return;
    const payload = String((body.media as Record<string, unknown>).payload);
    const loud = rms(Buffer.from(payload, 'base64')) > SPEECH_RMS_THRESHOLD;
    if (loud) {
      silentFrames = 0;
      if (!callerSpeaking && performance.now() < agentPlayingUntil) conn.sendClear(); // barge-in
      callerSpeaking = true;
      clearTimeout(replyTimer);
      return;
    }
    if (!callerSpeaking) return;
    silentFrames += 1;
    if (silentFrames >= END_OF_SPEECH_FRAMES) {
      callerSpeaking = false;
      replyTimer = setTimeout(() => speak(options.replyMs ?? 800), options.replyDelayMs ?? 0);
    }
  });
  return conn;
}
