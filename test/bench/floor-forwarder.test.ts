import { startEmulators, type RunningEmulators } from '../../services/emulators/src/index';
import { SimulatedCall, bargeIn, hangup, say, waitForAgent, type CallScript } from '../../services/exotel-sim/src/index';
import { parseFloorArgs, startFloorForwarder, type RunningFloor } from '../../bench/floor-forwarder';

jest.setTimeout(30_000);

describe('floor forwarder (the benchmark baseline) against the simulator and the Deepgram emulator', () => {
  let emulators: RunningEmulators;
  let floor: RunningFloor;

  beforeAll(async () => {
    emulators = await startEmulators({ deepgramStt: { limit: 50 } });
    floor = await startFloorForwarder({ sttUrl: emulators.url, realtimeFactor: 2, greetingMs: 1200, replyMs: 2400, sentenceMs: 1200 });
  });

  afterAll(async () => {
    await floor.close();
    await emulators.close();
  });

  const target = () => floor.url.replace(/^http/, 'ws');

  it('greets, answers a spoken turn with valid Exotel frames and marks, and is cut off by a barge-in', async () => {
    const script: CallScript = {
      name: 'floor-check',
      steps: [
        waitForAgent({ until: 'speaking' }),
        waitForAgent({ until: 'silent' }),
        say(1200),
        bargeIn({ afterAgentAudioMs: 400, sayMs: 1200 }),
        waitForAgent({ until: 'speaking' }),
        waitForAgent({ until: 'silent' }),
        hangup(),
      ],
    };
    const result = await new SimulatedCall({ url: `${target()}/ws/exotel/voice/CAfloor1`, callSid: 'CAfloor1', script }).run();
    expect(result.failureReason).toBeNull();
    expect(result.completed).toBe(true);
    expect(result.protocolViolations).toEqual([]);
    expect(result.greetingLatencyMs).not.toBeNull();
    expect(result.turns.length).toBeGreaterThanOrEqual(2);
    expect(result.turns.every((t) => t.latencyMs !== null)).toBe(true);
    expect(result.clearsReceived).toBeGreaterThanOrEqual(1);
    expect(result.marksReturned).toBeGreaterThanOrEqual(2);
    // every caller frame reached the STT socket: the emulator heard the call's speech
    expect(emulators.stats().deepgramStt.totalRequests).toBeGreaterThanOrEqual(1);
  });

  it('closes its STT socket when the caller hangs up', async () => {
    const script: CallScript = { name: 'hang-up', steps: [waitForAgent({ until: 'speaking' }), hangup()] };
    await new SimulatedCall({ url: `${target()}/ws/exotel/voice/CAfloor2`, callSid: 'CAfloor2', script }).run();
    const deadline = Date.now() + 5000;
    while (floor.activeCalls() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(floor.activeCalls()).toBe(0);
  });

  it('parses its command line', () => {
    expect(parseFloorArgs(['--stt-url', 'http://127.0.0.1:1', '--realtime-factor', '2'])).toMatchObject({
      sttUrl: 'http://127.0.0.1:1',
      realtimeFactor: 2,
      greetingMs: 3840,
    });
    expect(() => parseFloorArgs(['--stt-url', 'not a url'])).toThrow();
  });
});
