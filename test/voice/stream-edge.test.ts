import WebSocket from 'ws';
import { hangup, say, waitForAgent } from '../../services/exotel-sim/src/index';
import { signStreamUrl } from '../../services/shared/src/stream-signature';
import { startHarness, type VoiceHarness } from '../support/voice-harness';

const SECRET = 'test-signing-secret-0123456789abcdef';
const KEY = { id: 'k9', secret: SECRET };
const listen = [waitForAgent({ until: 'speaking', timeoutMs: 8000 }), waitForAgent({ until: 'silent', timeoutMs: 15000 })];

/** Opens a stream; resolves with the HTTP status of a refused upgrade, or the open socket. */
function open(url: string, headers: Record<string, string> = {}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function startFrame(callSid: string): string {
  return JSON.stringify({ event: 'start', stream_sid: 'ST1', start: { stream_sid: 'ST1', call_sid: callSid, media_format: { encoding: 'raw/slin', sample_rate: '8000' } } });
}

const media = (bytes: number) => JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(bytes).toString('base64') } });

function signed(h: VoiceHarness, callSid: string, expiresAt = Math.floor(Date.now() / 1000) + 60): string {
  return signStreamUrl(h.wsBase, { callSid, agentId: 'default', expiresAt }, KEY);
}

describe('the stream endpoint at the edge', () => {
  let h: VoiceHarness;
  beforeAll(async () => {
    h = await startHarness({
      STREAM_AUTH_MODE: 'required',
      STREAM_SIGNING_KEY: SECRET,
      STREAM_SIGNING_KEY_ID: 'k9',
      STREAM_BASIC_AUTH: 'exotel:static-url-password',
      MAX_CALLS_PER_TASK: '3',
    });
  });
  afterAll(async () => {
    await h.close();
  });

  describe('authentication before the upgrade', () => {
    it('refuses a stream URL without a signature with 401', async () => {
      expect((await open(`${h.wsBase}/ws/exotel/voice/CA1?agent=default`)).status).toBe(401);
    });

    it('refuses a tampered, an expired and a replayed URL with 401', async () => {
      const tampered = signed(h, 'CA2').replace('CA2', 'CA3');
      expect((await open(tampered)).status).toBe(401);
      expect((await open(signed(h, 'CA4', Math.floor(Date.now() / 1000) - 5))).status).toBe(401);
      const url = signed(h, 'CA5');
      const first = await open(url);
      expect(first.status).toBe(101);
      first.ws!.close();
      expect((await open(url)).status).toBe(401);
    });

    it('accepts HTTP basic auth for static-URL setups, and refuses a wrong password', async () => {
      const good = Buffer.from('exotel:static-url-password').toString('base64');
      const bad = Buffer.from('exotel:nope').toString('base64');
      const ok = await open(`${h.wsBase}/ws/exotel/voice/CA6`, { authorization: `Basic ${good}` });
      expect(ok.status).toBe(101);
      ok.ws!.close();
      expect((await open(`${h.wsBase}/ws/exotel/voice/CA7`, { authorization: `Basic ${bad}` })).status).toBe(401);
    });
  });

  describe('bad input closes only the offending call, with a clear code', () => {
    const cases: Array<[string, (ws: WebSocket, sid: string) => void, number]> = [
      ['malformed JSON', (ws) => ws.send('{"event":'), 1007],
      ['media before start', (ws) => ws.send(media(3200)), 1008],
      ['base64 that is not audio', (ws, sid) => { ws.send(startFrame(sid)); ws.send('{"event":"media","media":{"payload":"!!!!"}}'); }, 1007],
      ['an odd PCM length', (ws, sid) => { ws.send(startFrame(sid)); ws.send(media(3)); }, 1007],
      ['a binary frame', (ws) => ws.send(Buffer.alloc(10)), 1003],
      ['an oversize frame', (ws) => ws.send('x'.repeat(200_000)), 1009],
      ['a start for another call', (ws) => ws.send(startFrame('SOMEONE-ELSE')), 1008],
      ['a flood of frames', (ws, sid) => { ws.send(startFrame(sid)); for (let i = 0; i < 400; i++) ws.send(media(320)); }, 1008],
    ];

    it.each(cases)('%s', async (_name, misbehave, code) => {
      const sid = `CAbad${Math.random().toString(36).slice(2, 8)}`;
      const bystander = h.call({ name: 'bystander', steps: [...listen, say(1000), ...listen, hangup()] });
      const { ws } = await open(signed(h, sid));
      const done = closed(ws!);
      misbehave(ws!, sid);
      const result = await done;
      expect(result.code).toBe(code);
      const other = await bystander;
      expect(other.completed).toBe(true);
      expect(other.protocolViolations).toEqual([]);
    });

    it('ignores an unknown event and keeps the call', async () => {
      const sid = 'CAunknown';
      const { ws } = await open(signed(h, sid));
      ws!.send(startFrame(sid));
      ws!.send('{"event":"ringing"}');
      const gotMedia = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        ws!.on('message', (d) => {
          if (d.toString().includes('"media"')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      expect(gotMedia).toBe(true);
      expect(ws!.readyState).toBe(WebSocket.OPEN);
      ws!.close();
    });
  });

  it('refuses calls beyond MAX_CALLS_PER_TASK with 503 before the upgrade', async () => {
    const socks: WebSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const sid = `CAcap${i}`;
      const { ws } = await open(signed(h, sid));
      ws!.send(startFrame(sid));
      socks.push(ws!);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await open(signed(h, 'CAcap-over'))).status).toBe(503);
    const health = await fetch(`${h.voice.url}/health`);
    expect(health.status).toBe(503);
    for (const s of socks) s.close();
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${h.voice.url}/health`)).status).toBe(200);
  });
});
