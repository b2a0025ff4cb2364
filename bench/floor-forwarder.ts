/**
 * The FLOOR: the least work any Exotel voice bot must do per call, to compare our CPU against.
 * Per call it parses Exotel's JSON frames, decodes the base64 caller audio and forwards it to a
 * Deepgram-compatible STT socket (plain `ws`, no SDK); when the caller's turn ends it answers with
 * TTS-sized PCM frames (200 ms, 3,200 bytes) on a timer, base64-encoded into Exotel `media` JSON
 * with a `mark` after each sentence, and `clear`s on barge-in. No LLM, no TTS provider, no
 * limits, breakers, metrics or logs: what is left is the unavoidable framing and socket work.
 *
 *   node --import tsx bench/floor-forwarder.ts --stt-url http://127.0.0.1:PORT [--port N]
 *        [--realtime-factor 1.5] [--greeting-ms 3840] [--reply-ms 5400] [--sentence-ms 2700]
 * Prints {"url":"http://127.0.0.1:PORT"} when ready.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { mediaFrameEncoder } from '../services/voice/src/exotel/stream-protocol';

export interface FloorOptions {
  /** Base URL of the Deepgram (emulator) endpoint: http(s)://host:port. */
  sttUrl: string;
  sttApiKey?: string;
  port?: number;
  /** TTS audio produced per second of wall time, as a multiple of real time. */
  realtimeFactor: number;
  greetingMs: number;
  replyMs: number;
  /** Audio between marks: one mark per synthesised sentence, as the voice service sends. */
  sentenceMs: number;
}

export interface RunningFloor {
  url: string;
  port: number;
  activeCalls(): number;
  close(): Promise<void>;
}

const FRAME_BYTES = 3200; // 200 ms of 8 kHz 16-bit mono: the voice service's frame size
const FRAME_MS = 200;
/** The same agent settings the voice service asks Deepgram for (agent defaults). */
const LISTEN_QUERY =
  'model=nova-3&language=en-IN&encoding=linear16&sample_rate=8000&channels=1&interim_results=true' +
  '&endpointing=300&utterance_end_ms=1000&vad_events=true&smart_format=true&punctuate=true';
/** Barge-in: as the voice service's default policy, two interim words cut the agent off. */
const BARGE_IN_MIN_WORDS = 2;

const sttMessageSchema = z.object({
  type: z.string(),
  is_final: z.boolean().optional(),
  speech_final: z.boolean().optional(),
  channel: z.object({ alternatives: z.array(z.object({ transcript: z.string() })) }).optional(),
});

/** A tone-like PCM table; every frame is copied out of it and encoded afresh, as real TTS audio would be. */
function agentVoicePcm(): Buffer {
  const samples = 8000;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 180 * i) / 8000)), i * 2);
  return pcm;
}

class FloorCall {
  private stt: WebSocket | undefined;
  private streamSid = '';
  private encodeMedia = mediaFrameEncoder('');
  private speaking: NodeJS.Timeout | undefined;
  private framesLeft = 0;
  private framesSinceMark = 0;
  private markSeq = 0;
  /** Marks sent but not yet returned: audio Exotel is still playing to the caller. */
  private marksOutstanding = 0;
  private audioOffset = 0;
  private turnWords = 0;
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: FloorOptions,
    private readonly pcm: Buffer,
    private readonly onEnd: () => void,
  ) {
    ws.on('message', (data, isBinary) => this.onExotel(data, isBinary));
    ws.on('close', () => this.end());
    ws.on('error', () => this.end());
  }

  private onExotel(data: RawData, isBinary: boolean): void {
    if (isBinary || this.ended) return;
    let frame: { event?: unknown; media?: { payload?: unknown }; start?: { stream_sid?: unknown }; stream_sid?: unknown };
    try {
      frame = JSON.parse(data.toString()) as typeof frame;
    } catch {
      this.ws.close(1007, 'malformed json');
      return;
    }
    switch (frame.event) {
      case 'media': {
        const payload = frame.media?.payload;
        if (typeof payload !== 'string') return;
        const audio = Buffer.from(payload, 'base64');
        if (this.stt?.readyState === WebSocket.OPEN) this.stt.send(audio);
        return;
      }
      case 'start': {
        const sid = frame.start?.stream_sid ?? frame.stream_sid;
        this.streamSid = typeof sid === 'string' ? sid : '';
        this.encodeMedia = mediaFrameEncoder(this.streamSid);
        this.openStt();
        this.speak(this.opts.greetingMs);
        return;
      }
      case 'mark':
        this.marksOutstanding = Math.max(0, this.marksOutstanding - 1);
        return;
      case 'stop':
        this.ws.close(1000, 'stop');
        this.end();
        return;
      default:
        return; // connected, dtmf: nothing to do on the floor
    }
  }

  private openStt(): void {
    const url = `${this.opts.sttUrl.replace(/^http/, 'ws')}/v1/listen?${LISTEN_QUERY}`;
    const stt = new WebSocket(url, { headers: { authorization: `Token ${this.opts.sttApiKey ?? 'floor'}` } });
    this.stt = stt;
    stt.on('message', (data) => this.onStt(data));
    stt.on('error', () => undefined);
    stt.on('close', () => {
      if (!this.ended) this.ws.close(1011, 'stt closed');
    });
  }

  private onStt(data: RawData): void {
    let parsed: z.infer<typeof sttMessageSchema>;
    try {
      const result = sttMessageSchema.safeParse(JSON.parse(data.toString()));
      if (!result.success) return;
      parsed = result.data;
    } catch {
      return;
    }
    if (parsed.type !== 'Results') return;
    const text = parsed.channel?.alternatives[0]?.transcript.trim() ?? '';
    if (!text) return;
    const words = text.split(/\s+/).length;
    this.turnWords = Math.max(this.turnWords, words);
    if (this.agentAudible() && words >= BARGE_IN_MIN_WORDS) this.bargeIn();
    if (parsed.speech_final === true) {
      const turnWords = this.turnWords;
      this.turnWords = 0;
      // A one-word "okay" over the agent is a backchannel: keep talking.
      if (this.agentAudible() && turnWords < BARGE_IN_MIN_WORDS) return;
      this.speak(this.opts.replyMs);
    }
  }

  private agentAudible(): boolean {
    return this.speaking !== undefined || this.marksOutstanding > 0;
  }

  private bargeIn(): void {
    this.stopSpeaking();
    this.marksOutstanding = 0; // clear drops the queued audio, whether or not its marks come back
    this.send(JSON.stringify({ event: 'clear', stream_sid: this.streamSid }));
  }

  private speak(audioMs: number): void {
    this.stopSpeaking();
    this.framesLeft = Math.max(1, Math.ceil(audioMs / FRAME_MS));
    this.framesSinceMark = 0;
    const periodMs = FRAME_MS / this.opts.realtimeFactor;
    this.speaking = setInterval(() => this.sendFrame(), periodMs);
  }

  private sendFrame(): void {
    if (this.audioOffset + FRAME_BYTES > this.pcm.length) this.audioOffset = 0;
    const frame = this.pcm.subarray(this.audioOffset, this.audioOffset + FRAME_BYTES);
    this.audioOffset += FRAME_BYTES;
    this.send(this.encodeMedia(frame)); // the service's own encoder: framing work is the floor's too
    this.framesLeft -= 1;
    this.framesSinceMark += 1;
    if (this.framesLeft === 0 || this.framesSinceMark * FRAME_MS >= this.opts.sentenceMs) {
      this.framesSinceMark = 0;
      this.marksOutstanding += 1;
      this.send(JSON.stringify({ event: 'mark', stream_sid: this.streamSid, mark: { name: `m${++this.markSeq}` } }));
    }
    if (this.framesLeft === 0) this.stopSpeaking();
  }

  private stopSpeaking(): void {
    if (this.speaking !== undefined) clearInterval(this.speaking);
    this.speaking = undefined;
  }

  private send(text: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text, { binary: false });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopSpeaking();
    const stt = this.stt;
    if (stt?.readyState === WebSocket.OPEN) {
      stt.send('{"type":"CloseStream"}');
      stt.close();
    } else if (stt?.readyState === WebSocket.CONNECTING) {
      stt.terminate();
    }
    this.onEnd();
  }
}

export async function startFloorForwarder(opts: FloorOptions): Promise<RunningFloor> {
  const pcm = agentVoicePcm();
  const calls = new Set<FloorCall>();
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', activeCalls: calls.size }));
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!(req.url ?? '').startsWith('/ws/exotel/voice/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const call: FloorCall = new FloorCall(ws, opts, pcm, () => calls.delete(call));
      calls.add(call);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    activeCalls: () => calls.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const cliSchema = z.object({
  'stt-url': z.string().url(),
  'stt-api-key': z.string().optional(),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  'realtime-factor': z.coerce.number().positive().default(1.5),
  'greeting-ms': z.coerce.number().int().positive().default(3840),
  'reply-ms': z.coerce.number().int().positive().default(5400),
  'sentence-ms': z.coerce.number().int().positive().default(2700),
});

export function parseFloorArgs(argv: string[]): FloorOptions {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(cliSchema.shape).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const a = cliSchema.parse(values);
  return {
    sttUrl: a['stt-url'],
    ...(a['stt-api-key'] !== undefined ? { sttApiKey: a['stt-api-key'] } : {}),
    port: a.port,
    realtimeFactor: a['realtime-factor'],
    greetingMs: a['greeting-ms'],
    replyMs: a['reply-ms'],
    sentenceMs: a['sentence-ms'],
  };
}

if (require.main === module) {
  startFloorForwarder(parseFloorArgs(process.argv.slice(2))).then(
    (floor) => {
      process.stdout.write(`${JSON.stringify({ url: floor.url })}\n`);
      const stop = (): void => void floor.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`floor forwarder failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
