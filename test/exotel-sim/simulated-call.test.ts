import { SimulatedCall, type CallScript, bargeIn, dtmf, hangup, pause, say, waitForAgent } from '../../services/exotel-sim/src';
import { type FakeVoiceOptions, type FakeVoiceServer, startFakeVoiceServer } from './support/fake-voice-server';

let server: FakeVoiceServer | undefined;

async function fake(options: FakeVoiceOptions = {}): Promise<FakeVoiceServer> {
  server = await startFakeVoiceServer(options);
  return server;
}

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function call(target: string, steps: CallScript['steps'], extra: Partial<ConstructorParameters<typeof SimulatedCall>[0]> = {}) {
  return new SimulatedCall({
    url: `${target}/ws/exotel/voice/CA-test?agent=a1`,
    callSid: 'CA-test',
    script: { name: 'test', steps },
    retryHandshake: false,
    ...extra,
  });
}

describe('hanging up on request (a load run\'s end)', () => {
  it('mid-script: sends stop, closes, and counts the call as completed', async () => {
    const srv = await fake({ auto: false });
    const c = call(srv.url, [pause(60_000), hangup('callended')]);
    const running = c.run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'media');
    c.hangUpNow();
    const result = await running;
    expect(result).toMatchObject({ completed: true, failureReason: null });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.close?.by).toBe('caller');
    expect(conn.events.filter((e) => e.event === 'stop')).toHaveLength(1);
  });

  it('while still connecting: hangs up as soon as the stream is open, without running the script', async () => {
    const srv = await fake({ auto: false });
    const c = call(srv.url, [say(5000), pause(60_000), hangup('callended')]);
    const running = c.run();
    c.hangUpNow(); // the WebSocket handshake has not finished yet
    const result = await running;
    expect(result.completed).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
    const conn = srv.connections[0];
    if (!conn) throw new Error('no connection');
    await conn.waitFor((e) => e.event === 'stop');
    expect(conn.events.map((e) => e.event)).toEqual(['connected', 'start', 'stop']);
  });
});

describe('a simulated call on the wire', () => {
  it('sends connected, start, then a 1600-byte media frame about every 100 ms with increasing numbers', async () => {
    const srv = await fake({ auto: false });
    const result = await call(srv.url, [pause(1500), hangup('callended')]).run();
    const conn = srv.connections[0];
    if (!conn) throw new Error('no connection');
    expect(result.completed).toBe(true);
    const [connected, start] = conn.events;
    expect(connected?.event).toBe('connected');
    expect(start?.body).toMatchObject({
      event: 'start',
      stream_sid: result.streamSid,
      start: {
        stream_sid: result.streamSid,
        call_sid: 'CA-test',
        custom_parameters: { agent: 'a1' },
        media_format: { encoding: 'raw/slin', sample_rate: '8000' },
      },
    });
    const media = conn.events.filter((e) => e.event === 'media');
    expect(media.length).toBeGreaterThanOrEqual(10);
    expect(media.length).toBeLessThanOrEqual(20);
    // Pace: frames per 100 ms of wall time between the first and last frame, near 1.
    const first = media[0];
    const last = media[media.length - 1];
    if (!first || !last) throw new Error('no media');
    const framesPer100Ms = (media.length - 1) / ((last.atMs - first.atMs) / 100);
    expect(framesPer100Ms).toBeGreaterThan(0.6);
    expect(framesPer100Ms).toBeLessThan(1.5);
    let previous = { seq: 1, chunk: 0, ts: 0 };
    for (const e of media) {
      const m = e.body.media as { chunk: number; timestamp: string; payload: string };
      const seq = e.body.sequence_number as number;
      expect(Buffer.from(m.payload, 'base64').length).toBe(1600);
      expect(seq).toBeGreaterThan(previous.seq);
      expect(m.chunk).toBe(previous.chunk + 1);
      expect(Number(m.timestamp)).toBeGreaterThan(previous.ts);
      previous = { seq, chunk: m.chunk, ts: Number(m.timestamp) };
    }
  });

  it('hangs up with stop (and its reason), then closes', async () => {
    const srv = await fake({ auto: false });
    const result = await call(srv.url, [pause(200), hangup('caller-hungup')]).run();
    const conn = srv.connections[0];
    if (!conn) throw new Error('no connection');
    const stop = conn.events[conn.events.length - 1];
    expect(stop?.body).toMatchObject({ event: 'stop', stop: { call_sid: 'CA-test', reason: 'caller-hungup' } });
    expect(await conn.closed).toMatchObject({ code: 1000 });
    expect(result.close).toMatchObject({ code: 1000, by: 'caller' });
  });

  it('sends one dtmf event per digit', async () => {
    const srv = await fake({ auto: false });
    const result = await call(srv.url, [dtmf('12#'), hangup()]).run();
    const digits = srv.connections[0]?.events.filter((e) => e.event === 'dtmf').map((e) => e.body.dtmf);
    expect(digits).toEqual([
      { digit: '1', duration: 250 },
      { digit: '2', duration: 250 },
      { digit: '#', duration: 250 },
    ]);
    expect(result.dtmfSent).toBe(3);
  });

  it('can send numbers as strings, the other reading of the Exotel docs', async () => {
    const srv = await fake({ auto: false });
    await call(srv.url, [pause(300), hangup()], { numbersAsStrings: true }).run();
    const media = srv.connections[0]?.events.find((e) => e.event === 'media');
    expect(typeof media?.body.sequence_number).toBe('string');
    expect(typeof (media?.body.media as { chunk: unknown }).chunk).toBe('string');
  });
});

describe('playout like Exotel', () => {
  it('returns a mark only after the audio queued before it has played', async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    const sentAt = performance.now();
    conn.sendAudio(1000);
    conn.sendMark('m1');
    const mark = await conn.waitFor((e) => e.event === 'mark');
    const elapsedMs = performance.now() - sentAt;
    expect(mark.body).toMatchObject({ event: 'mark', stream_sid: conn.streamSid, mark: { name: 'm1' } });
    expect(typeof mark.body.sequence_number).toBe('number');
    expect(elapsedMs).toBeGreaterThanOrEqual(950);
    const result = await running;
    expect(result.completed).toBe(true);
    expect(result.marksReturned).toBe(1);
    expect(result.agentAudioReceivedMs).toBe(1000);
  });

  it('clear empties the buffer and returns pending marks at once', async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    conn.sendAudio(5000);
    conn.sendMark('long');
    await new Promise((r) => setTimeout(r, 300));
    const clearedAt = performance.now();
    conn.sendClear();
    await conn.waitFor((e) => e.event === 'mark');
    // Well before the 5 s of audio would have played out.
    expect(performance.now() - clearedAt).toBeLessThan(2500);
    const result = await running;
    expect(result.completed).toBe(true);
    expect(result.clearsReceived).toBe(1);
    // The caller went silent soon after the clear, not after 5 s.
    expect(result.durationMs).toBeLessThan(4000);
  });

  it("drops pending marks on clear with marksOnClear: 'drop'", async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), pause(500), hangup()], {
      marksOnClear: 'drop',
    }).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    conn.sendAudio(5000);
    conn.sendMark('long');
    await new Promise((r) => setTimeout(r, 200));
    conn.sendClear();
    const result = await running;
    expect(conn.events.some((e) => e.event === 'mark')).toBe(false);
    expect(result.marksReturned).toBe(0);
  });

  it('counts agent audio that arrives after the buffer ran dry mid-utterance as late frames', async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [waitForAgent({ until: 'speaking' }), pause(1500), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    conn.sendAudio(200);
    await new Promise((r) => setTimeout(r, 600)); // runs dry at ~200 ms, no mark: a stall
    conn.sendAudio(200);
    conn.sendMark('end');
    const result = await running;
    expect(result.lateFrames.count).toBe(1);
    expect(result.lateFrames.totalGapMs).toBeGreaterThanOrEqual(300);
  });
});

describe('protocol violations by the service', () => {
  it('reports a chunk shorter than 3200 bytes', async () => {
    const srv = await fake({ chunkBytes: 1600, greetingMs: 400 });
    const result = await call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), hangup()]).run();
    expect(result.violationCounts['chunk-too-short']).toBe(4);
    expect(result.protocolViolations[0]).toMatchObject({ kind: 'chunk-too-short', detail: '1600 bytes' });
  });

  it('reports camelCase streamSid and invalid JSON', async () => {
    const srv = await fake({ camelCase: true, greetingMs: 400 });
    const running = call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    conn.sendRaw('{not json');
    const result = await running;
    expect(result.violationCounts['camel-case-stream-sid']).toBeGreaterThanOrEqual(2);
    expect(result.violationCounts['invalid-json']).toBe(1);
  });

  it('reports nothing for a well-behaved service', async () => {
    const srv = await fake({ greetingMs: 400 });
    const result = await call(srv.url, [waitForAgent({ until: 'speaking' }), waitForAgent({ until: 'silent' }), hangup()]).run();
    expect(result.protocolViolations).toEqual([]);
    expect(result.violationCounts).toEqual({});
  });
});

describe('scripted conversation metrics', () => {
  it('measures greeting and turn latency from the end of caller speech to the first agent audio', async () => {
    const srv = await fake({ greetingMs: 400, replyMs: 400, replyDelayMs: 500 });
    const result = await call(srv.url, [
      waitForAgent({ until: 'speaking' }),
      waitForAgent({ until: 'silent' }),
      say(600),
      waitForAgent({ until: 'speaking' }),
      waitForAgent({ until: 'silent' }),
      hangup(),
    ]).run();
    expect(result.completed).toBe(true);
    expect(result.greetingLatencyMs).not.toBeNull();
    expect(result.turns).toHaveLength(1);
    const latency = result.turns[0]?.latencyMs ?? NaN;
    // The fake answers 2 silent frames (~200 ms) plus 500 ms after the speech ends.
    expect(latency).toBeGreaterThanOrEqual(500);
    expect(latency).toBeLessThan(3000);
    expect(result.marksReturned).toBe(2);
    expect(result.lateFrames.count).toBe(0);
  });

  it('records a barge-in: the caller talks over the agent and the service clears', async () => {
    const srv = await fake({ greetingMs: 3000, replyMs: 300 });
    const result = await call(srv.url, [
      bargeIn({ afterAgentAudioMs: 300, sayMs: 500 }),
      waitForAgent({ until: 'speaking' }),
      waitForAgent({ until: 'silent' }),
      hangup(),
    ]).run();
    expect(result.completed).toBe(true);
    expect(result.clearsReceived).toBe(1);
    expect(result.turns[0]).toMatchObject({ kind: 'barge-in' });
    expect(result.turns[0]?.clearAfterMs).toEqual(expect.any(Number));
    expect(result.turns[0]?.latencyMs).toEqual(expect.any(Number));
  });

  it('fails with a timeout reason when the agent never speaks', async () => {
    const srv = await fake({ auto: false });
    const result = await call(srv.url, [waitForAgent({ until: 'speaking', timeoutMs: 400 }), hangup()]).run();
    expect(result.completed).toBe(false);
    expect(result.failureReason).toBe('timeout:agent-speaking');
    expect(result.close?.by).toBe('caller');
  });

  it('counts the call completed when the service hangs up while the caller only listens', async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [waitForAgent({ until: 'speaking', timeoutMs: 5000 }), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'start');
    conn.close(1000);
    const result = await running;
    expect(result.completed).toBe(true);
    expect(result.close).toMatchObject({ code: 1000, by: 'service' });
  });

  it('fails when the service hangs up while the caller still had something to say', async () => {
    const srv = await fake({ auto: false });
    const running = call(srv.url, [pause(100), say(3000), hangup()]).run();
    const conn = await srv.nextConnection();
    await conn.waitFor((e) => e.event === 'media');
    conn.close(1011);
    const result = await running;
    expect(result.completed).toBe(false);
    expect(result.failureReason).toBe('closed-by-service:1011');
  });
});

describe('connecting', () => {
  it('reports a rejected handshake by status', async () => {
    const srv = await fake({ rejectStatus: 401 });
    const result = await call(srv.url, [hangup()]).run();
    expect(result.completed).toBe(false);
    expect(result.failureReason).toBe('handshake-401');
    expect(srv.upgradeAttempts).toBe(1);
  });

  it('retries a failed handshake once, as Exotel does', async () => {
    const srv = await fake({ rejectStatus: 503 });
    const result = await call(srv.url, [hangup()], { retryHandshake: true, retryDelayMs: 10 }).run();
    expect(srv.upgradeAttempts).toBe(2);
    expect(result.failureReason).toBe('handshake-503');
  });

  it('sends user:pass from the URL as Basic auth', async () => {
    const srv = await fake({ auto: false });
    const url = srv.url.replace('ws://', 'ws://exotel:pw@');
    await call(url, [hangup()]).run();
    expect(srv.connections[0]?.headers.authorization).toBe(`Basic ${Buffer.from('exotel:pw').toString('base64')}`);
  });
});
