import { bargeIn, dtmf, hangup, pause, say, waitForAgent, type CallScript } from '../../services/exotel-sim/src/index';
import { startHarness, type VoiceHarness } from '../support/voice-harness';

type ChatBody = { messages: Array<{ role: string; content: string }> };
const listen = [waitForAgent({ until: 'speaking', timeoutMs: 8000 }), waitForAgent({ until: 'silent', timeoutMs: 15000 })];

describe('a call through the real SDKs and the provider emulators', () => {
  let h: VoiceHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.emu.reset());

  it('greets, answers each caller turn, and sends only valid Exotel frames', async () => {
    const script: CallScript = { name: 'two-turns', steps: [...listen, say(1200), ...listen, say(1200), ...listen, hangup()] };
    const r = await h.call(script);
    expect(r.completed).toBe(true);
    expect(r.greetingLatencyMs).not.toBeNull();
    expect(r.turns).toHaveLength(2);
    for (const t of r.turns) expect(t.latencyMs).not.toBeNull();
    expect(r.protocolViolations).toEqual([]);
    expect(r.marksReturned).toBeGreaterThan(0);
    const stats = await h.stats();
    expect(stats.turns.count).toBeGreaterThanOrEqual(2);
    expect(stats.turns.turnLatencyMs.p50).toBeGreaterThan(0);
    // The benchmark adds the two for the live set per call: audio Buffers live off the V8 heap.
    expect(stats.memory.heapUsedBytes).toBeGreaterThan(0);
    expect(stats.memory.arrayBuffersBytes).toBeGreaterThan(0);
    // The second LLM request carries the first answer as history.
    const requests = h.emu.openaiRequests() as ChatBody[];
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages.filter((m) => m.role === 'assistant').length).toBeGreaterThanOrEqual(2);
  });

  it('barge-in: clears playback, aborts LLM and TTS, and keeps only what the caller heard', async () => {
    // A long answer so the caller can cut into it.
    h.emu.config.openai.replies = [
      'Let me explain our three plans in detail. The first plan includes unlimited calls and texts for one whole month. The second plan adds international roaming in twelve countries. The third plan is for families with four lines.',
      'Sure, the family plan it is.',
    ];
    h.emu.config.elevenlabs.realtimeFactor = 1;
    // Slow enough that the answer is still streaming when the caller cuts in (~3 s after the
    // request): at 20 tokens/s it could finish just before, leaving nothing to abort.
    h.emu.config.openai.tokensPerSecond = 10;
    const script: CallScript = {
      name: 'barge',
      steps: [...listen, say(1200), bargeIn({ afterAgentAudioMs: 1200, sayMs: 1200 }), ...listen, hangup()],
    };
    const r = await h.call(script);
    h.emu.config.elevenlabs.realtimeFactor = 4;
    h.emu.config.openai.tokensPerSecond = 400;
    expect(r.completed).toBe(true);
    expect(r.clearsReceived).toBeGreaterThanOrEqual(1);
    const bargeTurn = r.turns.find((t) => t.kind === 'barge-in');
    expect(bargeTurn?.clearAfterMs).not.toBeNull();
    const stats = h.emu.stats();
    expect(stats.openai.aborted).toBeGreaterThanOrEqual(1); // the answer was cut off mid-stream
    const requests = h.emu.openaiRequests() as ChatBody[];
    const last = requests[requests.length - 1]!;
    const heard = last.messages.filter((m) => m.role === 'assistant').pop()!.content;
    expect(heard.length).toBeGreaterThan(0);
    expect(heard).not.toContain('families with four lines');
    expect(heard.length).toBeLessThan(h.emu.config.openai.replies[0]!.length);
  });

  it('backchannels ("ok") while the agent talks do not cut it off', async () => {
    h.emu.config.elevenlabs.realtimeFactor = 1;
    const script: CallScript = {
      name: 'backchannel',
      steps: [...listen, say(1200), waitForAgent({ until: 'speaking', timeoutMs: 8000 }), pause(300), say(350, { turn: false }), waitForAgent({ until: 'silent', timeoutMs: 15000 }), hangup()],
    };
    const before = (await h.stats()).counters.bargeIns as number;
    const r = await h.call(script);
    h.emu.config.elevenlabs.realtimeFactor = 4;
    expect(r.completed).toBe(true);
    expect(r.clearsReceived).toBe(0);
    expect((await h.stats()).counters.bargeIns).toBe(before);
    expect(h.emu.openaiRequests()).toHaveLength(1);
  });

  it('DTMF digits reach the LLM as caller input', async () => {
    const r = await h.call({ name: 'dtmf', steps: [...listen, dtmf('42#'), ...listen, hangup()] });
    expect(r.completed).toBe(true);
    const requests = h.emu.openaiRequests() as ChatBody[];
    expect(requests).toHaveLength(1);
    expect(requests[0]!.messages.pop()!.content).toMatch(/pressed keys: 4 2/);
  });

  it('a silent caller is re-prompted, then the call ends politely', async () => {
    const r = await h.call({ name: 'silent', steps: [...listen, pause(20_000), hangup()] }, { agent: 'quiet' });
    expect(r.close?.by).toBe('service');
    expect(r.close?.code).toBe(1000);
    expect(r.agentAudioReceivedMs).toBeGreaterThan(0);
    const stats = await h.stats();
    expect(stats.counters.reprompts).toBeGreaterThanOrEqual(1);
  });

  it('the caller saying bye ends the call after the goodbye is played', async () => {
    const callSid = `CAbye${Date.now()}`;
    h.emu.setTranscriptScript(callSid, ['Thanks, that is all, bye.']);
    const r = await h.call({ name: 'bye', steps: [...listen, say(1500), ...listen, pause(5000), hangup()] }, { callSid });
    expect(r.close?.by).toBe('service');
    expect(r.turns).toHaveLength(1);
  });
});
