import { hangup, say, waitForAgent, type CallScript } from '../../services/exotel-sim/src/index';
import { startHarness, type VoiceHarness } from '../support/voice-harness';

const listen = [waitForAgent({ until: 'speaking', timeoutMs: 8000 }), waitForAgent({ until: 'silent', timeoutMs: 15000 })];
const oneTurn: CallScript = { name: 'one-turn', steps: [...listen, say(1200), ...listen, hangup()] };
const twoTurns: CallScript = { name: 'two-turns', steps: [...listen, say(1200), ...listen, say(1200), ...listen, hangup()] };

describe('provider failures never leave the caller in silence', () => {
  let h: VoiceHarness;
  beforeAll(async () => {
    h = await startHarness({ LLM_FIRST_TOKEN_TIMEOUT_MS: '800', LLM_STALL_TIMEOUT_MS: '800' }, undefined, {
      breakerOptions: { failures: 2, halfOpenAfterMs: 500 },
    });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.emu.reset());

  it('STT socket dropped mid-call: reconnects and the turn goes on', async () => {
    h.emu.setFault('deepgramStt', { kind: 'disconnect', afterMs: 1500, count: 1 });
    const r = await h.call(twoTurns);
    expect(r.completed).toBe(true);
    expect(r.turns.every((t) => t.latencyMs !== null)).toBe(true);
    expect((await h.stats()).counters.sttReconnects).toBeGreaterThanOrEqual(1);
    expect(h.emu.stats().deepgramStt.totalRequests).toBeGreaterThanOrEqual(2);
  });

  it('ElevenLabs 5xx: the breaker opens, speech continues on Deepgram Aura, and recovers', async () => {
    h.emu.setFault('elevenlabs', { kind: '5xx', status: 503 });
    const r = await h.call(twoTurns);
    expect(r.completed).toBe(true);
    expect(r.greetingLatencyMs).not.toBeNull();
    expect(r.turns.every((t) => t.latencyMs !== null)).toBe(true);
    expect(h.emu.stats().deepgramTts.totalRequests).toBeGreaterThan(0);
    expect((await h.stats()).breakers['elevenlabs-tts']).toBe('open');
    expect((await (await fetch(`${h.voice.url}/health`)).json()).status).toBe('degraded');

    h.emu.setFault('elevenlabs', null);
    await new Promise((r) => setTimeout(r, 700)); // half-open after 500 ms
    const before = h.emu.stats().elevenlabs.totalRequests;
    const again = await h.call(oneTurn);
    expect(again.completed).toBe(true);
    expect(h.emu.stats().elevenlabs.totalRequests).toBeGreaterThan(before);
    expect((await h.stats()).breakers['elevenlabs-tts']).toBe('closed');
  });

  it('TTS dies mid-stream: the call goes on with the next sentence', async () => {
    h.emu.setFault('elevenlabs', { kind: 'disconnect', afterBytes: 4000, count: 1 });
    const r = await h.call(oneTurn);
    expect(r.completed).toBe(true);
    expect(r.turns[0]?.latencyMs).not.toBeNull();
  });

  it('LLM 429 once: retried, and the caller gets a real answer', async () => {
    h.emu.setFault('openai', { kind: '429', count: 1 });
    const r = await h.call(oneTurn);
    expect(r.completed).toBe(true);
    expect(h.emu.stats().openai.totalRequests).toBe(2);
    expect((await h.stats()).counters.llmFailures).toBe(0);
  });

  it('LLM failing (5xx every time): the caller hears a spoken apology', async () => {
    const failuresBefore = (await h.stats()).counters.llmFailures as number;
    h.emu.setFault('openai', { kind: '5xx', status: 500 });
    const r = await h.call(oneTurn);
    h.emu.setFault('openai', null);
    expect(r.completed).toBe(true);
    expect(r.turns[0]?.latencyMs).not.toBeNull(); // the apology is audio
    expect((await h.stats()).counters.llmFailures).toBe(failuresBefore + 1);
    await new Promise((r) => setTimeout(r, 700)); // let the LLM breaker half-open for the next test
  });

  it('LLM stalls before the first token: timed out and apologised for', async () => {
    h.emu.setFault('openai', { kind: 'stall', count: 1 });
    const started = Date.now();
    const r = await h.call(oneTurn);
    expect(r.completed).toBe(true);
    expect(r.turns[0]?.latencyMs).not.toBeNull();
    expect(r.turns[0]!.latencyMs!).toBeLessThan(Date.now() - started);
    expect((await h.stats()).counters.llmFailures).toBeGreaterThanOrEqual(1);
  });
});
