import { startEmulators, type RunningEmulators } from '../../services/emulators/src';
import { DeepgramStt } from '../../services/voice/src/providers/stt/deepgram-stt';
import type { SttConnectOptions, SttEvents } from '../../services/voice/src/providers/stt/stt-provider';

let emu: RunningEmulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

function recorder(): SttEvents & { closes: Array<{ code: number; unexpected: boolean }> } {
  const closes: Array<{ code: number; unexpected: boolean }> = [];
  return {
    closes,
    speechStarted: () => undefined,
    transcript: () => undefined,
    utteranceEnd: () => undefined,
    closed: (info) => closes.push({ code: info.code, unexpected: info.unexpected }),
  };
}

const opts = (signal: AbortSignal): SttConnectOptions => ({ model: 'nova-3', language: 'en-IN', sampleRate: 8000, endpointingMs: 300, utteranceEndMs: 1000, signal });

describe('Deepgram STT through the SDK, against the emulator', () => {
  it('a close the connect signal caused (a call ending) is not reported as unexpected', async () => {
    const ac = new AbortController();
    const events = recorder();
    const stream = await new DeepgramStt('key', emu.url).connect(opts(ac.signal), events);
    expect(stream.isOpen).toBe(true);
    ac.abort(); // the SDK closes its socket on this signal before anyone calls close()
    await stream.finished;
    expect(events.closes.length).toBe(1);
    expect(events.closes.every((c) => !c.unexpected)).toBe(true);
  });

  it('a socket the provider dropped is reported as unexpected', async () => {
    emu.setFault('deepgramStt', { kind: 'disconnect', afterMs: 100, count: 1 });
    const events = recorder();
    const stream = await new DeepgramStt('key', emu.url).connect(opts(new AbortController().signal), events);
    stream.send(Buffer.alloc(3200));
    await stream.finished;
    expect(events.closes).toEqual([expect.objectContaining({ unexpected: true })]);
  });
});
